// Redis KV over ioredis (REDIS_URL): shared by every app instance.
import { Redis } from "ioredis";
import { assertTtl, KvError, type Kv, type SetOptions } from "./kv";

// INCRBY then set the TTL only if the key has none, atomically: a counter created by this
// call gets the window, later calls do not extend it.
const INCR_WITH_TTL = `local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('TTL', KEYS[1]) == -1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return v`;

export class RedisKv implements Kv {
  readonly backend = "redis" as const;
  readonly client: Redis;

  constructor(
    url: string,
    readonly prefix: string = "",
  ) {
    // Fail a command after a few retries instead of queueing forever while Redis is down,
    // so a request gets a clear error rather than hanging.
    this.client = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
    this.client.on("error", () => {
      // Reported per command; without a listener ioredis would print every reconnect attempt.
    });
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new KvError(`redis ${what} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  get(key: string): Promise<string | null> {
    return this.run("GET", () => this.client.get(this.k(key)));
  }

  async set(key: string, value: string, opts?: SetOptions): Promise<void> {
    const ttl = assertTtl(opts);
    await this.run("SET", () => (ttl === undefined ? this.client.set(this.k(key), value) : this.client.set(this.k(key), value, "EX", ttl)));
  }

  async setNX(key: string, value: string, opts?: SetOptions): Promise<boolean> {
    const ttl = assertTtl(opts);
    const res = await this.run("SET NX", () =>
      ttl === undefined ? this.client.set(this.k(key), value, "NX") : this.client.set(this.k(key), value, "EX", ttl, "NX"),
    );
    return res === "OK";
  }

  async incr(key: string, opts?: SetOptions & { by?: number }): Promise<number> {
    const ttl = assertTtl(opts) ?? 0;
    const by = opts?.by ?? 1;
    if (!Number.isSafeInteger(by)) throw new KvError(`incr by must be an integer, got ${by}`);
    const v = await this.run("INCRBY", () => this.client.eval(INCR_WITH_TTL, 1, this.k(key), by, ttl));
    return Number(v);
  }

  async del(key: string): Promise<boolean> {
    return (await this.run("DEL", () => this.client.del(this.k(key)))) > 0;
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

export { INCR_WITH_TTL };
