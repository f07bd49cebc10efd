// GET /api/v1/addresses/{address} — indexed summary (live balances come from the node).
import { getPrisma } from "@/lib/db/client";
import { getAddress } from "@/lib/api/explorer";
import { CACHE_SHORT, handle, json } from "@/lib/api/http";
import { addressParam } from "@/lib/api/params";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(_request: Request, ctx: { params: Promise<{ address: string }> }): Promise<Response> {
  return handle(async () => {
    const address = addressParam.parse((await ctx.params).address);
    return json(await getAddress(getPrisma(), address), { cache: CACHE_SHORT });
  });
}
