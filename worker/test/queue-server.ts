// A faithful miniature of the app's job queue API (jobs/types.ts): signed requests verified
// with auth.ts, leases with expiry, idempotent completion. The tests' counterpart of the future
// app route handlers, so the worker's poll loop is exercised over real HTTP.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWorkerRequest } from "../src/auth.js";
import {
  QUEUE_PATHS,
  claimRequestSchema,
  completeRequestSchema,
  failRequestSchema,
  heartbeatRequestSchema,
  type JobResult,
} from "../src/jobs/types.js";

export interface QueueJob {
  id: string;
  kind: string;
  payload: unknown;
  state: "queued" | "leased" | "done" | "failed";
  worker?: string;
  leaseUntil?: number;
  attempts: number;
  heartbeats: number;
  result?: JobResult;
  failures: { reason: string; retry: boolean }[];
}

export class QueueServer {
  readonly jobs: QueueJob[] = [];
  readonly rejected: string[] = [];
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = "";

  constructor(
    private readonly allowed: Set<string>,
    private readonly leaseMs = 5_000,
  ) {}

  add(id: string, kind: string, payload: unknown): void {
    this.jobs.push({ id, kind, payload, state: "queued", attempts: 0, heartbeats: 0, failures: [] });
  }

  job(id: string): QueueJob {
    return this.jobs.find((j) => j.id === id)!;
  }

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const send = (status: number, json: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
    };
    let worker: string;
    try {
      const v = await verifyWorkerRequest({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body,
      });
      if (!this.allowed.has(v.address)) throw new Error(`${v.address} is not a registered validator`);
      worker = v.address;
    } catch (err) {
      this.rejected.push((err as Error).message);
      return send(401, { error: (err as Error).message });
    }
    const json = JSON.parse(body) as unknown;
    const now = Date.now();
    switch (req.url) {
      case QUEUE_PATHS.claim: {
        const { kinds } = claimRequestSchema.parse(json);
        const job = this.jobs.find(
          (j) =>
            (kinds as string[]).includes(j.kind) &&
            (j.state === "queued" || (j.state === "leased" && j.leaseUntil! < now)),
        );
        if (!job) return send(200, { job: null });
        Object.assign(job, {
          state: "leased",
          worker,
          leaseUntil: now + this.leaseMs,
          attempts: job.attempts + 1,
        });
        return send(200, {
          job: { id: job.id, kind: job.kind, attempt: job.attempts, payload: job.payload },
          leaseMs: this.leaseMs,
        });
      }
      case QUEUE_PATHS.heartbeat: {
        const { jobId } = heartbeatRequestSchema.parse(json);
        const job = this.job(jobId);
        if (job?.state !== "leased" || job.worker !== worker) return send(409, { error: "lease lost" });
        job.leaseUntil = now + this.leaseMs;
        job.heartbeats++;
        return send(200, { ok: true, leaseMs: this.leaseMs });
      }
      case QUEUE_PATHS.complete: {
        const parsed = completeRequestSchema.safeParse(json);
        if (!parsed.success) return send(400, { error: parsed.error.issues[0]?.message });
        const job = this.job(parsed.data.jobId);
        if (job?.state === "done") return send(200, { ok: true }); // idempotent
        if (job?.state !== "leased" || job.worker !== worker) return send(409, { error: "lease lost" });
        Object.assign(job, { state: "done", result: parsed.data.result });
        return send(200, { ok: true });
      }
      case QUEUE_PATHS.fail: {
        const { jobId, reason, retry } = failRequestSchema.parse(json);
        const job = this.job(jobId);
        if (!job || job.worker !== worker) return send(409, { error: "lease lost" });
        job.failures.push({ reason, retry });
        job.state = retry ? "queued" : "failed";
        return send(200, { ok: true });
      }
      default:
        return send(404, { error: "not found" });
    }
  }
}
