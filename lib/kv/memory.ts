// In-process KV: the embedded default. Correct for one app process (the devnet launcher runs
// one); with several app instances use Redis or Upstash so limits are shared.
import { assertTtl, KvError, type Kv, type SetOptions } from "./kv";

interface Entry {
  value: string;
  /** Epoch ms, or Infinity. */
  expiresAt: number;
}

export class MemoryKv implements Kv {
  readonly backend = "memory" as const;
  private readonly map = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly prefix: string = "",
    private readonly now: () => number = Date.now,
  ) {
    // Expired keys are dropped on read; the sweep bounds memory for keys never read again.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  private live(key: string): Entry | undefined {
    if (this.closed) throw new KvError("KV is closed");
    const k = this.prefix + key;
    const e = this.map.get(k);
    if (e !== undefined && e.expiresAt <= this.now()) {
      this.map.delete(k);
      return undefined;
    }
    return e;
  }

  private put(key: string, value: string, ttl: number | undefined): void {
    this.map.set(this.prefix + key, { value, expiresAt: ttl === undefined ? Infinity : this.now() + ttl * 1000 });
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, opts?: SetOptions): Promise<void> {
    const ttl = assertTtl(opts);
    this.live(key);
    this.put(key, value, ttl);
  }

  async setNX(key: string, value: string, opts?: SetOptions): Promise<boolean> {
    const ttl = assertTtl(opts);
    if (this.live(key) !== undefined) return false;
    this.put(key, value, ttl);
    return true;
  }

  async incr(key: string, opts?: SetOptions & { by?: number }): Promise<number> {
    const ttl = assertTtl(opts);
    const by = opts?.by ?? 1;
    if (!Number.isSafeInteger(by)) throw new KvError(`incr by must be an integer, got ${by}`);
    const e = this.live(key);
    if (e === undefined) {
      this.put(key, String(by), ttl);
      return by;
    }
    const current = Number(e.value);
    if (!Number.isSafeInteger(current)) throw new KvError(`value of ${key} is not an integer`);
    e.value = String(current + by);
    return current + by;
  }

  async del(key: string): Promise<boolean> {
    const existed = this.live(key) !== undefined;
    this.map.delete(this.prefix + key);
    return existed;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.map.clear();
    this.closed = true;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, e] of this.map) if (e.expiresAt <= t) this.map.delete(k);
  }
}
