// Wiring only: build the node's modules in order (store → execution → mempool → producer →
// rpc) under one AbortController, and stop them in reverse order.
import { Address, hexToBytes } from "@ethereumjs/util";
import { nextBaseFee } from "../execution/block.js";
import { makeCommon } from "../execution/common.js";
import type { ExecutionHooks } from "../execution/executor.js";
import { genesisToJson, type Genesis } from "../genesis/schema.js";
import type { ValidatorKeys } from "../genesis/keys.js";
import { Mempool } from "../mempool/mempool.js";
import { startRpcServer } from "../rpc/server.js";
import type { RpcLogger } from "../rpc/server.js";
import type { Hex } from "../rpc/backend.js";
import { NodeBackend } from "./backend.js";
import { Chain } from "./chain.js";
import { BlockProducer } from "./producer.js";
import { createProtocolExecutionHooks } from "../execution/precompiles/hooks.js";
import { readOnlyProtocolStore } from "../protocol/state/hook.js";
import { createProtocolRpcMethods } from "../protocol/state/rpc.js";

export interface NodeLogger {
  info(msg: string): void;
  error(msg: string): void;
}

export interface NodeOptions {
  dataDir: string;
  genesis: Genesis;
  /** Keys of the local validator. Without them the node only follows (no block production here). */
  validator?: ValidatorKeys;
  rpc?: { host: string; port: number };
  /** Produce blocks alone (single-validator devnet). False when a BFT engine drives the chain. */
  produceBlocks?: boolean;
  /** Execution hooks; default: the subnet protocol (precompiles 0x…0801–0804 and block-end epochs). */
  hooks?: ExecutionHooks;
  mempool?: { maxPerSender?: number; maxTotal?: number };
  logger?: NodeLogger;
}

const consoleLogger: NodeLogger = {
  info: (m) => console.log(m),
  error: (m) => console.error(m),
};

export class TensorchainNode {
  readonly abort = new AbortController();
  rpcUrl: string | undefined;
  rpcPort: number | undefined;
  private closeRpc: (() => Promise<void>) | undefined;
  private producer: BlockProducer | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly chain: Chain,
    readonly mempool: Mempool,
    readonly backend: NodeBackend,
    private readonly logger: NodeLogger,
  ) {}

  static async start(o: NodeOptions): Promise<TensorchainNode> {
    const logger = o.logger ?? consoleLogger;
    const common = makeCommon(o.genesis.chainId);
    const hooks =
      o.hooks ?? createProtocolExecutionHooks(o.genesis.protocol, { chainId: BigInt(o.genesis.chainId) });
    const chain = await Chain.open({ dataDir: o.dataDir, genesis: o.genesis, common, hooks });
    const mempool = new Mempool({
      blockGasLimit: o.genesis.blockGasLimit,
      baseFee: () => nextBaseFee(chain.head.header),
      getAccount: async (address: Hex) => {
        const a = await chain.viewAt(chain.head.header).getAccount(new Address(hexToBytes(address)));
        return { nonce: a?.nonce ?? 0n, balance: a?.balance ?? 0n };
      },
      ...o.mempool,
    });
    const backend = new NodeBackend({
      chain,
      mempool,
      hooks,
    });
    backend.registerMethods(
      createProtocolRpcMethods({
        openStore: async (ref) => {
          const { block, state } = await backend.stateAt(ref);
          return readOnlyProtocolStore(
            state,
            o.genesis.protocol,
            block.header.number,
            block.header.timestamp,
          );
        },
      }),
    );
    // The genesis as served to indexers (prefunded accounts, genesis validators, protocol params).
    backend.registerMethods({ tensorchain_getGenesis: async () => genesisToJson(o.genesis) });
    const node = new TensorchainNode(chain, mempool, backend, logger);
    try {
      if (o.produceBlocks !== false && o.validator) {
        node.producer = new BlockProducer({
          chain,
          mempool,
          coinbase: hexToBytes(o.validator.hotkey.address),
          blockTimeMs: o.genesis.targetBlockTimeMs,
          signal: node.abort.signal,
          log: (m) => logger.error(m),
        });
        node.producer.start();
      }
      if (o.rpc) {
        const rpcLogger: RpcLogger = {
          debug() {},
          info() {},
          warn: (m) => logger.error(m),
          error: (m) => logger.error(m),
        };
        const server = await startRpcServer({
          backend,
          host: o.rpc.host,
          port: o.rpc.port,
          logger: rpcLogger,
        });
        node.rpcUrl = server.url;
        node.rpcPort = server.port;
        node.closeRpc = () => server.close();
      }
    } catch (e) {
      await node.stop();
      throw e;
    }
    return node;
  }

  /** Stop in reverse order: rpc, producer (finishing a block in progress), store. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      try {
        await this.closeRpc?.();
      } catch (e) {
        this.logger.error(`rpc close: ${(e as Error).message}`);
      }
      await this.producer?.stop();
      await this.chain.close();
    })();
    return this.stopping;
  }
}
