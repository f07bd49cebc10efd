// The KV backends against the same expectations: in-process always; Redis and Upstash REST
// when TEST_REDIS_URL is set (Upstash through a small REST-to-Redis bridge, since Upstash's
// REST API is not something CI can run). Keys carry a unique prefix and are deleted afterwards.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KvError, type Kv } from "./kv";
import { MemoryKv } from "./memory";
import { createRateLimiter } from "./rate-limit";
import { RedisKv } from "./redis";
import { UpstashKv } from "./upstash";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntilGone(kv: Kv, key: string): Promise<void> {
  for (let i = 0; i < 50 && (await kv.get(key)) !== null; i++) await sleep(200);
}

function kvSuite(name: string, make: () => Promise<{ kv: Kv; cleanup: () => Promise<void> }>) {
  describe(name, () => {
    let kv: Kv;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ kv, cleanup } = await make());
    });
    afterAll(async () => {
      await cleanup?.();
    });

    it("stores, reads and deletes strings", async () => {
      expect(await kv.get("missing")).toBeNull();
      await kv.set("a", "1");
      expect(await kv.get("a")).toBe("1");
      await kv.set("a", '{"x":1}');
      expect(await kv.get("a")).toBe('{"x":1}');
      expect(await kv.del("a")).toBe(true);
      expect(await kv.del("a")).toBe(false);
      expect(await kv.get("a")).toBeNull();
    });

    it("expires keys set with a TTL", async () => {
      await kv.set("ttl", "v", { ttlSeconds: 1 });
      expect(await kv.get("ttl")).toBe("v");
      await waitUntilGone(kv, "ttl");
      expect(await kv.get("ttl")).toBeNull();
    });

    it("setNX sets only a missing key", async () => {
      expect(await kv.setNX("once", "first", { ttlSeconds: 60 })).toBe(true);
      expect(await kv.setNX("once", "second", { ttlSeconds: 60 })).toBe(false);
      expect(await kv.get("once")).toBe("first");
    });

    it("increments counters, the TTL starting with the first increment", async () => {
      expect(await kv.incr("n", { ttlSeconds: 60 })).toBe(1);
      expect(await kv.incr("n", { ttlSeconds: 60 })).toBe(2);
      expect(await kv.incr("n", { by: 5 })).toBe(7);
      expect(await kv.incr("short", { ttlSeconds: 1 })).toBe(1);
      await waitUntilGone(kv, "short");
      expect(await kv.incr("short", { ttlSeconds: 1 })).toBe(1);
    });

    it("rejects a TTL that is not whole seconds", async () => {
      await expect(kv.set("bad", "x", { ttlSeconds: 0.5 })).rejects.toBeInstanceOf(KvError);
    });

    it("rate-limits per key within a window, and reset forgets a key", async () => {
      const rl = createRateLimiter(kv, { name: "test", points: 3, windowSeconds: 60 });
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await rl.limit("1.2.3.4"));
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
      expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
      expect(results[3]!.resetMs).toBeGreaterThan(0);
      expect(results[3]!.resetMs).toBeLessThanOrEqual(60_000);
      expect((await rl.limit("5.6.7.8")).allowed).toBe(true);
      expect((await rl.limit("5.6.7.8", 3)).allowed).toBe(false);
      await rl.reset("1.2.3.4");
      expect((await rl.limit("1.2.3.4")).allowed).toBe(true);
    });
  });
}

kvSuite("in-process KV", async () => {
  const kv = new MemoryKv("test:");
  return { kv, cleanup: () => kv.close() };
});

describe("in-process KV expiry", () => {
  it("drops a key exactly when its TTL has passed", async () => {
    let now = 1_000_000;
    const kv = new MemoryKv("", () => now);
    await kv.set("k", "v", { ttlSeconds: 10 });
    now += 9_999;
    expect(await kv.get("k")).toBe("v");
    now += 1;
    expect(await kv.get("k")).toBeNull();
    await kv.close();
    await expect(kv.get("k")).rejects.toBeInstanceOf(KvError);
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
const uniquePrefix = () => `tc-test:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;

/** Deletes every key under `prefix` (the rate limiters' keys included). */
async function deletePrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url);
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    if (keys.length > 0) await r.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  await r.quit();
}

describe.skipIf(!redisUrl)("TEST_REDIS_URL", () => {
  kvSuite("Redis KV", async () => {
    const prefix = uniquePrefix();
    const kv = new RedisKv(redisUrl!, prefix);
    return {
      kv,
      cleanup: async () => {
        await kv.close();
        await deletePrefix(redisUrl!, prefix);
      },
    };
  });

  kvSuite("Upstash REST KV (through a REST bridge to TEST_REDIS_URL)", async () => {
    const prefix = uniquePrefix();
    const bridge = await startUpstashBridge(redisUrl!, "test-token");
    const kv = new UpstashKv(bridge.url, "test-token", prefix);
    return {
      kv,
      cleanup: async () => {
        await kv.close();
        await bridge.stop();
        await deletePrefix(redisUrl!, prefix);
      },
    };
  });
});

/**
 * Serves Upstash's REST protocol (POST / with a command array, POST /pipeline with a list of
 * them, bearer token, optional base64 response encoding) by forwarding to a real Redis.
 */
async function startUpstashBridge(redisUrl: string, token: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const redis = new Redis(redisUrl);
  const encode = (v: unknown, b64: boolean): unknown =>
    typeof v === "string" && b64 ? Buffer.from(v).toString("base64") : Array.isArray(v) ? v.map((x) => encode(x, b64)) : v;
  const exec = async (cmd: unknown[], b64: boolean) => {
    try {
      const [name, ...args] = cmd.map(String);
      // Upstash accepts a script flag stock Redis rejects; drop it (EVALSHA of the original
      // script then misses, and @upstash/ratelimit falls back to EVAL, as it is built to).
      if (/^eval$/i.test(name!)) args[0] = args[0]!.replace(/^#!lua flags=allow-key-locking/, "#!lua");
      return { result: encode(await redis.call(name!, ...args), b64) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      void (async () => {
        if (req.headers.authorization !== `Bearer ${token}`) {
          res.writeHead(401).end(JSON.stringify({ error: "unauthorized" }));
          return;
        }
        const b64 = req.headers["upstash-encoding"] === "base64";
        const parsed = JSON.parse(body) as unknown[];
        const path = (req.url ?? "/").split("?")[0];
        const out =
          path === "/pipeline" || path === "/multi-exec"
            ? await Promise.all((parsed as unknown[][]).map((c) => exec(c, b64)))
            : await exec(parsed, b64);
        const failed = !Array.isArray(out) && "error" in out;
        res.writeHead(failed ? 400 : 200, { "content-type": "application/json" }).end(JSON.stringify(out));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis.quit();
    },
  };
}
