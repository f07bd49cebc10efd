// GET /api/v1/txs?cursor=&limit= — newest first.
import { getPrisma } from "@/lib/db/client";
import { listTxs } from "@/lib/api/explorer";
import { CACHE_SHORT, handle, json, queryOf } from "@/lib/api/http";
import { txListQuery } from "@/lib/api/params";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(request: Request): Promise<Response> {
  return handle(async () =>
    json(await listTxs(getPrisma(), txListQuery.parse(queryOf(request))), { cache: CACHE_SHORT }),
  );
}
