// Process entry of a node in a multi-validator network: the node core (chain, mempool, RPC)
// without the single-validator producer, the libp2p network, and the BFT driver on top.
//
//   node --import tsx chain/src/node/bft/validator-main.ts --data-dir D --genesis G \
//     [--validator-key K] --rpc-port P --p2p-port Q [--bootstrap /ip4/.../p2p/<id>,...] \
//     [--block-time MS] [--timeout-propose MS] [--max-block-txs N]
//
// Prints "RPC listening on <url>" and "P2P listening on <multiaddr>"; SIGINT/SIGTERM stop it.
import "../../util/polyfills.js";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { readValidatorKeys } from "../../genesis/keys.js";
import { parseGenesis } from "../../genesis/schema.js";
import type { Genesis } from "../../genesis/schema.js";
import { createProtocolExecutionHooks } from "../../execution/precompiles/hooks.js";
import { NodeMetrics, startMetricsServer } from "../../metrics/node-metrics.js";
import type { MetricsServer } from "../../metrics/node-metrics.js";
import { reportNodeMetrics } from "../../metrics/node-reporter.js";
import type { NodeReporter } from "../../metrics/node-reporter.js";
import { createNetwork } from "../../network/p2p.js";
import type { Network } from "../../network/p2p.js";
import { TensorchainNode } from "../node.js";
import { BftConfigError, parseBftNodeArgs } from "./config.js";
import type { BftNodeConfig } from "./config.js";
import { BftDriver } from "./driver.js";
import { bftRpcMethods } from "./rpc.js";

function readGenesis(file: string): Genesis {
  try {
    return parseGenesis(JSON.parse(readFileSync(file, "utf8")));
  } catch (e) {
    throw new BftConfigError(`genesis ${file}: ${(e as Error).message}`);
  }
}

export interface RunningBftNode {
  node: TensorchainNode;
  network: Network;
  driver: BftDriver;
  /** `http://host:port/metrics` when started with a metrics port. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

export async function startBftNode(cfg: BftNodeConfig): Promise<RunningBftNode> {
  const genesis = readGenesis(cfg.genesis);
  const keys = cfg.validatorKey ? readValidatorKeys(cfg.validatorKey) : undefined;
  const log = { info: (m: string) => console.log(m), error: (m: string) => console.error(m) };
  const metrics =
    cfg.metricsPort === undefined
      ? undefined
      : new NodeMetrics({
          labels: { node: cfg.name ?? `rpc-${cfg.rpcPort}`, chain_id: String(genesis.chainId) },
        });
  let reporter: NodeReporter | undefined;
  const node = await TensorchainNode.start({
    dataDir: path.join(cfg.dataDir, "db"),
    genesis,
    validator: keys,
    produceBlocks: false,
    rpc: { host: cfg.rpcHost, port: cfg.rpcPort },
    logger: log,
    hooks: createProtocolExecutionHooks(genesis.protocol, {
      chainId: BigInt(genesis.chainId),
      onBlockEnd: (block, _result, events) => reporter?.onBlockEnd(block, events),
    }),
  });
  let driver: BftDriver | undefined;
  let network: Network | undefined;
  let metricsServer: MetricsServer | undefined;
  try {
    // The hooks are called only after the driver exists (the network starts serving first).
    network = await createNetwork(
      {
        chainId: genesis.chainId,
        dataDir: path.join(cfg.dataDir, "p2p"),
        host: cfg.p2pHost,
        port: cfg.p2pPort,
        bootstrapPeers: cfg.bootstrap,
        // Validators dial each other directly; a bootstrap-mode node (if listed) adds the rest.
        discoveryIntervalMs: 15_000,
        redialBaseMs: 250,
        redialMaxMs: 2000,
        inboundConnectionThreshold: 100,
      },
      {
        serveBlocks: (from, count) => (driver ? driver.serveBlocks(from, count) : []),
        getStatus: () => driver?.status() ?? { height: 0, headHash: `0x${"0".repeat(64)}` },
      },
    );
    const p = cfg.timeoutProposeMs;
    driver = await BftDriver.create({
      chain: node.chain,
      mempool: node.mempool,
      network,
      genesis,
      dataDir: path.join(cfg.dataDir, "bft"),
      validator: keys,
      blockTimeMs: cfg.blockTimeMs,
      timeouts: {
        proposeBase: p,
        proposeDelta: p / 2,
        prevoteBase: p / 2,
        prevoteDelta: p / 2,
        precommitBase: p / 2,
        precommitDelta: p / 2,
      },
      maxBlockTxs: cfg.maxBlockTxs,
      testDoubleSign: cfg.testDoubleSign,
      log,
      onFinalized: (info) => reporter?.onFinalized(info),
    });
    node.backend.registerMethods(bftRpcMethods(driver, { chain: node.chain, genesis }));
    if (metrics) {
      const d = driver;
      const net = network;
      reporter = reportNodeMetrics(metrics, {
        chain: node.chain,
        mempool: node.mempool,
        blockTimeMs: cfg.blockTimeMs ?? genesis.targetBlockTimeMs,
        round: () => d.round,
        network: net,
      });
      metricsServer = await startMetricsServer(metrics, { host: cfg.metricsHost, port: cfg.metricsPort! });
    }
    driver.start();
  } catch (e) {
    reporter?.stop();
    await metricsServer?.close();
    await network?.stop();
    await node.stop();
    throw e;
  }
  const d = driver;
  const n = network;
  let stopping: Promise<void> | undefined;
  return {
    node,
    network: n,
    driver: d,
    metricsUrl: metricsServer?.url,
    stop: () =>
      (stopping ??= (async () => {
        reporter?.stop();
        await metricsServer?.close();
        await d.stop();
        await n.stop();
        await node.stop();
      })()),
  };
}

async function main(): Promise<void> {
  let cfg: BftNodeConfig;
  try {
    cfg = parseBftNodeArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof BftConfigError || e instanceof z.ZodError) {
      console.error(`error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const running = await startBftNode(cfg);
  console.log(`RPC listening on ${running.node.rpcUrl}`);
  for (const a of running.network.multiaddrs()) console.log(`P2P listening on ${a}`);
  if (running.metricsUrl) console.log(`Metrics on ${running.metricsUrl}`);
  console.log(
    `validator set of height ${running.driver.height}: ${running.driver.validators.validators.length}`,
  );
  const shutdown = (sig: string): void => {
    console.log(`${sig}: stopping`);
    running.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(`error while stopping: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  main().catch((e: unknown) => {
    console.error(`error: ${(e as Error).message}`);
    process.exit(1);
  });
}
