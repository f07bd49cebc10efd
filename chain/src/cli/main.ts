// `tensorchain` command line: genesis, start, keys. Argument errors print the usage of the
// command and exit with status 2; runtime errors print one line and exit with status 1.
import "../util/polyfills.js";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { deriveAccounts } from "../crypto/dev-accounts.js";
import { secp256k1Backend } from "../crypto/secp256k1.js";
import { buildLocalGenesis } from "../genesis/dev.js";
import { generateValidatorKeys, readValidatorKeys, writeValidatorKeys } from "../genesis/keys.js";
import type { ValidatorKeys } from "../genesis/keys.js";
import { GenesisError, genesisToJson, parseGenesis } from "../genesis/schema.js";
import type { Genesis } from "../genesis/schema.js";
import { TensorchainNode } from "../node/node.js";
import { runDeployCommand } from "../deploy/command.js";
import { loadNodeConfig, prepareDataDir, toBftNodeConfig } from "../deploy/node-config.js";
import { createProtocolExecutionHooks } from "../execution/precompiles/hooks.js";
import { NodeMetrics, startMetricsServer } from "../metrics/node-metrics.js";
import type { MetricsServer } from "../metrics/node-metrics.js";
import { reportNodeMetrics } from "../metrics/node-reporter.js";
import type { NodeReporter } from "../metrics/node-reporter.js";
import { bftNodeConfigSchema } from "../node/bft/config.js";
import type { BftNodeConfig } from "../node/bft/config.js";
import { startBftNode } from "../node/bft/validator-main.js";
import { startBootstrapNode } from "./bootstrap.js";
import type { BootstrapNodeOptions } from "./bootstrap.js";
import { runStatusCommand } from "./status.js";
import { cmdTestnet } from "./testnet.js";

export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

const USAGE = {
  main: `usage: tensorchain <command> [options]

commands:
  genesis   write a genesis.json and validator key files for a local network
  start     run a node
  testnet   run a local BFT network: N validators, each its own process, on loopback
  keys      generate or show a validator key file
  status    print a node's health summary (exit 1 when down)
  deploy    generate a network deployment: genesis, keys, node configs, docker-compose, Kubernetes

run "tensorchain <command> --help" for the options of a command`,
  genesis: `usage: tensorchain genesis --out DIR [--validators N] [--dev] [--chain-id ID] [--network NAME] [--block-time MS]

  --out DIR         directory for genesis.json and validator-<i>.json (created; key files mode 0600)
  --validators N    number of validators (default 1)
  --dev             fund the 10 well-known dev accounts, devnet protocol parameters
  --chain-id ID     chain id (default 5522766, "TEN")
  --network NAME    network name
  --block-time MS   target block time in milliseconds (default 1000)`,
  start: `usage: tensorchain start --config FILE
       tensorchain start --data-dir DIR --rpc-port PORT [--dev [--block-time MS]] [--genesis FILE] [--validator-key FILE]
       tensorchain start --data-dir DIR --rpc-port PORT --p2p-port PORT [--bootstrap-peers ADDRS] [--genesis FILE] [--validator-key FILE]
       tensorchain start --bootstrap --data-dir DIR --p2p-port PORT [--genesis FILE | --chain-id ID] [--peer-ttl SEC] [--rpc-port PORT]
  (each form also takes [--metrics-port PORT] [--metrics-host HOST])

  --config FILE          a node config written by \`tensorchain deploy\` (nodes/<name>/config.json or local.json):
                         role, data dir, genesis, keys, RPC / p2p / metrics addresses, bootstrap peers
  --data-dir DIR         node database and (with --dev) generated genesis and key
  --rpc-port PORT        JSON-RPC port, HTTP and WebSocket (0 = any free port); bootstrap: JSON /stats and /peers
  --rpc-host HOST        interface to listen on (default 127.0.0.1)
  --genesis FILE         genesis.json (default: DIR/genesis.json)
  --validator-key FILE   this node's validator key file (default: DIR/validator.json if present)
  --dev                  on an empty data dir, create a single-validator dev genesis and key;
                         print the 10 funded dev accounts and their private keys
  --block-time MS        target block time of a genesis created by --dev (default 1000)
  --p2p-port PORT        join a multi-validator network over libp2p on this port (BFT consensus)
  --p2p-host HOST        p2p interface (default 127.0.0.1; 0.0.0.0 for all)
  --bootstrap-peers L    comma-separated multiaddrs /ip4/HOST/tcp/PORT/p2p/PEER_ID to dial
  --bootstrap            run a bootstrap node: only helps others find peers (persistent peer registry)
  --peer-ttl SEC         bootstrap: forget peers not seen for this long (default 86400)
  --chain-id ID          bootstrap: the chain id, when no genesis is at hand
  --metrics-port PORT    serve Prometheus metrics on http://HOST:PORT/metrics (0 = any free port)
  --metrics-host HOST    metrics interface (default 127.0.0.1)`,
  keys: `usage: tensorchain keys generate --out FILE
       tensorchain keys show FILE`,
};

type Flags = Record<string, string | true>;

function parseFlags(
  args: string[],
  spec: Record<string, "value" | "bool">,
  usage: string,
): { flags: Flags; positional: string[] } {
  const flags: Flags = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--help" || a === "-h") throw new UsageError("", usage);
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown option --${name}`, usage);
    if (kind === "bool") {
      flags[name] = true;
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`, usage);
    flags[name] = value;
  }
  return { flags, positional };
}

function intFlag(flags: Flags, name: string, usage: string, min: number, max: number): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !/^\d+$/.test(v) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`, usage);
  return n;
}

function strFlag(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === "string" ? v : undefined;
}

async function cmdGenesis(args: string[]): Promise<void> {
  const u = USAGE.genesis;
  const { flags } = parseFlags(
    args,
    {
      out: "value",
      validators: "value",
      dev: "bool",
      "chain-id": "value",
      network: "value",
      "block-time": "value",
    },
    u,
  );
  const out = strFlag(flags, "out");
  if (!out) throw new UsageError("--out is required", u);
  const n = intFlag(flags, "validators", u, 1, 100) ?? 1;
  mkdirSync(out, { recursive: true });
  const keys: ValidatorKeys[] = [];
  for (let i = 0; i < n; i++) {
    const k = generateValidatorKeys();
    writeValidatorKeys(path.join(out, `validator-${i}.json`), k);
    keys.push(k);
  }
  const genesis = await buildLocalGenesis({
    validators: keys,
    dev: flags.dev === true,
    chainId: intFlag(flags, "chain-id", u, 1, 2 ** 32 - 1),
    networkName: strFlag(flags, "network"),
    targetBlockTimeMs: intFlag(flags, "block-time", u, 50, 60_000),
  });
  writeFileSync(path.join(out, "genesis.json"), JSON.stringify(genesisToJson(genesis), null, 2) + "\n");
  console.log(
    `wrote ${path.join(out, "genesis.json")} (chain id ${genesis.chainId}, ${n} validator${n > 1 ? "s" : ""})`,
  );
  keys.forEach((k, i) => console.log(`  validator-${i}.json  hotkey ${k.hotkey.address}`));
}

function readGenesisFile(file: string): Genesis {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new GenesisError(`cannot read genesis ${file}: ${(e as Error).message}`);
  }
  return parseGenesis(raw);
}

/** Waits for SIGINT/SIGTERM, then stops the node (exit status 1 when stopping fails). */
function untilSignal(stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const shutdown = (sig: string) => {
      console.log(`${sig}: stopping`);
      stop().then(resolve, (e: unknown) => {
        console.error(`error while stopping: ${(e as Error).message}`);
        process.exitCode = 1;
        resolve();
      });
    };
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
  });
}

/** `a,b` and repeated flags alike: parseFlags keeps the last value, so lists are comma-separated. */
function listFlag(flags: Flags, name: string): string[] {
  return (strFlag(flags, name) ?? "").split(",").filter((x) => x.length > 0);
}

async function runBootstrap(o: BootstrapNodeOptions): Promise<void> {
  const b = await startBootstrapNode(o);
  console.log(`bootstrap node ${b.network.peerId} (chain id ${o.chainId})`);
  for (const a of b.network.multiaddrs()) console.log(`P2P listening on ${a}`);
  if (b.statsUrl) console.log(`Stats on ${b.statsUrl}/stats and ${b.statsUrl}/peers`);
  if (b.metricsUrl) console.log(`Metrics on ${b.metricsUrl}`);
  await untilSignal(() => b.stop());
  // libp2p can leave timers behind after stopping: exit rather than wait for them.
  process.exit(process.exitCode ?? 0);
}

async function runNetworkNode(cfg: BftNodeConfig): Promise<void> {
  const running = await startBftNode(cfg);
  console.log(`RPC listening on ${running.node.rpcUrl} (HTTP and WebSocket)`);
  for (const a of running.network.multiaddrs()) console.log(`P2P listening on ${a}`);
  if (running.metricsUrl) console.log(`Metrics on ${running.metricsUrl}`);
  console.log(
    `validator set of height ${running.driver.height}: ${running.driver.validators.validators.length}`,
  );
  await untilSignal(() => running.stop());
  process.exit(process.exitCode ?? 0);
}

async function startFromConfig(file: string): Promise<void> {
  const c = loadNodeConfig(file);
  prepareDataDir(c);
  if (c.role !== "bootstrap") return runNetworkNode(toBftNodeConfig(c));
  return runBootstrap({
    name: c.name,
    chainId: readGenesisFile(c.genesis).chainId,
    dataDir: c.dataDir,
    host: c.p2p.host,
    port: c.p2p.port,
    announce: c.p2p.announce,
    bootstrapPeers: c.p2p.bootstrapPeers,
    peerTtlMs: c.p2p.peerTtlMs,
    metrics: c.metrics.enabled ? { host: c.metrics.host, port: c.metrics.port } : undefined,
    http: c.rpc.enabled ? { host: c.rpc.host, port: c.rpc.port } : undefined,
  });
}

async function cmdStart(args: string[]): Promise<void> {
  const u = USAGE.start;
  const { flags } = parseFlags(
    args,
    {
      config: "value",
      "data-dir": "value",
      "rpc-port": "value",
      "rpc-host": "value",
      genesis: "value",
      "validator-key": "value",
      dev: "bool",
      "block-time": "value",
      "p2p-port": "value",
      "p2p-host": "value",
      "bootstrap-peers": "value",
      bootstrap: "bool",
      "peer-ttl": "value",
      "chain-id": "value",
      "metrics-port": "value",
      "metrics-host": "value",
    },
    u,
  );
  const config = strFlag(flags, "config");
  if (config !== undefined) {
    const others = Object.keys(flags).filter((f) => f !== "config");
    if (others.length > 0)
      throw new UsageError(`--config replaces the other options (got --${others[0]})`, u);
    return startFromConfig(config);
  }
  const dataDir = strFlag(flags, "data-dir");
  if (!dataDir) throw new UsageError("--data-dir is required", u);
  const rpcPort = intFlag(flags, "rpc-port", u, 0, 65535);
  const rpcHost = strFlag(flags, "rpc-host") ?? "127.0.0.1";
  const p2pPort = intFlag(flags, "p2p-port", u, 0, 65535);
  const p2pHost = strFlag(flags, "p2p-host") ?? "127.0.0.1";
  const metricsPort = intFlag(flags, "metrics-port", u, 0, 65535);
  const metricsHost = strFlag(flags, "metrics-host") ?? "127.0.0.1";
  const bootstrapPeers = listFlag(flags, "bootstrap-peers");
  const dev = flags.dev === true;
  mkdirSync(dataDir, { recursive: true });

  const defaultGenesis = path.join(dataDir, "genesis.json");
  const defaultKey = path.join(dataDir, "validator.json");
  let genesisFile = strFlag(flags, "genesis") ?? defaultGenesis;
  let keyFile = strFlag(flags, "validator-key") ?? (existsSync(defaultKey) ? defaultKey : undefined);

  if (flags.bootstrap === true) {
    if (p2pPort === undefined) throw new UsageError("--bootstrap needs --p2p-port", u);
    const chainIdFlag = intFlag(flags, "chain-id", u, 1, 2 ** 32 - 1);
    if (chainIdFlag === undefined && !existsSync(genesisFile))
      throw new UsageError(`--bootstrap needs --chain-id or a genesis (${genesisFile})`, u);
    const ttlSec = intFlag(flags, "peer-ttl", u, 1, 365 * 24 * 3600);
    return runBootstrap({
      chainId: chainIdFlag ?? readGenesisFile(genesisFile).chainId,
      dataDir,
      host: p2pHost,
      port: p2pPort,
      bootstrapPeers,
      peerTtlMs: ttlSec === undefined ? undefined : ttlSec * 1000,
      metrics: metricsPort === undefined ? undefined : { host: metricsHost, port: metricsPort },
      http: rpcPort === undefined ? undefined : { host: rpcHost, port: rpcPort },
    });
  }
  if (rpcPort === undefined) throw new UsageError("--rpc-port is required", u);

  if (p2pPort !== undefined || bootstrapPeers.length > 0) {
    if (p2pPort === undefined) throw new UsageError("--bootstrap-peers needs --p2p-port", u);
    if (!existsSync(genesisFile))
      throw new UsageError(`no genesis at ${genesisFile}: pass --genesis FILE`, u);
    return runNetworkNode(
      bftNodeConfigSchema.parse({
        dataDir,
        genesis: genesisFile,
        validatorKey: keyFile,
        rpcHost,
        rpcPort,
        p2pHost,
        p2pPort,
        bootstrap: bootstrapPeers,
        metricsHost,
        metricsPort,
      }),
    );
  }

  if (!existsSync(genesisFile)) {
    if (!dev || flags.genesis)
      throw new UsageError(
        `no genesis at ${genesisFile}: pass --genesis FILE, or --dev to create a dev network`,
        u,
      );
    const keys = generateValidatorKeys();
    writeValidatorKeys(defaultKey, keys);
    const g = await buildLocalGenesis({
      validators: [keys],
      dev: true,
      targetBlockTimeMs: intFlag(flags, "block-time", u, 50, 60_000),
    });
    writeFileSync(defaultGenesis, JSON.stringify(genesisToJson(g), null, 2) + "\n");
    genesisFile = defaultGenesis;
    keyFile = defaultKey;
  }
  const genesis = readGenesisFile(genesisFile);
  const validator = keyFile ? readValidatorKeys(keyFile) : undefined;
  const isValidator =
    validator !== undefined && genesis.validators.some((v) => v.hotkey === validator.hotkey.address);
  const alone = genesis.validators.length === 1;
  if (validator && !isValidator)
    console.error(`warning: ${keyFile} is not a validator of this genesis; following only`);
  if (isValidator && !alone)
    console.error(
      "warning: a multi-validator genesis needs the p2p network: pass --p2p-port and --bootstrap-peers; following only",
    );

  const metrics =
    metricsPort === undefined
      ? undefined
      : new NodeMetrics({ labels: { node: "dev", chain_id: String(genesis.chainId) } });
  let reporter: NodeReporter | undefined;
  const node = await TensorchainNode.start({
    dataDir: path.join(dataDir, "db"),
    genesis,
    validator: isValidator ? validator : undefined,
    produceBlocks: isValidator && alone,
    rpc: { host: rpcHost, port: rpcPort },
    hooks: createProtocolExecutionHooks(genesis.protocol, {
      onBlockEnd: (block, _result, events) => reporter?.onBlockEnd(block, events),
    }),
  });
  let metricsServer: MetricsServer | undefined;
  if (metrics) {
    reporter = reportNodeMetrics(metrics, {
      chain: node.chain,
      mempool: node.mempool,
      blockTimeMs: genesis.targetBlockTimeMs,
    });
    try {
      metricsServer = await startMetricsServer(metrics, { host: metricsHost, port: metricsPort! });
    } catch (e) {
      reporter.stop();
      await node.stop();
      throw e;
    }
  }

  if (dev) {
    console.log("\nAccounts (10,000 TEN each; these keys are public: never use them on a real network)");
    console.log("==================");
    deriveAccounts(10).forEach((a, i) => {
      console.log(`Account #${i}: ${a.address} (10000 TEN)`);
      console.log(`Private Key: ${a.privateKey}\n`);
    });
  }
  console.log(
    `chain id ${genesis.chainId} (${genesis.networkName}) · head #${node.chain.head.header.number} · secp256k1 ${secp256k1Backend}`,
  );
  console.log(`RPC listening on ${node.rpcUrl} (HTTP and WebSocket)`);
  if (metricsServer) console.log(`Metrics on ${metricsServer.url}`);

  await untilSignal(async () => {
    reporter?.stop();
    await metricsServer?.close();
    await node.stop();
  });
}

async function cmdKeys(args: string[]): Promise<void> {
  const u = USAGE.keys;
  const { flags, positional } = parseFlags(args, { out: "value" }, u);
  const sub = positional[0];
  if (sub === "generate") {
    const out = strFlag(flags, "out");
    if (!out) throw new UsageError("--out is required", u);
    if (existsSync(out)) throw new UsageError(`${out} exists; refusing to overwrite a key file`, u);
    const k = generateValidatorKeys();
    writeValidatorKeys(out, k);
    console.log(`wrote ${out}\nhotkey ${k.hotkey.address}\nconsensus public key ${k.consensus.publicKey}`);
    return;
  }
  if (sub === "show") {
    const file = positional[1];
    if (!file) throw new UsageError("keys show needs a FILE", u);
    const k = readValidatorKeys(file);
    console.log(`hotkey ${k.hotkey.address}\nconsensus public key ${k.consensus.publicKey}`);
    return;
  }
  throw new UsageError(sub ? `unknown keys command "${sub}"` : "keys needs a command", u);
}

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case "genesis":
        return await cmdGenesis(rest);
      case "start":
        return await cmdStart(rest);
      case "keys":
        return await cmdKeys(rest);
      case "testnet":
        return await cmdTestnet(rest);
      case "status":
        process.exitCode = await runStatusCommand(rest);
        return;
      case "deploy":
        process.exitCode = await runDeployCommand(rest);
        return;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        console.log(USAGE.main);
        return;
      default:
        throw new UsageError(`unknown command "${cmd}"`, USAGE.main);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) console.error(`error: ${e.message}\n`);
      console.error(e.usage);
      process.exit(e.message ? 2 : 0);
    }
    console.error(`error: ${(e as Error).message}`);
    process.exit(1);
  }
}
