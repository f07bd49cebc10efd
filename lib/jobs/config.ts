// Settings of the job queue, worker authentication and the blob store that lib/config.ts does
// not declare yet (JOB_LEASE_SECONDS and JOB_MAX_ATTEMPTS live there). Validated with zod on
// first use, like the app's config; these keys are meant to move into lib/config.ts.
import path from "node:path";
import { z } from "zod";
import { getConfig } from "@/lib/config";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const posInt = z.coerce.number().int().min(1);

const envSchema = z.object({
  /** First retry delay after a worker's /fail with retry; doubles per attempt. */
  JOB_RETRY_BASE_MS: z.preprocess(blankToUndefined, posInt.max(3_600_000).default(5_000)),
  /** Cap of the exponential retry delay. */
  JOB_RETRY_MAX_MS: z.preprocess(blankToUndefined, posInt.max(86_400_000).default(600_000)),
  /** Clock skew allowed on signed worker and worker-key requests (replays are refused within it). */
  WORKER_AUTH_MAX_SKEW_MS: z.preprocess(blankToUndefined, posInt.min(1_000).max(600_000).default(60_000)),
  /** Largest blob (model, data set) the store accepts. */
  BLOB_MAX_BYTES: z.preprocess(blankToUndefined, posInt.max(2 ** 40).default(512 * 2 ** 20)),
  /** Where blobs are kept; DATA_DIR/blobs when unset. */
  BLOB_DIR: z.preprocess(blankToUndefined, z.string().min(1).optional()),
  /** The validator hotkey's key: when set, the app server runs its scheduler (lib/scheduler). */
  VALIDATOR_PRIVATE_KEY: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte 0x-hex private key")
      .optional(),
  ),
  /**
   * Worker addresses (comma-separated) registered for the validator of VALIDATOR_PRIVATE_KEY
   * when the app server starts (idempotent); `npm start` passes its dev worker's address here.
   */
  VALIDATOR_WORKER_ADDRESSES: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}(,0x[0-9a-fA-F]{40})*$/, "expected comma-separated 20-byte hex addresses")
      .transform((v) => v.split(",").map((a) => a.toLowerCase()))
      .optional(),
  ),
  /** How often the scheduler looks at the chain. */
  SCHEDULER_INTERVAL_MS: z.preprocess(blankToUndefined, posInt.min(100).max(600_000).default(2_000)),
  /** Subnets the scheduler validates (comma-separated netuids); every subnet with a permit when unset. */
  SCHEDULER_NETUIDS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d{1,5}(,\d{1,5})*$/, "expected comma-separated netuids")
      .transform((v) => v.split(",").map(Number))
      .optional(),
  ),
  /** How long POST /api/v1/subnets/{netuid}/infer waits for its job. */
  INFER_TIMEOUT_MS: z.preprocess(blankToUndefined, posInt.min(100).max(600_000).default(30_000)),
  /** Inference requests per signed-in wallet per minute. */
  INFER_RATE_LIMIT_PER_MINUTE: z.preprocess(blankToUndefined, posInt.max(100_000).default(30)),
});

export interface JobsConfig {
  leaseMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  authMaxSkewMs: number;
  blobMaxBytes: number;
  blobDir: string;
  scheduler: {
    validatorPrivateKey: `0x${string}` | undefined;
    /** Worker addresses registered for that validator at app start. */
    workerAddresses: string[];
    intervalMs: number;
    netuids: number[] | undefined;
  };
  infer: { timeoutMs: number; ratePerMinute: number };
}

export class JobsConfigError extends Error {
  override name = "JobsConfigError";
}

export function parseJobsConfig(
  env: Record<string, string | undefined>,
  dataDir: string,
  base: { leaseSeconds: number; maxAttempts: number },
): JobsConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new JobsConfigError(
      `invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const e = parsed.data;
  if (e.JOB_RETRY_MAX_MS < e.JOB_RETRY_BASE_MS)
    throw new JobsConfigError("invalid configuration: JOB_RETRY_MAX_MS must be at least JOB_RETRY_BASE_MS");
  return {
    leaseMs: base.leaseSeconds * 1000,
    maxAttempts: base.maxAttempts,
    retryBaseMs: e.JOB_RETRY_BASE_MS,
    retryMaxMs: e.JOB_RETRY_MAX_MS,
    authMaxSkewMs: e.WORKER_AUTH_MAX_SKEW_MS,
    blobMaxBytes: e.BLOB_MAX_BYTES,
    blobDir: path.resolve(e.BLOB_DIR ?? path.join(dataDir, "blobs")),
    scheduler: {
      validatorPrivateKey: e.VALIDATOR_PRIVATE_KEY as `0x${string}` | undefined,
      workerAddresses: e.VALIDATOR_WORKER_ADDRESSES ?? [],
      intervalMs: e.SCHEDULER_INTERVAL_MS,
      netuids: e.SCHEDULER_NETUIDS,
    },
    infer: { timeoutMs: e.INFER_TIMEOUT_MS, ratePerMinute: e.INFER_RATE_LIMIT_PER_MINUTE },
  };
}

let cached: JobsConfig | undefined;

export function getJobsConfig(): JobsConfig {
  if (cached === undefined) {
    const app = getConfig();
    cached = parseJobsConfig(process.env, app.app.dataDir, app.jobs);
  }
  return cached;
}
