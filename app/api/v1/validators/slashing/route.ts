// GET /api/v1/validators/slashing?hotkey=&cursor=&limit= — slashing history, newest first.
import { getPrisma } from "@/lib/db/client";
import { listSlashing } from "@/lib/api/explorer";
import { CACHE_SHORT, handle, json, queryOf } from "@/lib/api/http";
import { slashingListQuery } from "@/lib/api/params";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(request: Request): Promise<Response> {
  return handle(async () =>
    json(await listSlashing(getPrisma(), slashingListQuery.parse(queryOf(request))), { cache: CACHE_SHORT }),
  );
}
