// `tensorchain testnet --validators N --data-dir DIR --base-port P [--block-time MS]`: a local
// multi-validator network on loopback. Writes a genesis and N validator keys, gives each node a
// persistent p2p identity, and starts every validator as its own process (node i: RPC on P+i,
// p2p on P+1000+i, Prometheus metrics on P+2000+i, everyone bootstrapping from everyone).
// Prints the endpoints; Ctrl-C stops all.
// Re-running on the same DIR restarts the same network (genesis, keys and chains are kept).
//
// `prepareTestnet` / `spawnValidator` are exported for the real-process tests and benchmarks.
import "../util/polyfills.js";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { z } from "zod";
import { buildLocalGenesis } from "../genesis/dev.js";
import { generateValidatorKeys, writeValidatorKeys } from "../genesis/keys.js";
import type { ValidatorKeys } from "../genesis/keys.js";
import { genesisToJson, parseGenesis } from "../genesis/schema.js";
import { loadOrCreateNodeKey } from "../network/identity.js";
import type { ProtocolParams } from "../protocol/params.js";

export class TestnetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TestnetError";
  }
}

const VALIDATOR_MAIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../node/bft/validator-main.ts",
);

export interface TestnetNodePlan {
  index: number;
  dataDir: string;
  keyFile: string;
  rpcPort: number;
  p2pPort: number;
  peerId: string;
  multiaddr: string;
  /** Arguments of validator-main.ts for this node. */
  args: string[];
}

export interface TestnetPlan {
  genesisFile: string;
  chainId: number;
  nodes: TestnetNodePlan[];
}

export interface TestnetOptions {
  validators: number;
  dataDir: string;
  rpcPorts: number[];
  p2pPorts: number[];
  /** Prometheus metrics port of each node (none when absent). */
  metricsPorts?: number[];
  /** Fund the dev accounts (default true). */
  dev?: boolean;
  blockTimeMs?: number;
  /** Base propose timeout passed to every node. */
  timeoutProposeMs?: number;
  /** Protocol parameters of a new genesis (default: devnet ones). */
  protocol?: ProtocolParams;
}

/** Write (or reuse) genesis, keys and p2p identities; return how to start each node. */
export async function prepareTestnet(o: TestnetOptions): Promise<TestnetPlan> {
  const n = o.validators;
  if (o.rpcPorts.length !== n || o.p2pPorts.length !== n)
    throw new TestnetError("need one RPC and one p2p port per validator");
  mkdirSync(o.dataDir, { recursive: true });
  const genesisFile = path.join(o.dataDir, "genesis.json");
  const keyFile = (i: number): string => path.join(o.dataDir, `node-${i}`, "validator.json");
  if (!existsSync(genesisFile)) {
    const keys: ValidatorKeys[] = [];
    for (let i = 0; i < n; i++) {
      mkdirSync(path.join(o.dataDir, `node-${i}`), { recursive: true });
      const k = generateValidatorKeys();
      writeValidatorKeys(keyFile(i), k);
      keys.push(k);
    }
    const g = await buildLocalGenesis({
      validators: keys,
      dev: o.dev ?? true,
      targetBlockTimeMs: o.blockTimeMs,
      networkName: "testnet",
      protocol: o.protocol,
    });
    writeFileSync(genesisFile, JSON.stringify(genesisToJson(g), null, 2) + "\n");
  }
  const genesis = parseGenesis(JSON.parse(readFileSync(genesisFile, "utf8")));
  if (genesis.validators.length !== n)
    throw new TestnetError(`${o.dataDir} holds a ${genesis.validators.length}-validator network, not ${n}`);
  const nodes: TestnetNodePlan[] = [];
  for (let i = 0; i < n; i++) {
    const dataDir = path.join(o.dataDir, `node-${i}`);
    const peerId = peerIdFromPrivateKey(await loadOrCreateNodeKey(path.join(dataDir, "p2p"))).toString();
    nodes.push({
      index: i,
      dataDir,
      keyFile: keyFile(i),
      rpcPort: o.rpcPorts[i]!,
      p2pPort: o.p2pPorts[i]!,
      peerId,
      multiaddr: `/ip4/127.0.0.1/tcp/${o.p2pPorts[i]}/p2p/${peerId}`,
      args: [],
    });
  }
  for (const node of nodes) {
    node.args = [
      "--data-dir",
      node.dataDir,
      "--genesis",
      genesisFile,
      "--validator-key",
      node.keyFile,
      "--rpc-port",
      String(node.rpcPort),
      "--p2p-port",
      String(node.p2pPort),
      ...(o.timeoutProposeMs ? ["--timeout-propose", String(o.timeoutProposeMs)] : []),
      ...(o.metricsPorts
        ? ["--metrics-port", String(o.metricsPorts[node.index]), "--name", `node-${node.index}`]
        : []),
      ...nodes.filter((x) => x !== node).flatMap((x) => ["--bootstrap", x.multiaddr]),
    ];
  }
  return { genesisFile, chainId: genesis.chainId, nodes };
}

/** Start one node process (validator-main.ts under tsx); stdout/stderr are piped. */
export function spawnValidator(args: string[], extra: string[] = []): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", VALIDATOR_MAIN, ...args, ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

const testnetArgsSchema = z
  .object({
    validators: z.coerce.number().int().min(1).max(64),
    dataDir: z.string().min(1),
    // Metrics use P+2000+i: keep the highest one below 65536.
    basePort: z.coerce.number().int().min(1024).max(63_000),
    blockTimeMs: z.coerce.number().int().min(50).max(60_000).optional(),
  })
  .strict();

export const TESTNET_USAGE = `usage: tensorchain testnet --validators N --data-dir DIR --base-port P [--block-time MS]

  --validators N   number of validators, each its own process (1-64)
  --data-dir DIR   genesis, keys and one data dir per node (reused when it exists)
  --base-port P    node i serves JSON-RPC on P+i, p2p on P+1000+i, metrics on P+2000+i (loopback)
  --block-time MS  target block time of a new genesis (default 1000)`;

export async function cmdTestnet(argv: string[]): Promise<void> {
  const names: Record<string, string> = {
    "--validators": "validators",
    "--data-dir": "dataDir",
    "--base-port": "basePort",
    "--block-time": "blockTimeMs",
  };
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]!];
    if (!key || argv[i + 1] === undefined)
      throw new TestnetError(`bad option ${argv[i]}\n\n${TESTNET_USAGE}`);
    raw[key] = argv[i + 1]!;
  }
  const parsed = testnetArgsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TestnetError(`${issue.path.join(".") || "options"}: ${issue.message}\n\n${TESTNET_USAGE}`);
  }
  const a = parsed.data;
  const idx = [...Array(a.validators).keys()];
  const plan = await prepareTestnet({
    validators: a.validators,
    dataDir: a.dataDir,
    rpcPorts: idx.map((i) => a.basePort + i),
    p2pPorts: idx.map((i) => a.basePort + 1000 + i),
    metricsPorts: idx.map((i) => a.basePort + 2000 + i),
    blockTimeMs: a.blockTimeMs,
  });
  console.log(`testnet: chain id ${plan.chainId}, ${a.validators} validators, genesis ${plan.genesisFile}`);
  const children = plan.nodes.map((node) => {
    const child = spawnValidator(node.args);
    const prefix = `[node-${node.index}] `;
    const relay = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream): void => {
      let buf = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        buf += chunk;
        const lines = buf.split("\n");
        buf = lines.pop()!;
        for (const l of lines) out.write(prefix + l + "\n");
      });
    };
    relay(child.stdout!, process.stdout);
    relay(child.stderr!, process.stderr);
    child.on("exit", (code, sig) => console.log(`${prefix}exited (${sig ?? code})`));
    console.log(
      `node-${node.index}: RPC http://127.0.0.1:${node.rpcPort}  metrics http://127.0.0.1:${a.basePort + 2000 + node.index}/metrics  p2p ${node.multiaddr}`,
    );
    return child;
  });
  await new Promise<void>((resolve) => {
    const stopAll = (): void => {
      console.log("stopping all nodes");
      let left = children.filter((c) => c.exitCode === null && c.signalCode === null).length;
      if (left === 0) resolve();
      for (const c of children) {
        if (c.exitCode !== null || c.signalCode !== null) continue;
        c.once("exit", () => {
          if (--left === 0) resolve();
        });
        c.kill("SIGTERM");
      }
    };
    process.once("SIGINT", stopAll);
    process.once("SIGTERM", stopAll);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cmdTestnet(process.argv.slice(2)).catch((e: unknown) => {
    console.error(`error: ${(e as Error).message}`);
    process.exit(e instanceof TestnetError ? 2 : 1);
  });
}
