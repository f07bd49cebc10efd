// The job queue's wire contract, shared by the worker and the app's /api/jobs/* route handlers
// (which must import these schemas rather than restate them). Node-free.
//
//   POST /api/jobs/claim      ClaimRequest      → 200 ClaimResponse ({ job: null } when idle)
//   POST /api/jobs/heartbeat  HeartbeatRequest  → 200 HeartbeatResponse; 409/410 = lease lost
//   POST /api/jobs/complete   CompleteRequest   → 200 { ok: true } (idempotent by jobId)
//   POST /api/jobs/fail       FailRequest       → 200 { ok: true } (idempotent by jobId)
// Every request is signed (auth.ts). A model's own failure (invalid ONNX, wrong signature, throws,
// hangs, NaN) is a *completed* job with status "failed" and score 0 — the validator needs that
// receipt. /fail is for the worker's own trouble (data set unreachable, shutting down): with
// retry: true the job goes back to the queue.
import { z } from "zod";
import { wireTensorSchema } from "../tensor.js";
import { hash32Schema, taskSpecSchema } from "../task-spec.js";
import { signedReceiptSchema, MAX_SCORE_BPS } from "../receipts.js";
import { ALL_METRICS, type Metric } from "../task-spec.js";
import type { ItemResult } from "../evaluators/types.js";

export const JOB_KINDS = ["evaluate", "score", "infer"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address");
const u16 = z.number().int().min(0).max(65_535);
const metric = z.enum(ALL_METRICS as [Metric, ...Metric[]]);

export const evaluatePayloadSchema = z.object({
  netuid: u16,
  uid: u16,
  hotkey: address,
  modelHash: hash32Schema,
  /** Where the blob store may not have it yet (file:// for local runs); verified by hash. */
  modelUri: z.string().max(2048).optional(),
  /** The model this one claims to improve on, with the score it was given (basis points). */
  parentModelHash: hash32Schema.optional(),
  parentScoreBps: z.number().int().min(0).max(MAX_SCORE_BPS).optional(),
  taskSpec: taskSpecSchema,
});
export type EvaluatePayload = z.output<typeof evaluatePayloadSchema>;

export const scorePayloadSchema = z.object({
  netuid: u16,
  uid: u16,
  hotkey: address,
  /** The miner's axon: answers are requested with POST (see jobs/score.ts). */
  endpoint: z.url({ protocol: /^https?$/ }),
  taskSpec: taskSpecSchema.refine((s) => s.taskType === "text", "score jobs need a text task spec"),
});
export type ScorePayload = z.output<typeof scorePayloadSchema>;

export const inferPayloadSchema = z.object({
  modelHash: hash32Schema,
  modelUri: z.string().max(2048).optional(),
  inputs: z.record(z.string().min(1).max(128), wireTensorSchema),
  /** Outputs to return; all of the model's outputs when absent. */
  outputs: z.array(z.string().min(1).max(128)).max(16).optional(),
});
export type InferPayload = z.output<typeof inferPayloadSchema>;

export const claimedJobSchema = z.discriminatedUnion("kind", [
  z.object({
    id: z.string().min(1).max(128),
    kind: z.literal("evaluate"),
    attempt: z.number().int().min(1).default(1),
    payload: evaluatePayloadSchema,
  }),
  z.object({
    id: z.string().min(1).max(128),
    kind: z.literal("score"),
    attempt: z.number().int().min(1).default(1),
    payload: scorePayloadSchema,
  }),
  z.object({
    id: z.string().min(1).max(128),
    kind: z.literal("infer"),
    attempt: z.number().int().min(1).default(1),
    payload: inferPayloadSchema,
  }),
]);
export type ClaimedJob = z.output<typeof claimedJobSchema>;

/** The longest a claim may wait for a job (a long poll); below common proxy and function limits. */
export const MAX_CLAIM_WAIT_MS = 25_000;
export const claimRequestSchema = z.object({
  kinds: z.array(z.enum(JOB_KINDS)).min(1),
  /**
   * When no job is ready, hold the request up to this long and answer as soon as one is (a long
   * poll: an idle worker picks up an infer request at once instead of at its next poll).
   */
  waitMs: z.number().int().min(0).max(MAX_CLAIM_WAIT_MS).optional(),
});
export type ClaimRequest = z.infer<typeof claimRequestSchema>;
/** The job's payload is validated separately so a malformed job can be failed by id. */
export const claimResponseSchema = z.object({
  job: z
    .object({
      id: z.string().min(1).max(128),
      kind: z.string(),
      attempt: z.number().optional(),
      payload: z.unknown(),
    })
    .nullable(),
  /** Lease length in ms: the worker heartbeats well within it. */
  leaseMs: z.number().int().positive().optional(),
});
export type ClaimResponse = z.infer<typeof claimResponseSchema>;

export const heartbeatRequestSchema = z.object({
  jobId: z.string().min(1).max(128),
  progress: z.object({ done: z.number().int().min(0), total: z.number().int().min(0) }).optional(),
});
export type HeartbeatRequest = z.infer<typeof heartbeatRequestSchema>;
export const heartbeatResponseSchema = z.object({
  ok: z.literal(true),
  leaseMs: z.number().int().positive().optional(),
});

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const everyNumber = (v: unknown[]) => v.every(isNumber);
const everyString = (v: unknown[]) => v.every((x) => typeof x === "string");

/**
 * Why `v` is not an ItemResult (with the offending key), or undefined when it is one; `extra`
 * is set when it has keys an ItemResult does not.
 */
function itemIssue(v: unknown): { key?: string; message: string } | { extra: boolean } {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return { message: "expected an object" };
  const o = v as Record<string, unknown>;
  if (!Number.isSafeInteger(o.index) || (o.index as number) < 0)
    return { key: "index", message: "expected a whole number ≥ 0" };
  if (!isNumber(o.score)) return { key: "score", message: "expected a number" };
  const p = o.predicted;
  if (p !== undefined && !isNumber(p) && typeof p !== "string" && !(Array.isArray(p) && everyNumber(p)))
    return { key: "predicted", message: "expected a number, a string or an array of numbers" };
  const e = o.expected;
  if (
    e !== undefined &&
    !isNumber(e) &&
    typeof e !== "string" &&
    !(Array.isArray(e) && (everyNumber(e) || everyString(e)))
  )
    return { key: "expected", message: "expected a number, a string, or an array of numbers or of strings" };
  // index and score are there, and predicted and expected when defined: any other key is extra.
  let keys = 0;
  for (const _ in o) keys++;
  return { extra: keys > 2 + (p !== undefined ? 1 : 0) + (e !== undefined ? 1 : 0) };
}

function stripItem(it: ItemResult): ItemResult {
  return {
    index: it.index,
    score: it.score,
    ...(it.predicted !== undefined ? { predicted: it.predicted } : {}),
    ...(it.expected !== undefined ? { expected: it.expected } : {}),
  };
}

/**
 * Per-item results: an evaluation of a large data set sends thousands, on every completion. A
 * zod object schema per item costs the server milliseconds per job; this one check accepts and
 * refuses exactly what that schema did (numbers finite, index a whole number ≥ 0), reports the
 * first bad item's path, and drops unknown keys as it did (copying only the items that have any).
 */
const itemsSchema = z.custom<ItemResult[]>().transform((v, ctx) => {
  if (!Array.isArray(v)) {
    ctx.addIssue({ code: "custom", message: "expected an array of per-item results" });
    return z.NEVER;
  }
  let out: ItemResult[] | undefined;
  for (let i = 0; i < v.length; i++) {
    const issue = itemIssue(v[i]);
    if ("message" in issue) {
      ctx.addIssue({ code: "custom", path: issue.key ? [i, issue.key] : [i], message: issue.message });
      return z.NEVER;
    }
    if (issue.extra) (out ??= v.slice())[i] = stripItem(v[i] as ItemResult);
  }
  return out ?? (v as ItemResult[]);
});

const scoredFields = {
  status: z.enum(["ok", "failed"]),
  /** Why the model failed (status "failed"): one line. */
  reason: z.string().max(1000).optional(),
  metric,
  metricValue: z.number(),
  /** 0–100 (float) and the same in basis points. */
  score: z.number().min(0).max(100),
  scoreBps: z.number().int().min(0).max(MAX_SCORE_BPS),
  metrics: z.record(z.string(), z.number()),
  items: itemsSchema,
  durationMs: z.number().min(0),
};

export const evaluateResultSchema = z.object({
  kind: z.literal("evaluate"),
  ...scoredFields,
  provider: z.enum(["cuda", "cpu"]).optional(),
  receipt: signedReceiptSchema,
});
export type EvaluateResult = z.output<typeof evaluateResultSchema>;

export const scoreResultSchema = z.object({
  kind: z.literal("score"),
  ...scoredFields,
  endpoint: z.string(),
  answered: z.number().int().min(0),
  /** sha256 of the answers as scored; the receipt's modelHash (see jobs/score.ts). */
  transcriptHash: hash32Schema,
  receipt: signedReceiptSchema,
});
export type ScoreResult = z.output<typeof scoreResultSchema>;

export const inferResultSchema = z.object({
  kind: z.literal("infer"),
  status: z.enum(["ok", "failed"]),
  reason: z.string().max(1000).optional(),
  outputs: z.record(z.string(), wireTensorSchema),
  provider: z.enum(["cuda", "cpu"]).optional(),
  durationMs: z.number().min(0),
});
export type InferResult = z.output<typeof inferResultSchema>;

export const jobResultSchema = z.discriminatedUnion("kind", [
  evaluateResultSchema,
  scoreResultSchema,
  inferResultSchema,
]);
export type JobResult = z.output<typeof jobResultSchema>;

export const completeRequestSchema = z.object({ jobId: z.string().min(1).max(128), result: jobResultSchema });
export type CompleteRequest = z.input<typeof completeRequestSchema>;

export const failRequestSchema = z.object({
  jobId: z.string().min(1).max(128),
  reason: z.string().min(1).max(1000),
  /** true: return the job to the queue (worker trouble, shutdown); false: give up on it. */
  retry: z.boolean(),
});
export type FailRequest = z.infer<typeof failRequestSchema>;

export const okResponseSchema = z.object({ ok: z.literal(true) });

export const QUEUE_PATHS = {
  claim: "/api/jobs/claim",
  heartbeat: "/api/jobs/heartbeat",
  complete: "/api/jobs/complete",
  fail: "/api/jobs/fail",
} as const;

/**
 * Request bodies from this size on are sent with `content-encoding: gzip` (a completion with
 * thousands of per-item results); the signature covers the bytes as sent. Servers also take
 * smaller gzip bodies, and identity bodies of any size up to their limit.
 */
export const GZIP_MIN_BYTES = 16 * 1024;
