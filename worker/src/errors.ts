// Typed errors of the worker. Each carries a one-line `shortMessage` a user can act on and a
// stable `code`; job results copy the short message into their `reason` (viem's error style).

export type WorkerErrorCode =
  | "CONFIG"
  | "BLOB_NOT_FOUND"
  | "BLOB_TOO_LARGE"
  | "BLOB_FETCH"
  | "HASH_MISMATCH"
  | "DATASET_INVALID"
  | "TASK_SPEC_INVALID"
  | "MODEL_INVALID"
  | "MODEL_SIGNATURE"
  | "INFERENCE_FAILED"
  | "INFERENCE_TIMEOUT"
  | "MEMORY_LIMIT"
  | "SESSION_CRASHED"
  /** A run queued behind another in a model host that ended: not the model's fault, run it again. */
  | "SESSION_LOST"
  | "NON_FINITE_OUTPUT"
  | "OUTPUT_SHAPE"
  | "ENDPOINT_FAILED"
  | "CIRCUIT_OPEN"
  | "QUEUE_HTTP"
  | "RECEIPT_INVALID"
  | "AUTH_INVALID";

export class WorkerError extends Error {
  override name = "WorkerError";
  readonly code: WorkerErrorCode;
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(code: WorkerErrorCode, shortMessage: string, opts: { details?: string; cause?: unknown } = {}) {
    super(opts.details ? `${shortMessage}\n\nDetails: ${opts.details}` : shortMessage, { cause: opts.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = opts.details;
  }
}

export class ConfigError extends WorkerError {
  override name = "ConfigError";
  constructor(shortMessage: string, details?: string) {
    super("CONFIG", shortMessage, { details });
  }
}

/** Errors caused by the model under evaluation (the miner's fault): they yield a failed result
 *  with score 0, never a retry. Everything else is the worker's or the network's problem. */
export const MODEL_FAULT_CODES: ReadonlySet<WorkerErrorCode> = new Set<WorkerErrorCode>([
  "MODEL_INVALID",
  "MODEL_SIGNATURE",
  "INFERENCE_FAILED",
  "INFERENCE_TIMEOUT",
  "MEMORY_LIMIT",
  "SESSION_CRASHED",
  "NON_FINITE_OUTPUT",
  "OUTPUT_SHAPE",
  "HASH_MISMATCH",
  "BLOB_TOO_LARGE",
  "ENDPOINT_FAILED",
  "CIRCUIT_OPEN",
]);

export function isModelFault(err: unknown): err is WorkerError {
  return err instanceof WorkerError && MODEL_FAULT_CODES.has(err.code);
}

/** One line for logs and job results, whatever was thrown. */
export function errorReason(err: unknown): string {
  if (err instanceof WorkerError) return err.shortMessage;
  if (err instanceof Error) return err.message.split("\n")[0] ?? err.name;
  return String(err);
}
