// GET /api/v1/stats — head, block time and tx/s over the latest indexed blocks (home page).
import { getPrisma } from "@/lib/db/client";
import { getStats } from "@/lib/api/explorer";
import { CACHE_SHORT, handle, json } from "@/lib/api/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(): Promise<Response> {
  return handle(async () => json(await getStats(getPrisma()), { cache: CACHE_SHORT }));
}
