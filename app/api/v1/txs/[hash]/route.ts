// GET /api/v1/txs/{hash} — a transaction with its receipt and logs; immutable once indexed.
import { getPrisma } from "@/lib/db/client";
import { getTx } from "@/lib/api/explorer";
import { CACHE_IMMUTABLE, handle, json } from "@/lib/api/http";
import { txHashParam } from "@/lib/api/params";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(_request: Request, ctx: { params: Promise<{ hash: string }> }): Promise<Response> {
  return handle(async () => {
    const hash = txHashParam.parse((await ctx.params).hash);
    return json(await getTx(getPrisma(), hash), { cache: CACHE_IMMUTABLE });
  });
}
