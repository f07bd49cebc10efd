// The worker's typed configuration: environment variables, overridden by command-line flags,
// validated once at start-up. The only module of the worker that reads process.env.
import os from "node:os";
import { z } from "zod";
import { privateKeyToAccount } from "viem/accounts";
import { ConfigError } from "./errors.js";
import { JOB_KINDS, MAX_CLAIM_WAIT_MS } from "./jobs/types.js";

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
};
const TIME_UNITS: Record<string, number> = { "": 1, ms: 1, s: 1000, m: 60_000, min: 60_000 };

/** "512MiB", "2GB", "1048576" → bytes. */
export function parseSize(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(s);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`"${s}" is not a size (e.g. 512MiB, 2GB, 1048576)`);
  return Math.floor(Number(m[1]) * unit);
}

/** "30s", "500ms", "2m", "1500" (ms) → milliseconds. */
export function parseDuration(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(s);
  const unit = m ? TIME_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`"${s}" is not a duration (e.g. 500ms, 30s, 2m)`);
  return Math.floor(Number(m[1]) * unit);
}

const size = (def: string) =>
  z
    .string()
    .default(def)
    .transform((s, ctx) => {
      try {
        return parseSize(s);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
        return z.NEVER;
      }
    });
const duration = (def: string) =>
  z
    .string()
    .default(def)
    .transform((s, ctx) => {
      try {
        return parseDuration(s);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
        return z.NEVER;
      }
    });
const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

/** Each option: its flag name, its environment variable and its schema. */
const OPTIONS = {
  apiUrl: {
    flag: "api-url",
    env: "TENSORCHAIN_API_URL",
    schema: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:3000"),
  },
  privateKey: {
    flag: "private-key",
    env: "WORKER_PRIVATE_KEY",
    schema: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
      .optional(),
  },
  concurrency: { flag: "concurrency", env: "WORKER_CONCURRENCY", schema: int(1, 1, 256) },
  /** Claim each slot's next job while the current one runs (true/false). */
  prefetch: {
    flag: "prefetch",
    env: "WORKER_PREFETCH",
    schema: z
      .enum(["true", "false", "1", "0"])
      .default("true")
      .transform((v) => v === "true" || v === "1"),
  },
  kinds: {
    flag: "kinds",
    env: "WORKER_JOB_KINDS",
    schema: z
      .string()
      .default(JOB_KINDS.join(","))
      .transform((s) =>
        s
          .split(",")
          .map((k) => k.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(JOB_KINDS)).min(1)),
  },
  modelCacheBytes: { flag: "model-cache-size", env: "WORKER_MODEL_CACHE_SIZE", schema: size("2GiB") },
  maxModelBytes: { flag: "max-model-size", env: "WORKER_MAX_MODEL_SIZE", schema: size("512MiB") },
  maxDatasetBytes: { flag: "max-dataset-size", env: "WORKER_MAX_DATASET_SIZE", schema: size("256MiB") },
  inferenceTimeoutMs: { flag: "inference-timeout", env: "WORKER_INFERENCE_TIMEOUT", schema: duration("30s") },
  loadTimeoutMs: { flag: "load-timeout", env: "WORKER_LOAD_TIMEOUT", schema: duration("60s") },
  memoryLimitBytes: { flag: "memory-limit", env: "WORKER_MEMORY_LIMIT", schema: size("4GiB") },
  executionProvider: {
    flag: "execution-provider",
    env: "WORKER_EXECUTION_PROVIDER",
    schema: z.enum(["auto", "cuda", "cpu"]).default("auto"),
  },
  intraOpThreads: { flag: "threads", env: "WORKER_THREADS", schema: int(0, 0, 1024) },
  batchSize: { flag: "batch-size", env: "WORKER_BATCH_SIZE", schema: int(256, 1, 65_536) },
  pollIntervalMs: { flag: "poll-interval", env: "WORKER_POLL_INTERVAL", schema: duration("1s") },
  maxBackoffMs: { flag: "max-backoff", env: "WORKER_MAX_BACKOFF", schema: duration("30s") },
  /** How long one claim may wait on the server for a job (a long poll; 0 polls instead). */
  claimWaitMs: {
    flag: "claim-wait",
    env: "WORKER_CLAIM_WAIT",
    schema: duration("20s").refine(
      (ms) => ms <= MAX_CLAIM_WAIT_MS,
      `at most ${MAX_CLAIM_WAIT_MS / 1000}s (the server's limit)`,
    ),
  },
  heartbeatIntervalMs: {
    flag: "heartbeat-interval",
    env: "WORKER_HEARTBEAT_INTERVAL",
    schema: duration("10s"),
  },
  requestTimeoutMs: { flag: "request-timeout", env: "WORKER_REQUEST_TIMEOUT", schema: duration("15s") },
  shutdownGraceMs: { flag: "shutdown-grace", env: "WORKER_SHUTDOWN_GRACE", schema: duration("30s") },
  endpointTimeoutMs: { flag: "endpoint-timeout", env: "WORKER_ENDPOINT_TIMEOUT", schema: duration("10s") },
  endpointRetries: { flag: "endpoint-retries", env: "WORKER_ENDPOINT_RETRIES", schema: int(2, 0, 10) },
  metricsPort: {
    flag: "metrics-port",
    env: "WORKER_METRICS_PORT",
    schema: z.coerce.number().int().min(0).max(65_535).optional(),
  },
  metricsHost: { flag: "metrics-host", env: "WORKER_METRICS_HOST", schema: z.string().default("127.0.0.1") },
  blobDirs: {
    flag: "blob-dir",
    env: "WORKER_BLOB_DIRS",
    schema: z
      .string()
      .default("")
      .transform((s) =>
        s
          .split(",")
          .map((d) => d.trim())
          .filter(Boolean),
      ),
  },
} as const;

type Options = typeof OPTIONS;
type Parsed = { [K in keyof Options]: z.output<Options[K]["schema"]> };

export type WorkerConfig = Omit<Parsed, "intraOpThreads" | "privateKey" | "metricsPort"> & {
  privateKey: `0x${string}` | undefined;
  /** Prometheus endpoint port; no metrics server when undefined (0 = any free port). */
  metricsPort: number | undefined;
  /** Threads per onnxruntime session: the cores divided among concurrent jobs unless set. */
  intraOpThreads: number;
};

export const FLAG_NAMES: readonly string[] = Object.values(OPTIONS).map((o) => o.flag);

/** `--name value` / `--name=value` pairs; anything else is returned as positionals. */
export function parseFlags(argv: readonly string[]): {
  flags: Record<string, string>;
  positionals: string[];
} {
  const flags: Record<string, string> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    if (eq > 0) {
      flags[a.slice(2, eq)] = a.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) flags[a.slice(2)] = "true";
      else {
        flags[a.slice(2)] = next;
        i++;
      }
    }
  }
  return { flags, positionals };
}

export function loadConfig(
  input: { env?: Record<string, string | undefined>; flags?: Record<string, string> } = {},
): WorkerConfig {
  const env = input.env ?? process.env;
  const flags = input.flags ?? {};
  const raw: Record<string, unknown> = {};
  for (const [key, opt] of Object.entries(OPTIONS)) {
    const v = flags[opt.flag] ?? env[opt.env];
    if (v !== undefined && v !== "") raw[key] = v;
  }
  const shape = Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, o.schema])) as {
    [K in keyof Options]: Options[K]["schema"];
  };
  const parsed = z.object(shape).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const opt = OPTIONS[issue.path[0] as keyof Options];
    const where = opt ? `--${opt.flag} / ${opt.env}` : issue.path.join(".");
    throw new ConfigError(`invalid ${where}: ${issue.message}`, z.prettifyError(parsed.error));
  }
  const c = parsed.data;
  if (c.privateKey) {
    try {
      privateKeyToAccount(c.privateKey as `0x${string}`);
    } catch {
      throw new ConfigError(`invalid --private-key / WORKER_PRIVATE_KEY: not a valid secp256k1 private key`);
    }
  }
  if (c.maxModelBytes > c.modelCacheBytes) {
    throw new ConfigError(
      "--max-model-size must not exceed --model-cache-size (a model must fit in the cache)",
    );
  }
  if (c.pollIntervalMs > c.maxBackoffMs)
    throw new ConfigError("--poll-interval must not exceed --max-backoff");
  const cores = os.availableParallelism();
  return {
    ...c,
    privateKey: c.privateKey as `0x${string}` | undefined,
    metricsPort: c.metricsPort,
    intraOpThreads: c.intraOpThreads > 0 ? c.intraOpThreads : Math.max(1, Math.floor(cores / c.concurrency)),
  };
}

/** Help text for the CLI, generated from the option table so it cannot drift. */
export function optionsHelp(): string {
  return Object.values(OPTIONS)
    .map((o) => `  --${o.flag.padEnd(20)} ${o.env}`)
    .join("\n");
}
