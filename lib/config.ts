// The app's one typed configuration layer: every environment variable the app, the indexer,
// the faucet and the job API read is declared, defaulted and validated here, and nowhere else
// reads process.env (CONVENTIONS.md, "From blockscout/frontend"). Defaults are the embedded
// devnet ones, so `npm start` and `npm test` need no .env file at all.
import path from "node:path";
import { z } from "zod";
import { DEV_CHAIN_ID } from "../chain/src/genesis/schema";

/** Default port of the embedded PGlite-as-Postgres server; never 5432, which belongs to a real Postgres. */
export const DEFAULT_EMBEDDED_DB_PORT = 54329;

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly issues: readonly string[]) {
    super(`invalid configuration: ${issues.join("; ")}`);
  }
}

// Environment variables are strings; an empty string means "unset" (docker-compose and CI
// templates often export VAR= for optional settings), so it falls back to the default.
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
// prefault (not default): the default goes through the schema, so "10" TEN becomes wei like a set value.
const withDefault = <T extends z.ZodType>(schema: T, def: z.input<T>) =>
  z.preprocess(blankToUndefined, schema.prefault(def as never));

const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s):// URL" });
const wsUrl = z.url({ protocol: /^wss?$/, error: "expected a ws(s):// URL" });
const postgresUrl = z.url({
  protocol: /^postgres(ql)?$/,
  error: "expected a postgres:// or postgresql:// URL",
});
const redisUrl = z.url({ protocol: /^rediss?$/, error: "expected a redis:// or rediss:// URL" });
const port = z.coerce.number().int().min(1).max(65535);
const nonNegInt = z.coerce.number().int().min(0);
const posInt = z.coerce.number().int().min(1);
const bool = z
  .enum(["1", "0", "true", "false", "yes", "no"])
  .transform((v) => v === "1" || v === "true" || v === "yes");
/** An amount of TEN written as a decimal ("10", "0.5"), kept exactly as wei. */
const tenAmount = z
  .string()
  .regex(/^\d+(\.\d{1,18})?$/, "expected an amount of TEN such as 10 or 0.5 (at most 18 decimals)")
  .transform((v) => {
    const [whole = "0", frac = ""] = v.split(".");
    return BigInt(whole) * 10n ** 18n + BigInt(frac.padEnd(18, "0"));
  });
const privateKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte hex private key (0x + 64 hex digits)");

const envSchema = z.object({
  NODE_ENV: withDefault(z.enum(["development", "production", "test"]), "development"),
  LOG_LEVEL: withDefault(z.enum(["debug", "info", "warn", "error"]), "info"),

  // Chain
  CHAIN_RPC_URL: withDefault(httpUrl, "http://127.0.0.1:8545"),
  CHAIN_WS_URL: opt(wsUrl),
  CHAIN_ID: withDefault(posInt.max(2 ** 32 - 1), DEV_CHAIN_ID),
  CHAIN_NAME: withDefault(z.string().min(1).max(64), "Tensorchain Devnet"),
  CHAIN_RPC_TIMEOUT_MS: withDefault(posInt.max(120_000), 5_000),

  // App
  APP_URL: withDefault(httpUrl, "http://localhost:3000"),
  APP_PORT: withDefault(port, 3000),
  DATA_DIR: withDefault(z.string().min(1), ".data"),

  // Database: unset = the embedded PGlite served on 127.0.0.1:EMBEDDED_DB_PORT.
  DATABASE_URL: opt(postgresUrl),
  DATABASE_POOL_MAX: opt(posInt.max(1000)),
  /** A Postgres the tests and benchmarks may create throwaway schemas in (besides PGlite). */
  TEST_DATABASE_URL: opt(postgresUrl),
  EMBEDDED_DB_PORT: withDefault(port, DEFAULT_EMBEDDED_DB_PORT),

  // KV: Upstash REST (Vercel KV) wins over Redis, Redis over the in-process default.
  REDIS_URL: opt(redisUrl),
  KV_REST_API_URL: opt(httpUrl),
  KV_REST_API_TOKEN: opt(z.string().min(1)),
  KV_PREFIX: withDefault(z.string().regex(/^[\w:.-]{0,64}$/, "letters, digits, _ : . - only"), "tc:"),

  // Faucet
  FAUCET_ENABLED: withDefault(bool, "true"),
  FAUCET_AMOUNT: withDefault(tenAmount, "10"),
  FAUCET_COOLDOWN_SECONDS: withDefault(posInt, 86_400),
  FAUCET_PER_IP_LIMIT: withDefault(posInt, 5),
  FAUCET_PER_IP_WINDOW_SECONDS: withDefault(posInt, 86_400),
  FAUCET_DAILY_CAP: withDefault(tenAmount, "10000"),
  FAUCET_TRUSTED_PROXY_COUNT: withDefault(nonNegInt.max(10), 0),
  FAUCET_POW_DIFFICULTY: withDefault(nonNegInt.max(32), 18),
  FAUCET_POW_TTL_SECONDS: withDefault(posInt, 300),
  FAUCET_PRIVATE_KEY: opt(privateKey),

  // Indexer
  INDEXER_POLL_INTERVAL_MS: withDefault(posInt, 1_000),
  INDEXER_BATCH_SIZE: withDefault(posInt.max(1_000), 50),
  CRON_SECRET: opt(z.string().min(16, "CRON_SECRET must be at least 16 characters")),

  // Jobs
  JOB_LEASE_SECONDS: withDefault(posInt, 60),
  JOB_MAX_ATTEMPTS: withDefault(posInt.max(100), 3),
  SIWE_SESSION_TTL_SECONDS: withDefault(posInt, 86_400),

  // Browser wallets (the portals): the RPC URL and explorer URL wallets are given
  // (wallet_addEthereumChain; CHAIN_RPC_URL and APP_URL when unset: the server's RPC URL is
  // often private), the WalletConnect Cloud project id (WalletConnect only when set) and the
  // relay the dApp's WalletConnect client talks to (WalletConnect's own when unset; a
  // self-hosted one must speak the relay's JSON-RPC, irn_*).
  PUBLIC_CHAIN_RPC_URL: opt(httpUrl),
  PUBLIC_EXPLORER_URL: opt(httpUrl),
  NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID: opt(
    z.string().regex(/^[0-9a-f]{32}$/, "expected a 32-hex-digit WalletConnect Cloud project id"),
  ),
  NEXT_PUBLIC_WALLETCONNECT_RELAY_URL: opt(wsUrl),
});

export type Env = z.input<typeof envSchema>;

export interface AppConfig {
  nodeEnv: "development" | "production" | "test";
  logLevel: "debug" | "info" | "warn" | "error";
  chain: { rpcUrl: string; wsUrl: string | undefined; id: number; name: string; rpcTimeoutMs: number };
  app: { url: string; port: number; dataDir: string };
  db: {
    /** The Postgres URL the app talks to; the embedded server's URL when DATABASE_URL is unset. */
    url: string;
    embedded: boolean;
    embeddedPort: number;
    /** Directory of the embedded PGlite data (under DATA_DIR). */
    embeddedDataDir: string;
    poolMax: number;
    /** TEST_DATABASE_URL: benchmarks also run against this Postgres when set. */
    testUrl: string | undefined;
  };
  kv:
    | { backend: "memory"; prefix: string }
    | { backend: "redis"; prefix: string; url: string }
    | { backend: "upstash"; prefix: string; url: string; token: string };
  faucet: {
    enabled: boolean;
    amountWei: bigint;
    cooldownSeconds: number;
    perIpLimit: number;
    perIpWindowSeconds: number;
    dailyCapWei: bigint;
    trustedProxyCount: number;
    powDifficulty: number;
    powTtlSeconds: number;
    privateKey: `0x${string}` | undefined;
  };
  indexer: { pollIntervalMs: number; batchSize: number; cronSecret: string | undefined };
  jobs: { leaseSeconds: number; maxAttempts: number };
  auth: { sessionTtlSeconds: number };
  wallet: {
    publicRpcUrl: string | undefined;
    explorerUrl: string | undefined;
    walletConnectProjectId: string | undefined;
    walletConnectRelayUrl: string | undefined;
  };
}

/** URL of the embedded database served by startEmbeddedDatabase() on the given port. */
export function embeddedDatabaseUrl(port: number): string {
  return `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
}

/** Validates an environment (process.env by default) into the app's typed configuration. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "env"}: ${i.message}`));
  }
  const e = parsed.data;
  const issues: string[] = [];
  if ((e.KV_REST_API_URL === undefined) !== (e.KV_REST_API_TOKEN === undefined)) {
    issues.push("KV_REST_API_URL and KV_REST_API_TOKEN must be set together");
  }
  if (e.FAUCET_AMOUNT <= 0n) issues.push("FAUCET_AMOUNT: must be more than 0");
  if (e.FAUCET_DAILY_CAP < e.FAUCET_AMOUNT) issues.push("FAUCET_DAILY_CAP: must be at least FAUCET_AMOUNT");
  if (issues.length > 0) throw new ConfigError(issues);

  const dataDir = path.resolve(e.DATA_DIR);
  const embedded = e.DATABASE_URL === undefined;
  const kvPrefix = e.KV_PREFIX;
  return {
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    chain: {
      rpcUrl: e.CHAIN_RPC_URL,
      wsUrl: e.CHAIN_WS_URL,
      id: e.CHAIN_ID,
      name: e.CHAIN_NAME,
      rpcTimeoutMs: e.CHAIN_RPC_TIMEOUT_MS,
    },
    app: { url: e.APP_URL, port: e.APP_PORT, dataDir },
    db: {
      url: e.DATABASE_URL ?? embeddedDatabaseUrl(e.EMBEDDED_DB_PORT),
      embedded,
      embeddedPort: e.EMBEDDED_DB_PORT,
      embeddedDataDir: path.join(dataDir, "pglite"),
      // The embedded PGlite socket server runs every connection on one PGlite session and can
      // interleave extended-protocol messages of concurrent clients: one connection is safe.
      poolMax: e.DATABASE_POOL_MAX ?? (embedded ? 1 : 10),
      testUrl: e.TEST_DATABASE_URL,
    },
    kv:
      e.KV_REST_API_URL !== undefined && e.KV_REST_API_TOKEN !== undefined
        ? { backend: "upstash", prefix: kvPrefix, url: e.KV_REST_API_URL, token: e.KV_REST_API_TOKEN }
        : e.REDIS_URL !== undefined
          ? { backend: "redis", prefix: kvPrefix, url: e.REDIS_URL }
          : { backend: "memory", prefix: kvPrefix },
    faucet: {
      enabled: e.FAUCET_ENABLED,
      amountWei: e.FAUCET_AMOUNT,
      cooldownSeconds: e.FAUCET_COOLDOWN_SECONDS,
      perIpLimit: e.FAUCET_PER_IP_LIMIT,
      perIpWindowSeconds: e.FAUCET_PER_IP_WINDOW_SECONDS,
      dailyCapWei: e.FAUCET_DAILY_CAP,
      trustedProxyCount: e.FAUCET_TRUSTED_PROXY_COUNT,
      powDifficulty: e.FAUCET_POW_DIFFICULTY,
      powTtlSeconds: e.FAUCET_POW_TTL_SECONDS,
      privateKey: e.FAUCET_PRIVATE_KEY as `0x${string}` | undefined,
    },
    indexer: {
      pollIntervalMs: e.INDEXER_POLL_INTERVAL_MS,
      batchSize: e.INDEXER_BATCH_SIZE,
      cronSecret: e.CRON_SECRET,
    },
    jobs: { leaseSeconds: e.JOB_LEASE_SECONDS, maxAttempts: e.JOB_MAX_ATTEMPTS },
    auth: { sessionTtlSeconds: e.SIWE_SESSION_TTL_SECONDS },
    wallet: {
      publicRpcUrl: e.PUBLIC_CHAIN_RPC_URL,
      explorerUrl: e.PUBLIC_EXPLORER_URL,
      walletConnectProjectId: e.NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID,
      walletConnectRelayUrl: e.NEXT_PUBLIC_WALLETCONNECT_RELAY_URL,
    },
  };
}

let cached: AppConfig | undefined;

/**
 * TEST_DATABASE_URL, read without fixing the process's configuration: for benchmarks that host
 * the app's modules in-process and set DATABASE_URL from it before those modules first read
 * getConfig().
 */
export function peekTestDatabaseUrl(): string | undefined {
  return parseConfig(process.env).db.testUrl;
}

/**
 * The process's configuration, validated on first use (not at import, so `next build` and
 * tests that never touch config do not need a complete environment).
 */
export function getConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

// The knobs of the seeded consensus simulation (chain/src/consensus/simulation.test.ts), validated
// here like every other variable, so a typo fails loudly instead of running zero scenarios:
//   SIM_RUNS        how many seeded runs (default 2000)
//   SIM_FIRST_SEED  the first seed of those runs (default 1)
//   SIM_SEED        re-run exactly this one seed instead
const simCount = (name: string, min: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && Number.isSafeInteger(n), `${name} must be at least ${min}`);

const simulationSchema = z.object({
  SIM_RUNS: simCount("SIM_RUNS", 1).default(2000),
  SIM_FIRST_SEED: simCount("SIM_FIRST_SEED", 0).default(1),
  SIM_SEED: simCount("SIM_SEED", 0).optional(),
});

export interface SimulationConfig {
  /** The seeds to run, in order. */
  seeds: number[];
  /** Set when SIM_SEED asked for one scenario. */
  oneSeed?: number;
}

/** SIM_* from `env` (process.env by default): the seeds the simulation runs. */
export function simulationConfig(env: Record<string, string | undefined> = process.env): SimulationConfig {
  const r = simulationSchema.safeParse({
    SIM_RUNS: env.SIM_RUNS || undefined,
    SIM_FIRST_SEED: env.SIM_FIRST_SEED || undefined,
    SIM_SEED: env.SIM_SEED || undefined,
  });
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => i.message));
  const e = r.data;
  if (e.SIM_SEED !== undefined) return { seeds: [e.SIM_SEED], oneSeed: e.SIM_SEED };
  return { seeds: Array.from({ length: e.SIM_RUNS }, (_, i) => e.SIM_FIRST_SEED + i) };
}
