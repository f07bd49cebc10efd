// Typed errors of the job queue and worker authentication. Each maps to one HTTP status and a
// one-line reason the worker logs (route handlers answer `{ error: reason, code }`).

export type JobErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "LEASE_LOST"
  | "GONE"
  | "CONFLICT"
  | "TOO_LARGE"
  | "UNSUPPORTED_ENCODING";

const STATUS: Record<JobErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  LEASE_LOST: 409,
  CONFLICT: 409,
  GONE: 410,
  TOO_LARGE: 413,
  UNSUPPORTED_ENCODING: 415,
};

export class JobError extends Error {
  override name = "JobError";
  readonly code: JobErrorCode;
  readonly status: number;
  constructor(code: JobErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = STATUS[code];
  }
}

/** A JSON error response for a JobError; anything else is a 500 whose details stay in the log. */
export function errorResponse(err: unknown): Response {
  if (err instanceof JobError)
    return Response.json({ error: err.message, code: err.code }, { status: err.status });
  console.error("job API error:", err);
  return Response.json({ error: "internal error", code: "INTERNAL" }, { status: 500 });
}
