// GET /api/v1/blocks?cursor=&limit= — newest first (lib/api/explorer.ts).
import { getPrisma } from "@/lib/db/client";
import { listBlocks } from "@/lib/api/explorer";
import { CACHE_SHORT, handle, json, queryOf } from "@/lib/api/http";
import { blockListQuery } from "@/lib/api/params";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(request: Request): Promise<Response> {
  return handle(async () =>
    json(await listBlocks(getPrisma(), blockListQuery.parse(queryOf(request))), { cache: CACHE_SHORT }),
  );
}
