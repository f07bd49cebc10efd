// The KV contract shared by the three backends (in-process, Redis, Upstash REST): short-lived
// values with a TTL for rate limits, nonces, PoW challenges and hot caches. Values are strings;
// callers serialise. Keys are namespaced by the backend's prefix (KV_PREFIX), so several apps
// or test runs can share one Redis.

export type KvBackend = "memory" | "redis" | "upstash";

export interface SetOptions {
  /** Expire the key after this many seconds (whole seconds, at least 1). */
  ttlSeconds?: number;
}

export interface Kv {
  readonly backend: KvBackend;
  readonly prefix: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, opts?: SetOptions): Promise<void>;
  /** Sets the key only if it does not exist; true when this call set it (a lock or a one-time token). */
  setNX(key: string, value: string, opts?: SetOptions): Promise<boolean>;
  /** Adds `by` (default 1) and returns the new value; the TTL applies when the key is created. */
  incr(key: string, opts?: SetOptions & { by?: number }): Promise<number>;
  /** Deletes the key; true when it existed. */
  del(key: string): Promise<boolean>;
  /** Releases connections; the instance is unusable afterwards. */
  close(): Promise<void>;
}

export class KvError extends Error {
  override name = "KvError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function assertTtl(opts: SetOptions | undefined): number | undefined {
  const ttl = opts?.ttlSeconds;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1)) {
    throw new KvError(`ttlSeconds must be a whole number of seconds ≥ 1, got ${ttl}`);
  }
  return ttl;
}
