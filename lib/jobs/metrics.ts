// Prometheus metrics of the job queue, read from the database at scrape time so every app
// instance reports the same numbers (no per-process counters to add up or lose on restart):
// depth by kind and status, the oldest ready job's age, expired leases, and finished jobs
// (a counter: Job rows are only ever moved forward into terminal states).
import { Counter, Gauge, Registry } from "prom-client";
import { JOB_KINDS } from "@tensorchain/worker/jobs/types";
import type { QueueStats } from "./queue";

const STATUSES = ["queued", "running", "succeeded", "failed", "dead"] as const;
const TERMINAL = new Set<string>(["succeeded", "failed", "dead"]);

export async function renderQueueMetrics(stats: QueueStats): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const depth = new Gauge({
    name: "tensorchain_jobs",
    help: "Jobs by kind and status",
    labelNames: ["kind", "status"],
    registers: [registry],
  });
  const finished = new Counter({
    name: "tensorchain_jobs_finished_total",
    help: "Jobs that reached a terminal status (succeeded, failed, dead)",
    labelNames: ["kind", "status"],
    registers: [registry],
  });
  const oldest = new Gauge({
    name: "tensorchain_jobs_oldest_ready_age_seconds",
    help: "Age of the oldest job ready to run (0 when none waits)",
    labelNames: ["kind"],
    registers: [registry],
  });
  const expired = new Gauge({
    name: "tensorchain_jobs_expired_leases",
    help: "Running jobs whose lease expired and that no worker re-claimed yet",
    registers: [registry],
  });
  // Every series exists from the first scrape, so rate() and alerts see zeros rather than gaps.
  for (const kind of JOB_KINDS) {
    for (const status of STATUSES) {
      depth.set({ kind, status }, 0);
      if (TERMINAL.has(status)) finished.inc({ kind, status }, 0);
    }
    oldest.set({ kind }, stats.oldestReadyAgeSeconds[kind] ?? 0);
  }
  for (const c of stats.counts) {
    depth.set({ kind: c.kind, status: c.status }, c.count);
    if (TERMINAL.has(c.status)) finished.inc({ kind: c.kind, status: c.status }, c.count);
  }
  expired.set(stats.expiredLeases);
  return { contentType: registry.contentType, body: await registry.metrics() };
}
