// The worker: `concurrency` slots, each polling the queue (claim → heartbeat while running →
// complete/fail), with exponential backoff when idle or when the queue errs, and a graceful stop:
// no new claims, running jobs get `shutdownGraceMs` to finish, the rest are released through
// /fail with retry so another worker picks them up.
import { workerAccount } from "./account.js";
import type { LocalAccount } from "viem";
import { BlobFetcher, DatasetCache, ModelCache } from "./cache.js";
import type { WorkerConfig } from "./config.js";
import { ConfigError, WorkerError, errorReason } from "./errors.js";
import { createLogger, type Logger } from "./log.js";
import { WorkerMetrics, serveMetrics } from "./metrics.js";
import { chooseExecutionProviders } from "./onnx/providers.js";
import { RunGate } from "./onnx/session.js";
import { QueueClient, QueueHttpError } from "./queue-client.js";
import type { JobContext } from "./jobs/context.js";
import { runEvaluateJob } from "./jobs/evaluate.js";
import { CircuitBreakers } from "./jobs/http-client.js";
import { runInferJob } from "./jobs/infer.js";
import { runScoreJob } from "./jobs/score.js";
import { claimedJobSchema, type ClaimedJob, type JobResult } from "./jobs/types.js";

/** Errors that no retry can fix: the job is failed for good. */
const PERMANENT = new Set(["DATASET_INVALID", "TASK_SPEC_INVALID"]);
const COMPLETE_ATTEMPTS = 5;

interface RawJob {
  id: string;
  kind: string;
  attempt?: number;
  payload: unknown;
}

/** A claimed job whose lease this worker keeps alive: waiting for its slot, or running. */
interface HeldJob {
  raw: RawJob;
  leaseMs: number | undefined;
  controller: AbortController;
  log: Logger;
  progress?: { done: number; total: number };
  stopHeartbeat(): void;
}

interface RunningJob {
  id: string;
  kind: string;
  controller: AbortController;
  done: Promise<void>;
  /** Released to the queue at shutdown: its eventual result is discarded. */
  released: boolean;
}

export interface WorkerDeps {
  account: LocalAccount;
  log?: Logger;
  metrics?: WorkerMetrics;
}

/** Builds the execution core (caches, sessions, breakers) shared by `run` and `verify`. */
export async function createJobContext(
  config: WorkerConfig,
  deps: WorkerDeps,
): Promise<Omit<JobContext, "signal" | "onProgress">> {
  const { providers } = await chooseExecutionProviders(config.executionProvider);
  const fetcher = new BlobFetcher({
    apiUrl: config.apiUrl,
    blobDirs: config.blobDirs,
    requestTimeoutMs: Math.max(60_000, config.requestTimeoutMs),
  });
  const models = new ModelCache({
    fetcher,
    maxCacheBytes: config.modelCacheBytes,
    maxModelBytes: config.maxModelBytes,
    metrics: deps.metrics,
    log: deps.log,
    session: {
      providers,
      loadTimeoutMs: config.loadTimeoutMs,
      runTimeoutMs: config.inferenceTimeoutMs,
      memoryLimitBytes: config.memoryLimitBytes,
      intraOpThreads: config.intraOpThreads,
      // At most `concurrency` models compute at once, even with a next job queued in a host.
      gate: new RunGate(config.concurrency),
    },
  });
  // Data sets are parsed JSON plus decoded tensors: keep at most a few of the largest size.
  const datasets = new DatasetCache(fetcher, config.maxDatasetBytes, config.maxDatasetBytes * 2);
  return {
    models,
    datasets,
    account: deps.account,
    batchSize: config.batchSize,
    endpoint: {
      timeoutMs: config.endpointTimeoutMs,
      retries: config.endpointRetries,
      breakers: new CircuitBreakers(),
    },
    metrics: deps.metrics,
    log: deps.log,
  };
}

export class Worker {
  readonly metrics: WorkerMetrics;
  private readonly log: Logger;
  private readonly queue: QueueClient;
  private readonly running = new Map<string, RunningJob>();
  /** Claimed jobs not yet running (prefetched), released at shutdown. */
  private readonly held = new Set<HeldJob>();
  private readonly slots: Promise<void>[] = [];
  private stopping = false;
  /** Aborts the claims waiting on the server (long polls) when the worker stops. */
  private readonly stopClaims = new AbortController();
  private wake: (() => void)[] = [];
  private metricsServer: { port: number; close: () => Promise<void> } | undefined;

  private constructor(
    private readonly config: WorkerConfig,
    private readonly ctx: Omit<JobContext, "signal" | "onProgress">,
    deps: { log: Logger; metrics: WorkerMetrics; account: LocalAccount },
  ) {
    this.log = deps.log;
    this.metrics = deps.metrics;
    this.queue = new QueueClient(config.apiUrl, deps.account, config.requestTimeoutMs);
  }

  static async create(
    config: WorkerConfig,
    opts: { log?: Logger; metrics?: WorkerMetrics } = {},
  ): Promise<Worker> {
    if (!config.privateKey)
      throw new ConfigError("a worker key is required: set --private-key or WORKER_PRIVATE_KEY");
    const account = workerAccount(config.privateKey);
    const log = opts.log ?? createLogger({ fields: { worker: account.address } });
    const metrics = opts.metrics ?? new WorkerMetrics({ defaultMetrics: true });
    const ctx = await createJobContext(config, { account, log, metrics });
    return new Worker(config, ctx, { log, metrics, account });
  }

  get address(): string {
    return this.ctx.account.address;
  }

  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  get runningJobs(): string[] {
    return [...this.running.keys()];
  }

  async start(): Promise<void> {
    if (this.config.metricsPort !== undefined) {
      this.metricsServer = await serveMetrics(this.metrics, this.config.metricsPort, this.config.metricsHost);
    }
    // The same choice createJobContext made (cached): which providers, and why.
    const { providers, reason } = await chooseExecutionProviders(this.config.executionProvider);
    this.log.info("worker started", {
      api: this.config.apiUrl,
      concurrency: this.config.concurrency,
      kinds: this.config.kinds,
      metricsPort: this.metricsServer?.port,
      providers,
      providerReason: reason,
    });
    for (let i = 0; i < this.config.concurrency; i++) this.slots.push(this.slot(i));
  }

  /** Sleeps up to ms; stop() cuts it short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wake = this.wake.filter((w) => w !== done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wake.push(done);
    });
  }

  /**
   * Leases a claimed job: heartbeats start at once (also while a prefetched job waits for its
   * slot) and abort the job when the server says the lease is lost.
   */
  private hold(raw: RawJob, leaseMs: number | undefined): HeldJob {
    const controller = new AbortController();
    const log = this.log.child({ jobId: raw.id, kind: raw.kind });
    const every = Math.max(
      50,
      Math.min(this.config.heartbeatIntervalMs, leaseMs ? Math.floor(leaseMs / 3) : Infinity),
    );
    const held: HeldJob = { raw, leaseMs, controller, log, stopHeartbeat: () => clearInterval(timer) };
    const timer = setInterval(() => {
      this.queue
        .heartbeat({ jobId: raw.id, ...(held.progress ? { progress: held.progress } : {}) })
        .catch((err: unknown) => {
          if (err instanceof QueueHttpError && err.leaseLost) {
            log.warn("lease lost; abandoning job", { reason: errorReason(err) });
            controller.abort(new WorkerError("QUEUE_HTTP", "lease lost"));
          } else {
            log.warn("heartbeat failed", { reason: errorReason(err) });
          }
        });
    }, every);
    this.held.add(held);
    return held;
  }

  /** Gives a held job back to the queue (/fail with retry). */
  private async release(held: HeldJob, reason: string): Promise<void> {
    held.stopHeartbeat();
    this.held.delete(held);
    await this.queue
      .fail({ jobId: held.raw.id, reason, retry: true })
      .catch((err: unknown) =>
        held.log.warn("release failed; the lease will expire", { reason: errorReason(err) }),
      );
  }

  /**
   * Claims a job, waiting on the server up to claimWaitMs for one. `waited` says whether an empty
   * answer came after a real wait: a server that does not wait (or a zero claimWaitMs) answers at
   * once, and the slot then backs off between polls instead.
   */
  private async claimOne(): Promise<{ held: HeldJob | null; waited: boolean }> {
    const started = Date.now();
    const waitMs = this.config.claimWaitMs;
    const claimed = await this.queue.claim(this.config.kinds, { waitMs, signal: this.stopClaims.signal });
    if (claimed.job) return { held: this.hold(claimed.job, claimed.leaseMs), waited: false };
    return { held: null, waited: waitMs > 0 && Date.now() - started >= waitMs / 2 };
  }

  private async slot(index: number): Promise<void> {
    let backoff = this.config.pollIntervalMs;
    const idle = async () => {
      // Full jitter keeps many idle workers from polling in lockstep.
      await this.pause(backoff / 2 + Math.random() * (backoff / 2));
      backoff = Math.min(this.config.maxBackoffMs, backoff * 2);
    };
    // The next job, claimed while the current one runs: the claim's round trip (signing, the
    // server's checks, the SKIP LOCKED query) is then off the critical path of a busy worker.
    let next: ReturnType<Worker["claimOne"]> | undefined;
    while (!this.stopping) {
      let held: HeldJob | null;
      try {
        const claim = await (next ?? this.claimOne());
        held = claim.held;
        next = undefined;
        if (held === null) {
          // After a long poll that found nothing, ask again at once: the server does the waiting.
          if (claim.waited) backoff = this.config.pollIntervalMs;
          else await idle();
          continue;
        }
      } catch (err) {
        next = undefined;
        if (this.stopping) break;
        this.log.warn("claim failed", { slot: index, reason: errorReason(err) });
        await idle();
        continue;
      }
      backoff = this.config.pollIntervalMs;
      if (this.stopping) {
        await this.release(held, "worker shutting down");
        break;
      }
      if (this.config.prefetch) {
        next = this.claimOne();
        next.catch(() => undefined); // handled when awaited above
      }
      await this.process(held);
    }
    const left = await next?.catch(() => null);
    if (left?.held) await this.release(left.held, "worker shutting down");
  }

  /**
   * Runs a held job; returns when the slot may take its next one: once the job's last inference
   * started in its model host (the next job's run then waits in the host, so the host goes
   * straight from one to the other), or else when its result is computed. Scoring, the receipt
   * and the completion go on in the background.
   */
  private async process(held: HeldJob): Promise<void> {
    const { raw, controller, log } = held;
    const parsed = claimedJobSchema.safeParse(raw);
    if (!parsed.success) {
      held.stopHeartbeat();
      this.held.delete(held);
      const issue = parsed.error.issues[0];
      const reason = `malformed job: ${issue?.path.join(".") || "job"}: ${issue?.message}`;
      log.warn("rejecting job", { reason });
      this.metrics.jobs.inc({ kind: raw.kind, status: "error" });
      await this.queue
        .fail({ jobId: raw.id, reason, retry: false })
        .catch((err: unknown) => log.warn("fail request failed", { reason: errorReason(err) }));
      return;
    }
    const job = parsed.data;
    this.held.delete(held);
    const entry: RunningJob = {
      id: job.id,
      kind: job.kind,
      controller,
      released: false,
      done: Promise.resolve(),
    };
    const started = performance.now();
    this.metrics.running.inc();
    log.info("job started", { attempt: job.attempt });
    let slotFree!: () => void;
    const resultReady = new Promise<void>((r) => (slotFree = r));
    entry.done = (async () => {
      try {
        const ctx: JobContext = {
          ...this.ctx,
          log,
          signal: controller.signal,
          onProgress: (done, total) => {
            // Log at each quarter, not per batch, to keep long evaluations readable.
            const quarter = (n: number) => Math.floor((4 * n) / Math.max(1, total));
            if (quarter(done) > quarter(held.progress?.done ?? 0)) log.info("job progress", { done, total });
            held.progress = { done, total };
          },
          onInferenceDone: slotFree,
          onInferenceStarted: slotFree,
        };
        const result = await this.execute(ctx, job);
        slotFree();
        // Let the slot hand its next job to the session first: serializing and signing a result
        // with thousands of per-item scores takes milliseconds that would otherwise sit between
        // two inferences.
        await new Promise((r) => setImmediate(r));
        if (entry.released || controller.signal.aborted) return;
        // Heartbeats go on until the server has the result: the lease must outlive the upload.
        await this.completeWithRetry(job.id, result);
        this.metrics.jobs.inc({ kind: job.kind, status: result.status });
        log.info("job done", {
          status: result.status,
          ...("score" in result ? { score: result.score } : {}),
          ...(result.reason ? { reason: result.reason } : {}),
          ms: Math.round(performance.now() - started),
        });
      } catch (err) {
        slotFree();
        held.stopHeartbeat();
        if (entry.released) return;
        const reason = errorReason(err);
        const retry = !(err instanceof WorkerError && PERMANENT.has(err.code));
        this.metrics.jobs.inc({ kind: job.kind, status: "error" });
        log.warn("job errored", { reason, retry });
        await this.queue
          .fail({ jobId: job.id, reason, retry })
          .catch((e: unknown) => log.warn("fail request failed", { reason: errorReason(e) }));
      } finally {
        slotFree();
        held.stopHeartbeat();
        this.metrics.running.dec();
        this.metrics.jobDuration.observe({ kind: job.kind }, (performance.now() - started) / 1000);
        this.running.delete(job.id);
      }
    })();
    this.running.set(job.id, entry);
    await resultReady;
  }

  private execute(ctx: JobContext, job: ClaimedJob): Promise<JobResult> {
    switch (job.kind) {
      case "evaluate":
        return runEvaluateJob(ctx, job.id, job.payload);
      case "score":
        return runScoreJob(ctx, job.id, job.payload);
      case "infer":
        return runInferJob(ctx, job.payload);
    }
  }

  /** Results are idempotent by job id, so a lost answer is safe to resend. */
  private async completeWithRetry(jobId: string, result: JobResult): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.queue.complete({ jobId, result });
        return;
      } catch (err) {
        const permanent =
          err instanceof QueueHttpError && err.status !== undefined && err.status < 500 && err.status !== 429;
        if (permanent || attempt >= COMPLETE_ATTEMPTS) throw err;
        await new Promise((r) =>
          setTimeout(r, Math.min(this.config.maxBackoffMs, this.config.pollIntervalMs * 2 ** attempt)),
        );
      }
    }
  }

  /**
   * Stops claiming, lets running jobs finish within the grace period, releases the rest to the
   * queue (/fail with retry) and ends every session host.
   */
  async stop(graceMs = this.config.shutdownGraceMs): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopClaims.abort();
    for (const w of this.wake.splice(0)) w();
    this.log.info("stopping", { running: this.running.size, graceMs });
    const all = () => Promise.all([...this.running.values()].map((j) => j.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    await Promise.all([...this.held].map((h) => this.release(h, "worker shutting down")));
    const left = [...this.running.values()];
    await Promise.all(
      left.map(async (j) => {
        j.released = true;
        j.controller.abort(new WorkerError("QUEUE_HTTP", "worker shutting down"));
        this.metrics.jobs.inc({ kind: j.kind, status: "released" });
        this.log.warn("releasing job", { jobId: j.id });
        await this.queue
          .fail({ jobId: j.id, reason: "worker shutting down", retry: true })
          .catch((err: unknown) =>
            this.log.warn("release failed; the lease will expire", { jobId: j.id, reason: errorReason(err) }),
          );
      }),
    );
    // Killing the hosts makes any run still in flight reject, so every slot winds down.
    await this.ctx.models.close();
    await Promise.all(this.slots);
    await this.metricsServer?.close();
    this.log.info("stopped");
  }
}
