// GET /api/v1/subnets
import { getPrisma } from "@/lib/db/client";
import { listSubnets } from "@/lib/api/explorer";
import { CACHE_SHORT, handle, json } from "@/lib/api/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(): Promise<Response> {
  return handle(async () => json(await listSubnets(getPrisma()), { cache: CACHE_SHORT }));
}
