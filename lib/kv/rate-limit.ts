// Fixed-window rate limits (faucet per address / per IP, API abuse) on top of the configured
// KV backend, through maintained libraries: rate-limiter-flexible for the in-process and
// Redis backends, @upstash/ratelimit for Upstash REST (rate-limiter-flexible has no REST store).
import { Ratelimit } from "@upstash/ratelimit";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { KvError, type Kv } from "./kv";
import type { RedisKv } from "./redis";
import type { UpstashKv } from "./upstash";

export interface RateLimitOptions {
  /** Namespace of this limiter's keys, e.g. "faucet:ip". */
  name: string;
  /** Points allowed per window. */
  points: number;
  windowSeconds: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Points left in the current window (0 when refused). */
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

export interface RateLimiter {
  /** Spends `points` (default 1) for `key`; refused when the window's budget would be exceeded. */
  limit(key: string, points?: number): Promise<RateLimitResult>;
  /** Forgets `key`'s spending (e.g. after a failed claim that should not count). */
  reset(key: string): Promise<void>;
}

export function createRateLimiter(kv: Kv, opts: RateLimitOptions): RateLimiter {
  if (!Number.isInteger(opts.points) || opts.points < 1) throw new KvError(`rate limit points must be an integer ≥ 1, got ${opts.points}`);
  if (!Number.isInteger(opts.windowSeconds) || opts.windowSeconds < 1)
    throw new KvError(`rate limit window must be a whole number of seconds ≥ 1, got ${opts.windowSeconds}`);
  const keyPrefix = `${kv.prefix}rl:${opts.name}`;
  // By `backend`, not instanceof: the process-wide KV lives on globalThis, and after a Next.js
  // dev rebuild it is an instance of an earlier evaluation of these classes.
  if (kv.backend === "memory") {
    return flexible(new RateLimiterMemory({ keyPrefix, points: opts.points, duration: opts.windowSeconds }));
  }
  if (kv.backend === "redis") {
    return flexible(new RateLimiterRedis({ storeClient: (kv as RedisKv).client, keyPrefix, points: opts.points, duration: opts.windowSeconds }));
  }
  if (kv.backend === "upstash") return upstash(kv as UpstashKv, keyPrefix, opts);
  throw new KvError(`no rate limiter for KV backend ${(kv as Kv).backend}`);
}

function checkPoints(points: number): void {
  if (!Number.isInteger(points) || points < 1) throw new KvError(`points must be an integer ≥ 1, got ${points}`);
}

function flexible(limiter: RateLimiterAbstract): RateLimiter {
  return {
    async limit(key, points = 1) {
      checkPoints(points);
      try {
        const res = await limiter.consume(key, points);
        return { allowed: true, remaining: res.remainingPoints, resetMs: res.msBeforeNext };
      } catch (err) {
        // The library rejects with a RateLimiterRes when over the limit, with an Error when the store fails.
        if (err instanceof RateLimiterRes) return { allowed: false, remaining: 0, resetMs: err.msBeforeNext };
        throw new KvError(`rate limiter store failed: ${(err as Error).message}`, { cause: err });
      }
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}

function upstash(kv: UpstashKv, prefix: string, opts: RateLimitOptions): RateLimiter {
  const limiter = new Ratelimit({
    redis: kv.client,
    limiter: Ratelimit.fixedWindow(opts.points, `${opts.windowSeconds} s`),
    prefix,
    analytics: false,
  });
  return {
    async limit(key, points = 1) {
      checkPoints(points);
      try {
        const res = await limiter.limit(key, { rate: points });
        return { allowed: res.success, remaining: Math.max(0, res.remaining), resetMs: Math.max(0, res.reset - Date.now()) };
      } catch (err) {
        throw new KvError(`rate limiter store failed: ${(err as Error).message}`, { cause: err });
      }
    },
    async reset(key) {
      await limiter.resetUsedTokens(key);
    },
  };
}
