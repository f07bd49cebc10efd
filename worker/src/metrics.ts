// Prometheus metrics of one worker, in their own registry (no global default registry, so two
// workers in one process — tests — do not collide), and the HTTP endpoint that serves them.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class WorkerMetrics {
  readonly registry = new Registry();
  readonly jobs = new Counter({
    name: "tensorchain_worker_jobs_total",
    help: "Jobs finished, by kind and status (ok, failed = model fault, error = released/failed back)",
    labelNames: ["kind", "status"] as const,
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: "tensorchain_worker_job_duration_seconds",
    help: "Wall time of a job, claim to result",
    labelNames: ["kind"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly inference = new Histogram({
    name: "tensorchain_worker_inference_seconds",
    help: "Latency of one model run (one batch; evaluate jobs time it inside the session host)",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  readonly cacheHits = new Counter({
    name: "tensorchain_worker_model_cache_hits_total",
    help: "Model cache hits",
    registers: [this.registry],
  });
  readonly cacheMisses = new Counter({
    name: "tensorchain_worker_model_cache_misses_total",
    help: "Model cache misses (blob fetched and session created)",
    registers: [this.registry],
  });
  readonly cacheBytes = new Gauge({
    name: "tensorchain_worker_model_cache_bytes",
    help: "Bytes of models held in the cache",
    registers: [this.registry],
  });
  readonly running = new Gauge({
    name: "tensorchain_worker_jobs_running",
    help: "Jobs in progress",
    registers: [this.registry],
  });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics)
      collectDefaultMetrics({ register: this.registry, prefix: "tensorchain_worker_" });
  }
}

/** Serves GET /metrics; resolves with the bound port. */
export async function serveMetrics(
  metrics: WorkerMetrics,
  port: number,
  host: string,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url !== "/metrics" && req.url !== "/")) {
      res.writeHead(404).end();
      return;
    }
    metrics.registry
      .metrics()
      .then((body) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(body))
      .catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
