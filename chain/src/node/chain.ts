// The canonical chain of one node: the store, the executor, read views of the state, and the
// three steps a consensus engine drives:
//   proposeBlock()        build a candidate from the mempool (executed, not persisted)
//   applyBlock(block)     re-execute a block proposed by someone else (verify mode)
//   commitBlock(executed) persist it atomically and make it the head
// The single-validator producer (producer.ts) calls propose + commit; the BFT engine of
// chain/src/consensus/ calls propose on its turn, applyBlock for others' proposals, and
// commitBlock once a block has its commit certificate. Execution is deterministic: the same
// parent state and block give the same state root on every validator.
import type { Common } from "@ethereumjs/common";
import { MerkleStateManager } from "@ethereumjs/statemanager";
import { bytesToHex, concatBytes, equalsBytes } from "@ethereumjs/util";
import { keccak256 } from "../crypto/secp256k1.js";
import { hashHeader, nextBaseFee } from "../execution/block.js";
import type { Block, BlockHeader, Log, Receipt } from "../execution/block.js";
import { Executor, InvalidBlockError, openStateManager } from "../execution/executor.js";
import type { BlockEnv, ExecutedBlock, ExecutionHooks, PreparedTx } from "../execution/executor.js";
import { buildGenesisBlock, genesisId } from "../execution/genesis-state.js";
import { makeTxCommon } from "../execution/common.js";
import { prepareTxs } from "../execution/tx.js";
import { RecoverPool } from "../crypto/recover-pool.js";
import type { Genesis } from "../genesis/schema.js";
import type { Mempool } from "../mempool/mempool.js";
import { ChainStore, StoreError } from "../storage/chain-store.js";
import { OverlayDB } from "../storage/trie-store.js";

export interface CommittedBlock {
  block: Block;
  receipts: Receipt[];
  /** Logs of the block-end step (ExecutedBlock.blockEndLogs). */
  blockEndLogs: Log[];
}

/**
 * Transactions this node has already decoded and whose senders it recovered (its mempool), by
 * transaction hash: applyBlock reuses them instead of recovering every signature again.
 */
export type KnownTxLookup = (hash: Uint8Array) => PreparedTx | undefined;

/** A block built by proposeBlock or checked by applyBlock, ready for commitBlock. */
export interface ExecutedCandidate {
  block: Block;
  executed: ExecutedBlock;
}

export class Chain {
  private headView: MerkleStateManager;
  private readonly views = new Map<string, MerkleStateManager>();
  private readonly listeners = new Set<(c: CommittedBlock) => void>();
  /** Serialises execute→commit pairs: one candidate at a time. */
  private lock: Promise<void> = Promise.resolve();

  /** Shared, read-only Common for decoding transactions (see makeTxCommon). */
  readonly txCommon: Common;
  /** Parallel sender recovery for blocks proposed by others. */
  readonly recoverPool = new RecoverPool();

  private constructor(
    readonly common: Common,
    readonly genesis: Genesis,
    readonly store: ChainStore,
    readonly executor: Executor,
  ) {
    this.headView = this.openView(this.head.header.stateRoot);
    this.txCommon = makeTxCommon(common.chainId());
  }

  /** Open the data dir; on an empty one, write the genesis block. */
  static async open(opts: {
    dataDir: string;
    genesis: Genesis;
    common: Common;
    hooks?: ExecutionHooks;
  }): Promise<Chain> {
    const store = await ChainStore.open(opts.dataDir);
    const id = genesisId(opts.genesis);
    let head = store.getHead();
    if (!head) {
      const g = await buildGenesisBlock(opts.genesis, opts.common, store.trie);
      await store.commitBlock(g, [], id);
      head = g;
    } else {
      const stored = await store.getGenesisId();
      if (!stored || !equalsBytes(stored, id)) {
        await store.close();
        throw new StoreError(
          `data dir ${opts.dataDir} belongs to another genesis (stored ${stored ? bytesToHex(stored) : "none"}, given ${bytesToHex(id)})`,
        );
      }
    }
    const executor = await Executor.create({
      common: opts.common,
      db: store.trie,
      stateRoot: head.header.stateRoot,
      blockHash: async (n) => store.getBlockHash(n),
      hooks: opts.hooks,
    });
    return new Chain(opts.common, opts.genesis, store, executor);
  }

  get head(): Block {
    return this.store.getHead()!;
  }

  /** Read-only state at a root. Writes made by EVM calls on it stay private to the view. */
  openView(root: Uint8Array): MerkleStateManager {
    return openStateManager(this.common, new OverlayDB(this.store.trie), root);
  }

  /** Cached read view at a block's state root (the head's is kept warm). */
  viewAt(header: BlockHeader): MerkleStateManager {
    if (equalsBytes(header.stateRoot, this.head.header.stateRoot)) return this.headView;
    const key = bytesToHex(header.stateRoot);
    let v = this.views.get(key);
    if (!v) {
      v = this.openView(header.stateRoot);
      this.views.set(key, v);
      if (this.views.size > 16) this.views.delete(this.views.keys().next().value!);
    }
    return v;
  }

  onCommit(cb: (c: CommittedBlock) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Environment of the next block proposed by `coinbase` at wall-clock `nowMs`. */
  nextEnv(coinbase: Uint8Array, nowMs: number): BlockEnv {
    const parent = this.head;
    const ts = BigInt(Math.floor(nowMs / 1000));
    return {
      parentHash: parent.hash,
      number: parent.header.number + 1n,
      // Non-decreasing: several blocks may share a second when the block time is below 1 s.
      timestamp: ts > parent.header.timestamp ? ts : parent.header.timestamp,
      coinbase,
      gasLimit: parent.header.gasLimit,
      baseFeePerGas: nextBaseFee(parent.header),
      // prevRandao: deterministic chain of hashes. Not a randomness source (documented).
      mixHash: keccak256(concatBytes(parent.header.mixHash, parent.hash)),
      extraData: new Uint8Array(0),
    };
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.lock;
    let release!: () => void;
    this.lock = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private toBlock(ex: ExecutedBlock): Block {
    const header: BlockHeader = {
      parentHash: ex.env.parentHash,
      coinbase: ex.env.coinbase,
      stateRoot: ex.stateRoot,
      transactionsRoot: ex.transactionsRoot,
      receiptsRoot: ex.receiptsRoot,
      logsBloom: ex.logsBloom,
      number: ex.env.number,
      gasLimit: ex.env.gasLimit,
      gasUsed: ex.gasUsed,
      timestamp: ex.env.timestamp,
      extraData: ex.env.extraData,
      mixHash: ex.env.mixHash,
      baseFeePerGas: ex.env.baseFeePerGas,
    };
    return {
      header,
      hash: hashHeader(header),
      txs: ex.txs.map((p) => p.raw),
      senders: ex.txs.map((p) => p.sender.bytes),
      txHashes: ex.txs.map((p) => p.hash),
    };
  }

  /**
   * Build a candidate block on the head from the mempool's executable transactions. The
   * executor holds its result until commitBlock or discardBlock.
   */
  async proposeBlock(mempool: Mempool, coinbase: Uint8Array, nowMs = Date.now()): Promise<ExecutedCandidate> {
    const env = this.nextEnv(coinbase, nowMs);
    return this.executeCandidate(env, mempool.select(env.gasLimit), "build");
  }

  /** Execute given transactions as the next block (build: skip invalid ones; verify: fail on them). */
  async executeCandidate(
    env: BlockEnv,
    txs: PreparedTx[],
    mode: "build" | "verify",
  ): Promise<ExecutedCandidate> {
    const executed = await this.executor.executeBlock(env, txs, mode);
    return { block: this.toBlock(executed), executed };
  }

  /**
   * Re-execute a block proposed by another validator; throws InvalidBlockError if it does not
   * check out. `known`: already-verified transactions to reuse (matched by hash, then by bytes).
   */
  async applyBlock(block: Block, known?: KnownTxLookup): Promise<ExecutedCandidate> {
    const parent = this.head;
    const h = block.header;
    if (!equalsBytes(h.parentHash, parent.hash) || h.number !== parent.header.number + 1n) {
      throw new InvalidBlockError(`block ${h.number} does not extend the head ${parent.header.number}`);
    }
    if (h.timestamp < parent.header.timestamp)
      throw new InvalidBlockError("block timestamp before its parent's");
    if (h.gasLimit !== parent.header.gasLimit)
      throw new InvalidBlockError("block gas limit differs from its parent's");
    if (h.baseFeePerGas !== nextBaseFee(parent.header)) throw new InvalidBlockError("wrong base fee");
    let txs: PreparedTx[];
    try {
      txs = await this.prepareBlockTxs(block, known);
    } catch (e) {
      throw new InvalidBlockError(`block ${h.number}: ${(e as Error).message}`);
    }
    const env: BlockEnv = {
      parentHash: h.parentHash,
      number: h.number,
      timestamp: h.timestamp,
      coinbase: h.coinbase,
      gasLimit: h.gasLimit,
      baseFeePerGas: h.baseFeePerGas,
      mixHash: h.mixHash,
      extraData: h.extraData,
    };
    let executed: ExecutedBlock;
    try {
      executed = await this.executor.executeBlock(env, txs, "verify");
    } catch (e) {
      // Trie nodes the failed execution wrote must not reach the next commit.
      this.store.trie.discardPending();
      throw e;
    }
    const mine = this.toBlock(executed);
    if (!equalsBytes(mine.hash, block.hash)) {
      await this.discardBlock({ block: mine, executed });
      const what = !equalsBytes(mine.header.stateRoot, h.stateRoot)
        ? "state root"
        : !equalsBytes(mine.header.receiptsRoot, h.receiptsRoot)
          ? "receipts root"
          : !equalsBytes(mine.header.transactionsRoot, h.transactionsRoot)
            ? "transactions root"
            : "header";
      throw new InvalidBlockError(`block ${h.number}: ${what} mismatch after execution`);
    }
    return { block: mine, executed };
  }

  /** Decode a block's transactions and recover their senders, except those `known` already holds. */
  private async prepareBlockTxs(block: Block, known?: KnownTxLookup): Promise<PreparedTx[]> {
    const raws = block.txs;
    if (!known) return prepareTxs(raws, this.txCommon, this.recoverPool);
    const out = new Array<PreparedTx>(raws.length);
    const missing: number[] = [];
    for (let i = 0; i < raws.length; i++) {
      const hash = block.txHashes[i];
      const p = hash && known(hash);
      // The bytes decide: a block whose txHashes do not match its txs only loses the shortcut.
      if (p && equalsBytes(p.raw, raws[i]!)) out[i] = p;
      else missing.push(i);
    }
    if (missing.length > 0) {
      const prepared = await prepareTxs(
        missing.map((i) => raws[i]!),
        this.txCommon,
        this.recoverPool,
      );
      missing.forEach((i, k) => (out[i] = prepared[k]!));
    }
    return out;
  }

  /** Persist an executed candidate atomically and make it the head. */
  async commitBlock(c: ExecutedCandidate): Promise<void> {
    await this.exclusive(async () => {
      try {
        await this.store.commitBlock(c.block, c.executed.receipts, undefined, c.executed.blockEndLogs);
      } catch (e) {
        await this.executor.discard(c.executed);
        this.store.trie.discardPending();
        throw e;
      }
      this.executor.committed(c.executed);
      this.headView = this.openView(c.block.header.stateRoot);
    });
    const committed = {
      block: c.block,
      receipts: c.executed.receipts,
      blockEndLogs: c.executed.blockEndLogs,
    };
    for (const cb of this.listeners) cb(committed);
  }

  /** Drop a candidate that will not be committed. */
  async discardBlock(c: ExecutedCandidate): Promise<void> {
    await this.executor.discard(c.executed);
    this.store.trie.discardPending();
  }

  async close(): Promise<void> {
    await this.recoverPool.close();
    await this.store.close();
  }
}
