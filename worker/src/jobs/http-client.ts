// Outbound HTTP to miner endpoints: POST with a timeout, retries with exponential backoff and
// jitter, a response size limit, and a circuit breaker per endpoint origin so a dead or slow
// miner costs a few fast failures instead of a timeout per item.
import { WorkerError } from "../errors.js";

/** Reads a response body, refusing more than maxBytes without buffering the excess. */
export async function readLimited(res: Response, maxBytes: number, what: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw new WorkerError("BLOB_TOO_LARGE", `${what} is ${declared} bytes, over the ${maxBytes}-byte limit`);
  }
  if (!res.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new WorkerError("BLOB_TOO_LARGE", `${what} is over the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before one trial call is let through. */
  cooldownMs: number;
  now?: () => number;
}

type BreakerState = { failures: number; openedAt: number | undefined; trialInFlight: boolean };

export class CircuitBreakers {
  private readonly states = new Map<string, BreakerState>();
  private readonly opts: BreakerOptions;

  constructor(opts: Partial<BreakerOptions> = {}) {
    this.opts = {
      failureThreshold: opts.failureThreshold ?? 5,
      cooldownMs: opts.cooldownMs ?? 30_000,
      now: opts.now,
    };
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private state(key: string): BreakerState {
    let s = this.states.get(key);
    if (!s) {
      s = { failures: 0, openedAt: undefined, trialInFlight: false };
      this.states.set(key, s);
    }
    return s;
  }

  /** "closed", "open" or "half-open" (cooldown over, next call is a trial). */
  status(key: string): "closed" | "open" | "half-open" {
    const s = this.states.get(key);
    if (!s || s.openedAt === undefined) return "closed";
    return this.now() - s.openedAt >= this.opts.cooldownMs ? "half-open" : "open";
  }

  /** Throws CIRCUIT_OPEN when calls to key are refused. */
  enter(key: string): void {
    const status = this.status(key);
    if (status === "closed") return;
    const s = this.state(key);
    if (status === "half-open" && !s.trialInFlight) {
      s.trialInFlight = true;
      return;
    }
    throw new WorkerError("CIRCUIT_OPEN", `endpoint ${key} is failing; calls are paused`);
  }

  success(key: string): void {
    this.states.delete(key);
  }

  failure(key: string): void {
    const s = this.state(key);
    s.failures++;
    if (s.trialInFlight || s.failures >= this.opts.failureThreshold) s.openedAt = this.now();
    s.trialInFlight = false;
  }
}

export interface PostOptions {
  timeoutMs: number;
  retries: number;
  maxResponseBytes: number;
  breakers: CircuitBreakers;
  baseDelayMs?: number;
  signal?: AbortSignal;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** POSTs JSON and returns the parsed JSON answer; retries network errors, timeouts and 5xx/429. */
export async function postJson(url: string, body: unknown, opts: PostOptions): Promise<unknown> {
  const key = new URL(url).origin;
  const text = JSON.stringify(body);
  let lastError: WorkerError | undefined;
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (attempt > 0) {
      const base = (opts.baseDelayMs ?? 200) * 2 ** (attempt - 1);
      await sleep(base / 2 + Math.random() * base, opts.signal);
    }
    opts.breakers.enter(key);
    let retryable = true;
    try {
      const signal = opts.signal
        ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)])
        : AbortSignal.timeout(opts.timeoutMs);
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: text,
        signal,
      });
      if (!res.ok) {
        await res.body?.cancel();
        retryable = res.status >= 500 || res.status === 429;
        throw new WorkerError("ENDPOINT_FAILED", `endpoint ${key} answered HTTP ${res.status}`);
      }
      const bytes = await readLimited(res, opts.maxResponseBytes, `answer from ${key}`);
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        retryable = false;
        throw new WorkerError("ENDPOINT_FAILED", `endpoint ${key} answered with invalid JSON`);
      }
      opts.breakers.success(key);
      return json;
    } catch (err) {
      opts.breakers.failure(key);
      if (opts.signal?.aborted) throw err;
      lastError =
        err instanceof WorkerError
          ? err
          : new WorkerError(
              "ENDPOINT_FAILED",
              (err as Error).name === "TimeoutError"
                ? `endpoint ${key} did not answer within ${opts.timeoutMs} ms`
                : `endpoint ${key} is unreachable: ${(err as Error).message}`,
              { cause: err },
            );
      if (err instanceof WorkerError && err.code === "BLOB_TOO_LARGE") retryable = false;
      if (!retryable) break;
    }
  }
  throw lastError!;
}
