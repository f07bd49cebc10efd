// The worker's side of the job queue API (jobs/types.ts has the contract): signed JSON POSTs.
import { gzipSync } from "node:zlib";
import type { LocalAccount } from "viem";
import { z } from "zod";
import { signWorkerRequest } from "./auth.js";
import { WorkerError } from "./errors.js";
import {
  GZIP_MIN_BYTES,
  QUEUE_PATHS,
  claimResponseSchema,
  heartbeatResponseSchema,
  okResponseSchema,
  type ClaimResponse,
  type CompleteRequest,
  type FailRequest,
  type HeartbeatRequest,
  type JobKind,
} from "./jobs/types.js";

export class QueueHttpError extends WorkerError {
  override name = "QueueHttpError";
  readonly status: number | undefined;
  constructor(shortMessage: string, status?: number, cause?: unknown) {
    super("QUEUE_HTTP", shortMessage, { cause });
    this.status = status;
  }
  /** The server no longer holds this worker's lease on the job. */
  get leaseLost(): boolean {
    return this.status === 409 || this.status === 410;
  }
}

export class QueueClient {
  constructor(
    private readonly apiUrl: string,
    private readonly account: LocalAccount,
    private readonly timeoutMs: number,
  ) {}

  private async post<T>(
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    opts: { extraTimeMs?: number; signal?: AbortSignal } = {},
  ): Promise<T> {
    const encoded = Buffer.from(JSON.stringify(body));
    // A completion carries per-item results (hundreds of kB for a large data set): gzip at its
    // fastest level shrinks it about tenfold for less CPU than writing it uncompressed through
    // the socket costs, on both sides. The signature covers the bytes as sent.
    const gzip = encoded.byteLength >= GZIP_MIN_BYTES;
    const bytes = gzip ? gzipSync(encoded, { level: 1 }) : encoded;
    const headers = await signWorkerRequest(this.account, { method: "POST", path, body: bytes });
    const timeout = AbortSignal.timeout(this.timeoutMs + (opts.extraTimeMs ?? 0));
    let res: Response;
    try {
      res = await fetch(new URL(path, this.apiUrl), {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(gzip ? { "content-encoding": "gzip" } : {}),
          ...headers,
        },
        body: bytes,
        signal: opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout,
      });
    } catch (err) {
      throw new QueueHttpError(`queue ${path} unreachable: ${(err as Error).message}`, undefined, err);
    }
    const raw = await res.text();
    if (!res.ok) {
      throw new QueueHttpError(
        `queue ${path} answered HTTP ${res.status}${raw ? `: ${raw.slice(0, 200)}` : ""}`,
        res.status,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new QueueHttpError(`queue ${path} answered invalid JSON`, res.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new QueueHttpError(
        `queue ${path} answered an unexpected shape: ${parsed.error.issues[0]?.message}`,
        res.status,
      );
    return parsed.data;
  }

  /**
   * Claims a job. With `waitMs`, the server holds the request until a job is ready or that time
   * has passed (a long poll); `signal` abandons the wait (shutdown).
   */
  claim(kinds: JobKind[], opts: { waitMs?: number; signal?: AbortSignal } = {}): Promise<ClaimResponse> {
    const body = opts.waitMs ? { kinds, waitMs: opts.waitMs } : { kinds };
    return this.post(QUEUE_PATHS.claim, body, claimResponseSchema, {
      extraTimeMs: opts.waitMs,
      signal: opts.signal,
    });
  }

  heartbeat(req: HeartbeatRequest): Promise<z.infer<typeof heartbeatResponseSchema>> {
    return this.post(QUEUE_PATHS.heartbeat, req, heartbeatResponseSchema);
  }

  async complete(req: CompleteRequest): Promise<void> {
    await this.post(QUEUE_PATHS.complete, req, okResponseSchema);
  }

  async fail(req: FailRequest): Promise<void> {
    await this.post(QUEUE_PATHS.fail, req, okResponseSchema);
  }
}
