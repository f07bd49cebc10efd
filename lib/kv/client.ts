// Picks the KV backend from the configuration: Upstash REST when KV_REST_API_URL/TOKEN are
// set, Redis when REDIS_URL is set, in-process otherwise.
import { getConfig, type AppConfig } from "@/lib/config";
import type { Kv } from "./kv";
import { MemoryKv } from "./memory";
import { RedisKv } from "./redis";
import { UpstashKv } from "./upstash";

export function createKv(cfg: AppConfig["kv"]): Kv {
  switch (cfg.backend) {
    case "memory":
      return new MemoryKv(cfg.prefix);
    case "redis":
      return new RedisKv(cfg.url, cfg.prefix);
    case "upstash":
      return new UpstashKv(cfg.url, cfg.token, cfg.prefix);
  }
}

// One KV per process; on globalThis so Next.js dev reloads do not open new connections or,
// for the in-process backend, forget every counter.
const globalForKv = globalThis as typeof globalThis & { __tensorchainKv?: Kv };

export function getKv(): Kv {
  globalForKv.__tensorchainKv ??= createKv(getConfig().kv);
  return globalForKv.__tensorchainKv;
}
