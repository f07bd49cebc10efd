// GET /api/cron/monitor — one network-monitor check for serverless deployments (Vercel Cron
// calls GET with `Authorization: Bearer $CRON_SECRET`). The long-running loop
// (lib/monitor/run.ts) runs the same runMonitorCheck(); both may run side by side.
import { CACHE_NONE, handle, json, requireCronSecret } from "@/lib/api/http";
import { getConfig } from "@/lib/config";
import { runMonitorCheck } from "@/lib/monitor/check";
import { defaultMonitorDeps } from "@/lib/monitor/deps";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";
export const maxDuration = 60;

export function GET(request: Request): Promise<Response> {
  return handle(async () => {
    requireCronSecret(request, getConfig().indexer.cronSecret);
    const r = await runMonitorCheck(defaultMonitorDeps());
    return json(
      {
        at: r.at.toISOString(),
        nodes: r.nodes.map((n) => ({ name: n.name, status: n.status, height: n.height, reasons: n.reasons })),
        metrics: r.metrics,
        opened: r.opened.map((a) => a.key),
        resolved: r.resolved.map((a) => a.key),
        open: r.open.map((a) => a.key),
        webhooksFailed: r.webhooks.filter((w) => !w.ok).length,
      },
      { cache: CACHE_NONE },
    );
  });
}
