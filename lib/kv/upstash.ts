// Upstash Redis over its REST API (KV_REST_API_URL + KV_REST_API_TOKEN), for serverless
// deployments such as Vercel, where a TCP connection per invocation is not an option.
// (@vercel/kv is deprecated upstream in favour of @upstash/redis, which reads the same variables.)
import { Redis } from "@upstash/redis";
import { assertTtl, KvError, type Kv, type SetOptions } from "./kv";
import { INCR_WITH_TTL } from "./redis";

export class UpstashKv implements Kv {
  readonly backend = "upstash" as const;
  readonly client: Redis;

  constructor(
    url: string,
    token: string,
    readonly prefix: string = "",
  ) {
    // Values stay strings: automatic JSON (de)serialisation would turn "1" into 1.
    this.client = new Redis({ url, token, automaticDeserialization: false, enableTelemetry: false });
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new KvError(`upstash ${what} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  get(key: string): Promise<string | null> {
    return this.run("GET", () => this.client.get<string>(this.k(key)));
  }

  async set(key: string, value: string, opts?: SetOptions): Promise<void> {
    const ttl = assertTtl(opts);
    await this.run("SET", () => (ttl === undefined ? this.client.set(this.k(key), value) : this.client.set(this.k(key), value, { ex: ttl })));
  }

  async setNX(key: string, value: string, opts?: SetOptions): Promise<boolean> {
    const ttl = assertTtl(opts);
    const res = await this.run("SET NX", () =>
      ttl === undefined ? this.client.set(this.k(key), value, { nx: true }) : this.client.set(this.k(key), value, { nx: true, ex: ttl }),
    );
    return res === "OK";
  }

  async incr(key: string, opts?: SetOptions & { by?: number }): Promise<number> {
    const ttl = assertTtl(opts) ?? 0;
    const by = opts?.by ?? 1;
    if (!Number.isSafeInteger(by)) throw new KvError(`incr by must be an integer, got ${by}`);
    const v = await this.run("INCRBY", () => this.client.eval(INCR_WITH_TTL, [this.k(key)], [String(by), String(ttl)]));
    return Number(v);
  }

  async del(key: string): Promise<boolean> {
    return (await this.run("DEL", () => this.client.del(this.k(key)))) > 0;
  }

  async close(): Promise<void> {
    // Stateless HTTP: nothing to release.
  }
}
