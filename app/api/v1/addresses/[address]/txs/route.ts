// GET /api/v1/addresses/{address}/txs?cursor=&limit= — transactions from, to or creating it.
import { getPrisma } from "@/lib/db/client";
import { listAddressTxs } from "@/lib/api/explorer";
import { CACHE_SHORT, handle, json, queryOf } from "@/lib/api/http";
import { addressParam, txListQuery } from "@/lib/api/params";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(request: Request, ctx: { params: Promise<{ address: string }> }): Promise<Response> {
  return handle(async () => {
    const address = addressParam.parse((await ctx.params).address);
    return json(await listAddressTxs(getPrisma(), address, txListQuery.parse(queryOf(request))), {
      cache: CACHE_SHORT,
    });
  });
}
