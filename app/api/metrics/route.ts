// GET /api/metrics: the job queue's Prometheus metrics (lib/jobs/metrics.ts).
import { errorResponse } from "@/lib/jobs/errors";
import { renderQueueMetrics } from "@/lib/jobs/metrics";
import { queueStats } from "@/lib/jobs/queue";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET(): Promise<Response> {
  try {
    const { contentType, body } = await renderQueueMetrics(await queueStats());
    return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}
