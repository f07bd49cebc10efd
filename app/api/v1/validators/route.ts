// GET /api/v1/validators — by stake.
import { getPrisma } from "@/lib/db/client";
import { listValidators } from "@/lib/api/explorer";
import { CACHE_SHORT, handle, json } from "@/lib/api/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(): Promise<Response> {
  return handle(async () => json(await listValidators(getPrisma()), { cache: CACHE_SHORT }));
}
