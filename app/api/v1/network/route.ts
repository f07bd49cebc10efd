// GET /api/v1/network — every monitored node's health, network figures, open alerts, alert
// history and the chart series (lib/monitor/status.ts).
import { CACHE_SHORT, handle, json } from "@/lib/api/http";
import { getPrisma } from "@/lib/db/client";
import { getMonitorConfig } from "@/lib/monitor/config";
import { getNetworkOverview } from "@/lib/monitor/status";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(): Promise<Response> {
  return handle(async () =>
    json(await getNetworkOverview(getPrisma(), getMonitorConfig()), { cache: CACHE_SHORT }),
  );
}
