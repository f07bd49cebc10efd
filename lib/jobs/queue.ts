// The job queue (ARCHITECTURE.md §4) on the app database's Job table.
//
// Why not pg-boss or graphile-worker: both keep jobs in their own schema and tables (our Job
// rows, receipts and portal queries would become a copy), neither has the lease this protocol
// needs — a lease owned by one worker key, extended by heartbeats, after whose expiry a late
// result from that worker is refused while the new holder's is accepted (pg-boss has a fixed
// expireInSeconds and no owner; graphile-worker a fixed 4-hour lock) — and both rely on
// session-level machinery (advisory locks for maintenance, LISTEN/NOTIFY, a pool of several
// sessions) that the embedded PGlite socket server, one backend shared by every connection,
// does not isolate per connection. What they would give us is one statement:
// `SELECT … FOR UPDATE SKIP LOCKED` in an UPDATE, which is below.
//
// All times (runAt, leaseUntil) come from the database clock, so several app instances with
// skewed clocks agree on when a lease expired. Job states:
//   queued ──claim──▶ running ──complete──▶ succeeded (the model's own failure included)
//                       │  └──fail(retry=false)──▶ failed
//                       ├──fail(retry) / lease expiry, attempts left──▶ queued / re-claimed
//                       └──attempts exhausted──▶ dead (dead letter, deadLetteredAt set)
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { Prisma, type Job, type JobKind as DbJobKind, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import {
  JOB_KINDS,
  evaluatePayloadSchema,
  inferPayloadSchema,
  scorePayloadSchema,
  type JobKind,
  type JobResult,
} from "@tensorchain/worker/jobs/types";
import {
  SCORE_SCALE,
  verifyReceiptLeaf,
  type EvaluationReceipt,
  type SignedReceipt,
} from "@tensorchain/worker/receipts";
import { FsBlobStore } from "@/lib/blobs/store";
import { getPrisma } from "@/lib/db/client";
import { cachedChainHeight } from "./chain-height";
import { getJobsConfig } from "./config";
import { JobError } from "./errors";

export const PAYLOAD_SCHEMAS = {
  evaluate: evaluatePayloadSchema,
  score: scorePayloadSchema,
  infer: inferPayloadSchema,
} as const satisfies Record<JobKind, z.ZodType>;

export type JobPayload<K extends JobKind> = z.input<(typeof PAYLOAD_SCHEMAS)[K]>;

export interface JobQueueOptions {
  leaseMs: number;
  /** Attempts before a job is dead-lettered (enqueue may set its own). */
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Chain height recorded on evaluation receipts; null when the node cannot be reached. */
  chainHeight?: () => Promise<bigint | null>;
  /** Source of randomness for retry jitter (tests pin it). */
  random?: () => number;
  /**
   * Where per-item results go: stored as one content-addressed JSON blob (served by
   * /api/v1/blobs/<sha256>) and referenced from the job's result as `itemsBlob`, instead of
   * thousands of objects in the Job row. Kept in the row when absent.
   */
  itemBlobs?: Pick<FsBlobStore, "put">;
}

export interface EnqueueOptions {
  /** Higher runs first. */
  priority?: number;
  /** Not before this time (default: now). */
  runAt?: Date;
  maxAttempts?: number;
  /** Only this validator's workers may claim it; any registered worker when absent. */
  validatorHotkey?: string;
  netuid?: number;
}

export interface ClaimedJob {
  id: string;
  kind: JobKind;
  attempt: number;
  payload: unknown;
  leaseMs: number;
}

/** The caller of a worker operation: its key and the validator that registered it (lowercase). */
export interface WorkerIdentity {
  address: string;
  validatorHotkey: string;
}

export interface QueueStats {
  /** Jobs per kind and status. */
  counts: { kind: JobKind; status: Job["status"]; count: number }[];
  /** Age in seconds of the oldest job ready to run, per kind (0 when none waits). */
  oldestReadyAgeSeconds: Partial<Record<JobKind, number>>;
  /** Jobs whose lease expired and that nobody re-claimed yet. */
  expiredLeases: number;
}

const uuid = z.uuid();
/** Interactive transactions wait longer than Prisma's 2 s default for the connection: on a
 *  one-connection pool (embedded PGlite) under load, completions queue behind each other. */
const TX_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address");

function parseJobId(id: string): string {
  if (!uuid.safeParse(id).success) throw new JobError("NOT_FOUND", `job ${id} does not exist`);
  return id.toLowerCase();
}

/** Retry delay before attempt `attempts + 1`: base·2^(attempts−1), capped, with equal jitter. */
export function retryDelayMs(
  attempts: number,
  base: number,
  max: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, Math.min(attempts - 1, 40)));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

interface ClaimRow {
  id: string;
  kind: JobKind;
  attempts: number;
  payload: unknown;
}

interface LockedRow {
  id: string;
  kind: JobKind;
  status: Job["status"];
  attempts: number;
  maxAttempts: number;
  workerId: string | null;
  validatorHotkey: string | null;
  payload: unknown;
  leaseExpired: boolean;
}

/**
 * Jobs enqueued by this process (any JobQueue in it) wake the claims waiting here at once; jobs
 * enqueued by another instance of the app are seen at the waiting claim's next check.
 */
const enqueued = new EventEmitter().setMaxListeners(0);
/** How often a waiting claim checks the table for jobs that another process enqueued. */
const CLAIM_RECHECK_MS = 500;
/** Jobs that reached a final state in this process, by id (see untilFinished). */
const finished = new EventEmitter().setMaxListeners(0);

/** Resolves on the next `event` of `emitter`, after `ms`, or when `signal` aborts: the first of them. */
function eventOrTimeout(
  emitter: EventEmitter,
  event: string,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      emitter.off(event, done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    emitter.on(event, done);
    signal?.addEventListener("abort", done);
  });
}

/**
 * Resolves when this process records job `id` as succeeded, failed or dead, or after `ms`
 * (whichever is first): a waiter re-reads the row then, which also covers another instance.
 */
export function untilFinished(id: string, ms: number): Promise<void> {
  return eventOrTimeout(finished, id, ms);
}

export class JobQueue {
  constructor(
    private readonly prisma: PrismaClient,
    readonly opts: JobQueueOptions,
  ) {}

  /** Validates the payload with the worker's schema for `kind` and stores the job. */
  async enqueue<K extends JobKind>(
    kind: K,
    payload: JobPayload<K>,
    opts: EnqueueOptions = {},
  ): Promise<{ id: string }> {
    if (!(JOB_KINDS as readonly string[]).includes(kind))
      throw new JobError("BAD_REQUEST", `unknown job kind "${kind}"`);
    const parsed = PAYLOAD_SCHEMAS[kind].safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new JobError(
        "BAD_REQUEST",
        `invalid ${kind} payload: ${issue?.path.join(".") || "payload"}: ${issue?.message}`,
      );
    }
    if (opts.validatorHotkey !== undefined && !address.safeParse(opts.validatorHotkey).success) {
      throw new JobError("BAD_REQUEST", "validatorHotkey must be a 20-byte hex address");
    }
    const maxAttempts = opts.maxAttempts ?? this.opts.maxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
      throw new JobError("BAD_REQUEST", "maxAttempts must be a whole number ≥ 1");
    const job = await this.prisma.job.create({
      data: {
        kind: kind as DbJobKind,
        payload: parsed.data as Prisma.InputJsonValue,
        priority: opts.priority ?? 0,
        maxAttempts,
        ...(opts.runAt ? { runAt: opts.runAt } : {}),
        validatorHotkey: opts.validatorHotkey?.toLowerCase() ?? null,
        netuid: opts.netuid ?? ("netuid" in parsed.data ? parsed.data.netuid : null),
      },
      select: { id: true },
    });
    enqueued.emit("job");
    return job;
  }

  /**
   * A claim that waits: claims at once, and while nothing is ready and `waitMs` has not passed,
   * claims again whenever this process enqueues a job (or every CLAIM_RECHECK_MS for jobs from
   * elsewhere). Gives up without claiming once `signal` aborts (the worker went away).
   */
  async claimWaiting(
    worker: WorkerIdentity,
    kinds: readonly JobKind[],
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<ClaimedJob | null> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (signal?.aborted) return null;
      const job = await this.claim(worker, kinds);
      const left = deadline - Date.now();
      if (job !== null || left <= 0) return job;
      await eventOrTimeout(enqueued, "job", Math.min(left, CLAIM_RECHECK_MS), signal);
    }
  }

  /**
   * Leases the next ready job of one of `kinds` to `worker`: the highest priority, then the
   * oldest runAt; a running job whose lease expired counts as ready (the lease goes to the new
   * claimer and the old holder's results are refused). One statement: the CTE's
   * FOR UPDATE SKIP LOCKED lets concurrent claimers pass over rows another claim is taking, so
   * no job is handed out twice; the same statement dead-letters expired leases with no
   * attempts left.
   */
  async claim(worker: WorkerIdentity, kinds: readonly JobKind[]): Promise<ClaimedJob | null> {
    if (kinds.length === 0) return null;
    const leaseMs = this.opts.leaseMs;
    const rows = await this.prisma.$queryRaw<ClaimRow[]>`
      WITH swept AS (
        UPDATE "Job"
        SET status = 'dead', "deadLetteredAt" = now(), "completedAt" = now(), "leaseUntil" = NULL, "updatedAt" = now(),
            error = 'lease expired on the last of ' || "maxAttempts" || ' attempts'
        WHERE status = 'running' AND "leaseUntil" < now() AND attempts >= "maxAttempts"
        RETURNING id
      ), next AS (
        SELECT id FROM "Job"
        WHERE kind::text = ANY(${kinds as string[]}::text[])
          AND ("validatorHotkey" IS NULL OR "validatorHotkey" = ${worker.validatorHotkey})
          AND ((status = 'queued' AND "runAt" <= now())
            OR (status = 'running' AND "leaseUntil" < now() AND attempts < "maxAttempts"))
        ORDER BY priority DESC, "runAt" ASC
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      UPDATE "Job" AS j
      SET status = 'running', attempts = j.attempts + 1, "workerId" = ${worker.address},
          "leaseUntil" = now() + ${leaseMs}::int * interval '1 millisecond', "updatedAt" = now()
      FROM next WHERE j.id = next.id
      RETURNING j.id::text AS id, j.kind::text AS kind, j.attempts, j.payload`;
    const row = rows[0];
    if (row === undefined) return null;
    return { id: row.id, kind: row.kind, attempt: row.attempts, payload: row.payload, leaseMs };
  }

  /** Extends `worker`'s lease on the job; LEASE_LOST (409) or GONE (410) when it no longer holds it. */
  async heartbeat(worker: WorkerIdentity, jobId: string): Promise<{ leaseMs: number }> {
    const id = parseJobId(jobId);
    // A lease that expired but that nobody re-claimed is still this worker's: extending it loses nothing.
    const n = await this.prisma.$executeRaw`
      UPDATE "Job" SET "leaseUntil" = now() + ${this.opts.leaseMs}::int * interval '1 millisecond', "updatedAt" = now()
      WHERE id = ${id}::uuid AND status = 'running' AND "workerId" = ${worker.address}`;
    if (n === 1) return { leaseMs: this.opts.leaseMs };
    const job = await this.prisma.job.findUnique({ where: { id }, select: { status: true, workerId: true } });
    throw leaseError(job, worker, "heartbeat");
  }

  /**
   * Stores the result of a job `worker` holds. Idempotent: the same worker completing again is
   * a no-op. Refused (409) when the lease was lost to another worker. Evaluate and score
   * results must carry a receipt signed by this worker for this job and model; it is stored
   * as an EvaluationReceipt row.
   *
   * Two statements, no interactive transaction: a plain read of what never changes after
   * enqueue (kind, payload, validator) and of the status — enough to answer a duplicate
   * (succeeded is final) or a lost lease, and to check the receipt against the job — then one
   * statement that locks the row, re-checks under the lock that this worker still holds it, and
   * only then inserts the receipt and marks the job succeeded.
   */
  async complete(worker: WorkerIdentity, jobId: string, result: JobResult): Promise<{ duplicate: boolean }> {
    const id = parseJobId(jobId);
    // Checked before touching the row: signature recovery is CPU work that must not hold its lock.
    const verified =
      result.kind === "infer"
        ? undefined
        : await verifyReceiptLeaf(result.receipt).catch((err: unknown) => {
            throw new JobError(
              "BAD_REQUEST",
              (err as { shortMessage?: string }).shortMessage ?? "invalid receipt",
            );
          });
    const receipt = verified?.signed;
    if (receipt !== undefined) {
      if (receipt.receipt.jobId !== id)
        throw new JobError("BAD_REQUEST", `the receipt is for job ${receipt.receipt.jobId}, not ${id}`);
      if (receipt.receipt.worker.toLowerCase() !== worker.address)
        throw new JobError("BAD_REQUEST", "the receipt is not signed by the completing worker");
    }
    const [job] = await this.prisma.$queryRaw<Omit<LockedRow, "attempts" | "maxAttempts" | "leaseExpired">[]>`
      SELECT id::text AS id, kind::text AS kind, status::text AS status, "workerId", "validatorHotkey", payload
      FROM "Job" WHERE id = ${id}::uuid`;
    if (job === undefined) throw new JobError("NOT_FOUND", `job ${id} does not exist`);
    if (job.status === "succeeded" && job.workerId === worker.address) return { duplicate: true };
    assertHeld(job, worker, "complete");
    if (result.kind !== job.kind)
      throw new JobError("BAD_REQUEST", `a ${result.kind} result cannot complete a ${job.kind} job`);
    if (receipt !== undefined) checkReceiptMatchesJob(job, receipt.receipt);
    const blockNumber = receipt !== undefined ? ((await this.opts.chainHeight?.()) ?? null) : null;
    const stored = await this.storeItems(result);
    const insertReceipt =
      receipt === undefined
        ? Prisma.empty
        : receiptInsert(randomUUID(), receipt, verified!.leaf, {
            validatorHotkey: job.validatorHotkey ?? worker.validatorHotkey,
            workerAddress: worker.address,
            blockNumber: blockNumber ?? 0n,
            modelStatus: result.status,
            reason: result.reason ?? null,
          });
    const [after] = await this.prisma.$queryRaw<
      { status: Job["status"]; workerId: string | null; updated: number }[]
    >`
      WITH locked AS (
        SELECT id, status, "workerId" FROM "Job" WHERE id = ${id}::uuid FOR UPDATE
      ), held AS (
        SELECT id FROM locked WHERE status = 'running' AND "workerId" = ${worker.address}
      )${insertReceipt}, done AS (
        UPDATE "Job" SET status = 'succeeded', result = ${JSON.stringify(stored)}::jsonb, "leaseUntil" = NULL,
          "completedAt" = now(), "updatedAt" = now(), error = NULL
        FROM held WHERE "Job".id = held.id
        RETURNING "Job".id
      )
      SELECT status::text AS status, "workerId", (SELECT count(*) FROM done)::int AS updated FROM locked`;
    if (after === undefined) throw new JobError("NOT_FOUND", `job ${id} does not exist`);
    if (after.updated === 1) {
      finished.emit(id);
      return { duplicate: false };
    }
    // Lost between the read and the lock: another completion of ours won, or the lease went.
    if (after.status === "succeeded" && after.workerId === worker.address) return { duplicate: true };
    throw leaseError(after, worker, "complete");
  }

  /** The result as the Job row keeps it: per-item results moved to a blob (see itemBlobs). */
  private async storeItems(result: JobResult): Promise<unknown> {
    if (result.kind === "infer" || result.items.length === 0 || this.opts.itemBlobs === undefined)
      return result;
    const { items, ...rest } = result;
    const blob = await this.opts.itemBlobs.put(new TextEncoder().encode(JSON.stringify(items)));
    return { ...rest, items: [], itemsBlob: { sha256: `0x${blob.sha256}`, count: items.length } };
  }

  /**
   * The worker gives up on a job it holds. retry: back to the queue after an exponential
   * delay, or to the dead letter when its attempts are spent; no retry: failed for good.
   * Idempotent: the same worker failing again is a no-op.
   */
  async fail(
    worker: WorkerIdentity,
    jobId: string,
    reason: string,
    retry: boolean,
  ): Promise<{ status: Job["status"]; duplicate: boolean }> {
    const id = parseJobId(jobId);
    const outcome = await this.prisma.$transaction(async (tx) => {
      const job = await lockJob(tx, id);
      if (job.status !== "running" && job.status !== "succeeded" && job.workerId === worker.address) {
        return { status: job.status, duplicate: true };
      }
      assertHeld(job, worker, "fail");
      if (retry && job.attempts < job.maxAttempts) {
        const delay = retryDelayMs(
          job.attempts,
          this.opts.retryBaseMs,
          this.opts.retryMaxMs,
          this.opts.random,
        );
        await tx.$executeRaw`
          UPDATE "Job" SET status = 'queued', "runAt" = now() + ${delay}::int * interval '1 millisecond',
            "leaseUntil" = NULL, error = ${reason}, "updatedAt" = now()
          WHERE id = ${id}::uuid`;
        return { status: "queued" as const, duplicate: false };
      }
      const dead = retry;
      await tx.$executeRaw`
        UPDATE "Job" SET status = ${dead ? "dead" : "failed"}::"JobStatus", "leaseUntil" = NULL, "completedAt" = now(),
          "deadLetteredAt" = CASE WHEN ${dead} THEN now() END, "updatedAt" = now(),
          error = ${dead ? `${reason} (after ${job.attempts} of ${job.maxAttempts} attempts)` : reason}
        WHERE id = ${id}::uuid`;
      return { status: dead ? ("dead" as const) : ("failed" as const), duplicate: false };
    }, TX_OPTIONS);
    if (!outcome.duplicate && outcome.status !== "queued") finished.emit(id);
    return outcome;
  }

  getJob(id: string): Promise<Job | null> {
    if (!uuid.safeParse(id).success) return Promise.resolve(null);
    return this.prisma.job.findUnique({ where: { id: id.toLowerCase() } });
  }

  /** Depth by kind and status, the oldest ready job's age, expired leases: for metrics and the portal. */
  async stats(filter: { validatorHotkey?: string } = {}): Promise<QueueStats> {
    const v = filter.validatorHotkey?.toLowerCase() ?? null;
    const [counts, ages, expired] = await Promise.all([
      this.prisma.$queryRaw<{ kind: JobKind; status: Job["status"]; count: number }[]>`
        SELECT kind::text AS kind, status::text AS status, count(*)::int AS count FROM "Job"
        WHERE ${v}::text IS NULL OR "validatorHotkey" = ${v}
        GROUP BY kind, status ORDER BY kind, status`,
      this.prisma.$queryRaw<{ kind: JobKind; age: number }[]>`
        SELECT kind::text AS kind, extract(epoch FROM now() - min("runAt"))::float8 AS age FROM "Job"
        WHERE status = 'queued' AND "runAt" <= now() AND (${v}::text IS NULL OR "validatorHotkey" = ${v})
        GROUP BY kind`,
      this.prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM "Job"
        WHERE status = 'running' AND "leaseUntil" < now() AND (${v}::text IS NULL OR "validatorHotkey" = ${v})`,
    ]);
    return {
      counts,
      oldestReadyAgeSeconds: Object.fromEntries(ages.map((a) => [a.kind, a.age])),
      expiredLeases: expired[0]?.n ?? 0,
    };
  }
}

async function lockJob(tx: Prisma.TransactionClient, id: string): Promise<LockedRow> {
  const rows = await tx.$queryRaw<LockedRow[]>`
    SELECT id::text AS id, kind::text AS kind, status::text AS status, attempts, "maxAttempts", "workerId",
      "validatorHotkey", payload, ("leaseUntil" IS NOT NULL AND "leaseUntil" < now()) AS "leaseExpired"
    FROM "Job" WHERE id = ${id}::uuid FOR UPDATE`;
  const job = rows[0];
  if (job === undefined) throw new JobError("NOT_FOUND", `job ${id} does not exist`);
  return job;
}

/** The receipt's job fields (model, neuron, parent) against the job's payload; BAD_REQUEST when they differ. */
function checkReceiptMatchesJob(job: Pick<LockedRow, "kind" | "payload">, r: EvaluationReceipt): void {
  const payload = job.payload as {
    modelHash?: string;
    hotkey?: string;
    netuid?: number;
    uid?: number;
    parentModelHash?: string;
    parentScoreBps?: number;
  };
  if (job.kind === "evaluate" && payload.modelHash?.toLowerCase() !== r.modelHash.toLowerCase()) {
    throw new JobError("BAD_REQUEST", "the receipt's model hash is not the job's model");
  }
  if (
    payload.netuid !== r.netuid ||
    payload.uid !== r.uid ||
    payload.hotkey?.toLowerCase() !== r.hotkey.toLowerCase()
  ) {
    throw new JobError("BAD_REQUEST", "the receipt's neuron (netuid, uid, hotkey) is not the job's");
  }
  if (
    job.kind === "evaluate" &&
    ((payload.parentModelHash?.toLowerCase() ?? null) !== (r.parentModelHash?.toLowerCase() ?? null) ||
      (payload.parentScoreBps !== undefined && payload.parentScoreBps !== r.parentScore))
  ) {
    throw new JobError("BAD_REQUEST", "the receipt's parent model or parent score is not the job's");
  }
}

/** The `receipt` CTE of complete(): inserts the receipt row only when the job is still held. */
function receiptInsert(
  id: string,
  signed: SignedReceipt,
  leaf: string,
  o: {
    validatorHotkey: string;
    workerAddress: string;
    blockNumber: bigint;
    modelStatus: string;
    reason: string | null;
  },
): Prisma.Sql {
  const r = signed.receipt;
  return Prisma.sql`, receipt AS (
        INSERT INTO "EvaluationReceipt" (id, "jobId", netuid, uid, "minerHotkey", "validatorHotkey", "modelHash",
          "datasetHash", metric, value, "workerAddress", signature, "blockNumber", "scoreBps", "signedAt",
          "parentModelHash", "parentScoreBps", "improvementBps", "modelStatus", reason, leaf)
        SELECT ${id}::uuid, held.id, ${r.netuid}::int, ${r.uid}::int, ${r.hotkey.toLowerCase()},
          ${o.validatorHotkey}, ${r.modelHash.toLowerCase()}, ${r.datasetHash.toLowerCase()}, ${r.metric},
          ${r.score / SCORE_SCALE}::float8, ${o.workerAddress}, ${signed.signature}, ${o.blockNumber}::bigint,
          ${r.score}::int, ${BigInt(r.createdAt)}::bigint, ${r.parentModelHash?.toLowerCase() ?? null},
          ${r.parentScore ?? null}::int, ${r.improvement ?? null}::int, ${o.modelStatus}, ${o.reason},
          ${leaf}
        FROM held
      )`;
}

function assertHeld(job: Pick<LockedRow, "status" | "workerId">, worker: WorkerIdentity, op: string): void {
  if (job.status !== "running" || job.workerId !== worker.address) throw leaseError(job, worker, op);
}

function leaseError(
  job: Pick<LockedRow, "status" | "workerId"> | null,
  worker: WorkerIdentity,
  op: string,
): JobError {
  if (job === null) return new JobError("NOT_FOUND", `cannot ${op}: the job does not exist`);
  if (job.status === "dead") return new JobError("GONE", `cannot ${op}: the job was dead-lettered`);
  if (job.workerId !== worker.address) {
    return job.status === "running"
      ? new JobError(
          "LEASE_LOST",
          `cannot ${op}: the lease expired and the job was re-claimed by another worker`,
        )
      : new JobError(
          "LEASE_LOST",
          `cannot ${op}: the job is ${job.status} and was last held by another worker`,
        );
  }
  return job.status === "queued"
    ? new JobError("LEASE_LOST", `cannot ${op}: the job went back to the queue`)
    : new JobError("GONE", `cannot ${op}: the job is already ${job.status}`);
}

/** The process's queue on the configured database and settings. */
export function getJobQueue(): JobQueue {
  const cfg = getJobsConfig();
  globalForQueue.__tensorchainJobQueue ??= new JobQueue(getPrisma(), {
    ...cfg,
    chainHeight: cachedChainHeight(),
    itemBlobs: new FsBlobStore(cfg.blobDir, cfg.blobMaxBytes),
  });
  return globalForQueue.__tensorchainJobQueue;
}

// One per process, on globalThis for the same reason as the Prisma client (Next.js dev reloads).
const globalForQueue = globalThis as typeof globalThis & { __tensorchainJobQueue?: JobQueue };

/** Enqueues a job on the process's queue (validator scheduler, infer route). */
export function enqueue<K extends JobKind>(
  kind: K,
  payload: JobPayload<K>,
  opts?: EnqueueOptions,
): Promise<{ id: string }> {
  return getJobQueue().enqueue(kind, payload, opts);
}

export function getJob(id: string): Promise<Job | null> {
  return getJobQueue().getJob(id);
}

export function queueStats(filter?: { validatorHotkey?: string }): Promise<QueueStats> {
  return getJobQueue().stats(filter);
}
