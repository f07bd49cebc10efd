// Command-line configuration of a BFT validator process (`validator-main.ts`), validated with zod
// so a bad flag fails with one clear line before anything opens.
import { z } from "zod";

export class BftConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BftConfigError";
  }
}

const port = z.coerce.number().int().min(0).max(65_535);

export const bftNodeConfigSchema = z
  .object({
    dataDir: z.string().min(1),
    genesis: z.string().min(1),
    /** Absent: follow the chain (sync, relay) without voting. */
    validatorKey: z.string().min(1).optional(),
    rpcHost: z.string().default("127.0.0.1"),
    rpcPort: port,
    p2pHost: z.string().default("127.0.0.1"),
    p2pPort: port,
    /** Multiaddrs ending in /p2p/<peer id>; redialled while down. */
    bootstrap: z.array(z.string().min(1)).default([]),
    /** Pause after a commit; default the genesis target block time. */
    blockTimeMs: z.coerce.number().int().min(10).max(60_000).optional(),
    /** Base propose timeout in ms (the others scale from it). */
    timeoutProposeMs: z.coerce.number().int().min(50).max(60_000).default(1000),
    /** Most transactions per proposed block (the proposer also keeps to a time budget). */
    maxBlockTxs: z.coerce.number().int().min(1).max(1_000_000).optional(),
    testDoubleSign: z.boolean().default(false),
    /** Serve Prometheus metrics on this port (`/metrics`); absent: no metrics server. */
    metricsHost: z.string().default("127.0.0.1"),
    metricsPort: port.optional(),
    /** Node name in metric labels (`node`). */
    name: z.string().min(1).max(63).optional(),
  })
  .strict();

export type BftNodeConfig = z.output<typeof bftNodeConfigSchema>;

const FLAGS: Record<string, { key: keyof BftNodeConfig; kind: "value" | "list" | "bool" }> = {
  "--data-dir": { key: "dataDir", kind: "value" },
  "--genesis": { key: "genesis", kind: "value" },
  "--validator-key": { key: "validatorKey", kind: "value" },
  "--rpc-host": { key: "rpcHost", kind: "value" },
  "--rpc-port": { key: "rpcPort", kind: "value" },
  "--p2p-host": { key: "p2pHost", kind: "value" },
  "--p2p-port": { key: "p2pPort", kind: "value" },
  "--bootstrap": { key: "bootstrap", kind: "list" },
  "--block-time": { key: "blockTimeMs", kind: "value" },
  "--timeout-propose": { key: "timeoutProposeMs", kind: "value" },
  "--max-block-txs": { key: "maxBlockTxs", kind: "value" },
  "--test-double-sign": { key: "testDoubleSign", kind: "bool" },
  "--metrics-host": { key: "metricsHost", kind: "value" },
  "--metrics-port": { key: "metricsPort", kind: "value" },
  "--name": { key: "name", kind: "value" },
};

/** `--bootstrap` may repeat and may hold a comma-separated list. */
export function parseBftNodeArgs(argv: string[]): BftNodeConfig {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const f = FLAGS[argv[i]!];
    if (!f) throw new BftConfigError(`unknown option ${argv[i]}`);
    if (f.kind === "bool") {
      raw[f.key] = true;
      continue;
    }
    const v = argv[++i];
    if (v === undefined) throw new BftConfigError(`${argv[i - 1]} needs a value`);
    if (f.kind === "list")
      raw[f.key] = [...((raw[f.key] as string[]) ?? []), ...v.split(",").filter((s) => s.length > 0)];
    else raw[f.key] = v;
  }
  const parsed = bftNodeConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BftConfigError(`${issue.path.join(".") || "options"}: ${issue.message}`);
  }
  return parsed.data;
}
