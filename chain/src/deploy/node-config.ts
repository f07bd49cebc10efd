// The node config file (`tensorchain start --config FILE`): one JSON document per node with its
// role, files, and listen addresses. `tensorchain deploy` writes one per node; this module is
// the single definition of its shape, used by the generator, by `start`, and by the tests.
// Relative paths in a config file are relative to the file's own directory, so a deployment
// directory can be moved or mounted anywhere.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";
import { NODE_KEY_FILE } from "../network/identity.js";
import { bftNodeConfigSchema } from "../node/bft/config.js";
import type { BftNodeConfig } from "../node/bft/config.js";

export class NodeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NodeConfigError";
  }
}

const port = z.number().int().min(0).max(65535);
const host = z.string().refine((h) => isIP(h) !== 0, "must be an IP address (0.0.0.0 for all interfaces)");
const filePath = z.string().min(1).max(4096);
// Same rule as the network module's bootstrapPeers: a multiaddr that names the peer id. The
// network module parses the multiaddr itself when it starts; here we catch obvious mistakes.
const bootstrapPeer = z
  .string()
  .max(512)
  .regex(
    /^\/(ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/\d{1,5}\/p2p\/[1-9A-HJ-NP-Za-km-z]{46,}$/,
    "expected /ip4|dns4/HOST/tcp/PORT/p2p/PEER_ID",
  );

export const NODE_ROLES = ["validator", "bootstrap", "full"] as const;

export const nodeConfigSchema = z
  .object({
    /** Name of the node in logs and metrics labels (`validator-0`, `bootstrap`). */
    name: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "lowercase letters, digits and dashes (a DNS label)"),
    /** validator: signs blocks with `validatorKey`; bootstrap: peer discovery only; full: follows the chain. */
    role: z.enum(NODE_ROLES),
    /** Node database, WAL and p2p identity. */
    dataDir: filePath,
    genesis: filePath,
    /** The validator key file (hotkey + consensus key); required for role "validator". */
    validatorKey: filePath.optional(),
    rpc: z
      .object({
        enabled: z.boolean().default(true),
        host: host.default("127.0.0.1"),
        port: port.default(8545),
      })
      .strict()
      .prefault({}),
    p2p: z
      .object({
        host: host.default("0.0.0.0"),
        port: port.default(26656),
        /** A pre-generated libp2p key (so others can list this node's peer id); copied into dataDir on first start. */
        nodeKey: filePath.optional(),
        announce: z.array(z.string().min(1).max(512)).default([]),
        bootstrapPeers: z.array(bootstrapPeer).default([]),
        /** Bootstrap nodes: drop registry entries not seen for this long (default 24 h). */
        peerTtlMs: z.number().int().min(1000).optional(),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        enabled: z.boolean().default(true),
        host: host.default("127.0.0.1"),
        port: port.default(9615),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.role === "validator" && c.validatorKey === undefined)
      ctx.addIssue({ code: "custom", path: ["validatorKey"], message: "a validator needs validatorKey" });
    if (c.role === "bootstrap" && c.validatorKey !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["validatorKey"],
        message: "a bootstrap node does not sign: drop validatorKey",
      });
  });

export type NodeConfigInput = z.input<typeof nodeConfigSchema>;
export type NodeConfig = z.output<typeof nodeConfigSchema>;

function describe(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join(".") + ": " : ""}${i.message}`).join("; ");
}

/** Validates a parsed config document; paths stay as written. */
export function parseNodeConfig(input: unknown, source = "node config"): NodeConfig {
  const r = nodeConfigSchema.safeParse(input);
  if (!r.success) throw new NodeConfigError(`invalid ${source}: ${describe(r.error)}`);
  return r.data;
}

/** Reads a config file and resolves its relative paths against the file's directory. */
export function loadNodeConfig(file: string): NodeConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new NodeConfigError(`cannot read node config ${file}: ${(e as Error).message}`);
  }
  const c = parseNodeConfig(raw, `node config ${file}`);
  const dir = path.dirname(path.resolve(file));
  const abs = (p: string) => path.resolve(dir, p);
  return {
    ...c,
    dataDir: abs(c.dataDir),
    genesis: abs(c.genesis),
    validatorKey: c.validatorKey === undefined ? undefined : abs(c.validatorKey),
    p2p: { ...c.p2p, nodeKey: c.p2p.nodeKey === undefined ? undefined : abs(c.p2p.nodeKey) },
  };
}

/**
 * Where a node keeps its libp2p identity inside its data dir: the multi-validator node
 * (chain/src/node/bft/validator-main.ts) gives the network module `<dataDir>/p2p`.
 */
export function p2pDir(c: Pick<NodeConfig, "dataDir">): string {
  return path.join(c.dataDir, "p2p");
}

/**
 * Creates the data dir and seeds the p2p identity from `p2p.nodeKey` when the data dir has
 * none yet, so the node starts with the peer id the deployment advertised. An existing identity
 * is never replaced (that would change the peer id under everyone's bootstrap lists).
 */
export function prepareDataDir(c: NodeConfig): void {
  mkdirSync(p2pDir(c), { recursive: true });
  const target = path.join(p2pDir(c), NODE_KEY_FILE);
  if (c.p2p.nodeKey === undefined || existsSync(target)) return;
  if (!existsSync(c.p2p.nodeKey)) throw new NodeConfigError(`p2p.nodeKey ${c.p2p.nodeKey} does not exist`);
  copyFileSync(c.p2p.nodeKey, target);
}

/** The multi-validator node's settings for a validator or full node config (paths resolved). */
export function toBftNodeConfig(c: NodeConfig): BftNodeConfig {
  if (c.role === "bootstrap")
    throw new NodeConfigError(`${c.name} is a bootstrap node: run it with \`tensorchain start --config\``);
  return bftNodeConfigSchema.parse({
    dataDir: c.dataDir,
    genesis: c.genesis,
    validatorKey: c.validatorKey,
    rpcHost: c.rpc.host,
    rpcPort: c.rpc.port,
    p2pHost: c.p2p.host,
    p2pPort: c.p2p.port,
    bootstrap: c.p2p.bootstrapPeers,
    name: c.name,
    ...(c.metrics.enabled ? { metricsHost: c.metrics.host, metricsPort: c.metrics.port } : {}),
  });
}

/** The same as command-line arguments of validator-main.ts (for spawning a node process). */
export function toBftNodeArgs(c: NodeConfig): string[] {
  const b = toBftNodeConfig(c);
  return [
    "--data-dir",
    b.dataDir,
    "--genesis",
    b.genesis,
    ...(b.validatorKey ? ["--validator-key", b.validatorKey] : []),
    "--rpc-host",
    b.rpcHost,
    "--rpc-port",
    String(b.rpcPort),
    "--p2p-host",
    b.p2pHost,
    "--p2p-port",
    String(b.p2pPort),
    ...(b.bootstrap.length ? ["--bootstrap", b.bootstrap.join(",")] : []),
    ...(b.name ? ["--name", b.name] : []),
    ...(b.metricsPort !== undefined
      ? ["--metrics-host", b.metricsHost, "--metrics-port", String(b.metricsPort)]
      : []),
  ];
}
