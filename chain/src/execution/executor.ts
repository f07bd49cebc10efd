// Block execution. One state checkpoint per block over one long-lived cached state manager;
// plain value transfers to code-less accounts take a native path (the same nonce, balance,
// fee-cap and intrinsic-gas checks and the same state effects and receipt as the EVM would
// produce); everything else runs through EthereumJS `runTx` against the same cached state.
// The trie is written once per block (flush of the caches), the transactions and receipts
// roots are computed in one pass each (trie-root.ts).
//
// Why not `vm.buildBlock`/`runBlock`: buildBlock re-derives roots with a trie insert per tx and
// grows quadratically with the txs of a block; runTx per transfer costs ~4 ms on the stock
// setup (async journal, access-list bookkeeping, a trie flush per tx). See bench/execution.bench.ts.
import { createBlock } from "@ethereumjs/block";
import type { Block as EjsBlock } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { createEVM } from "@ethereumjs/evm";
import type { CustomPrecompile, EVMInterface, EVMMockBlockchainInterface } from "@ethereumjs/evm";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { Caches } from "@ethereumjs/statemanager";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import type { TypedTransaction } from "@ethereumjs/tx";
import {
  Account,
  Address,
  KECCAK256_NULL,
  ValueEncoding,
  createAccountFromRLP,
  equalsBytes,
} from "@ethereumjs/util";
import type { DB } from "@ethereumjs/util";
import { createVM, runTx } from "@ethereumjs/vm";
import type { VM } from "@ethereumjs/vm";
import { EMPTY_BLOOM, encodeReceiptForRoot, logsBloom } from "./block.js";
import type { Log, Receipt } from "./block.js";
import { BatchedStateManager } from "./state-manager.js";
import { orderedTrieRoot } from "./trie-root.js";
import { TrieBatch, TrieNodeCache } from "./trie-batch.js";
import { keccak256 } from "../crypto/secp256k1.js";
import type { TxFields } from "./light-tx.js";

/** A decoded, signature-checked transaction ready for execution (tx.ts prepareTx). */
export interface PreparedTx {
  /**
   * Frozen EthereumJS tx with its hash and sender cached, for the EVM and RPC: built on first
   * use for a transaction light-tx.ts decoded. The mempool and the transfer path read `fields`.
   */
  readonly tx: TypedTransaction;
  readonly fields: TxFields;
  readonly raw: Uint8Array;
  readonly hash: Uint8Array;
  readonly sender: Address;
}

/** The environment of the block being executed (everything but the roots and gas used). */
export interface BlockEnv {
  parentHash: Uint8Array;
  number: bigint;
  timestamp: bigint;
  coinbase: Uint8Array;
  gasLimit: bigint;
  baseFeePerGas: bigint;
  mixHash: Uint8Array;
  extraData: Uint8Array;
}

export interface ExecutedBlock {
  env: BlockEnv;
  txs: PreparedTx[];
  receipts: Receipt[];
  gasUsed: bigint;
  /** Bloom of every log of the block: the transactions' and the block-end logs. */
  logsBloom: Uint8Array;
  /**
   * Logs of the block-end step (protocol epochs, emission, slashing): not part of any
   * transaction's receipt nor of the receipts root; committed by the header's logsBloom and
   * served by eth_getLogs after the transactions' logs (see node/format.ts blockEndTxHash).
   */
  blockEndLogs: Log[];
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  parentStateRoot: Uint8Array;
  /** Build mode only: transactions left out and why (nonce gap, balance, gas...). */
  rejected: { tx: PreparedTx; reason: string }[];
  /** Milliseconds spent in each phase (benchmark notes, metrics). */
  timings: { txs: number; flush: number; roots: number };
}

/** A transaction that cannot be included in a block (not a revert: a revert is included). */
export class InvalidTxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidTxError";
  }
}

/** A block received for verification does not execute to a valid result. */
export class InvalidBlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidBlockError";
  }
}

export interface ExecutionHooks {
  /** Extra precompiles (the protocol's staking / subnet / neuron contracts). */
  precompiles?: CustomPrecompile[];
  /**
   * Runs after the last transaction of every block, inside the block's checkpoint (epochs,
   * emission). The logs it returns are the block's block-end logs (ExecutedBlock.blockEndLogs).
   */
  endBlock?(ctx: { state: MerkleStateManager; env: BlockEnv }): Promise<readonly Log[] | void>;
  /** Called with every EVM the node creates (block execution, eth_call, estimateGas). */
  onEvmCreated?(evm: EVMInterface): void;
}

export interface ExecutorOptions {
  common: Common;
  /** The node's trie node database (ChainStore.trie) or any MPT DB. */
  db: DB<string, string | Uint8Array>;
  stateRoot: Uint8Array;
  /** BLOCKHASH source: canonical hash of a past block. */
  blockHash(n: bigint): Promise<Uint8Array | undefined>;
  hooks?: ExecutionHooks;
  /** Native transfer path (default on). Off runs every tx through runTx: tests compare the two. */
  fastTransfers?: boolean;
}

const ZERO_ADDRESS_PREFIX = new Uint8Array(18);

/**
 * A block's transactions run in slices of about this many milliseconds, with a turn of the
 * event loop in between: the node executes on the thread that also serves JSON-RPC, and a
 * large block must not stall admission (clients would wait instead of sending the next
 * transactions, and the next block would be smaller and costlier per transaction).
 */
const EXECUTION_SLICE_MS = 4;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Precompiles live at 0x01.. and our protocol ones at 0x0801..: any address below 2^16. */
function isReservedAddress(a: Uint8Array): boolean {
  return equalsBytes(a.subarray(0, 18), ZERO_ADDRESS_PREFIX);
}

function makeBlockchain(
  blockHash: (n: bigint) => Promise<Uint8Array | undefined>,
): EVMMockBlockchainInterface {
  const chain: EVMMockBlockchainInterface = {
    async getBlock(n: number) {
      const h = (await blockHash(BigInt(n))) ?? new Uint8Array(32);
      return { hash: () => h };
    },
    async putBlock() {},
    shallowCopy: () => chain,
  };
  return chain;
}

/**
 * A state manager over the node's trie DB. `nodeCacheSize` keeps trie nodes in memory (the
 * executor's: the upper levels of the account trie are read by every lookup of an account
 * that is not in the account cache, e.g. every fresh transfer recipient): encoded in the MPT's
 * LRU, decoded for the batched walks (TrieNodeCache).
 */
export function openStateManager(
  common: Common,
  db: DB<string, string | Uint8Array>,
  root: Uint8Array,
  cached = true,
  nodeCacheSize = 0,
): MerkleStateManager {
  const trie = new MerklePatriciaTrie({
    db,
    root,
    useKeyHashing: true,
    valueEncoding: ValueEncoding.Bytes,
    common,
    cacheSize: nodeCacheSize,
  });
  const state = new BatchedStateManager({ common, trie, caches: cached ? new Caches() : undefined });
  if (nodeCacheSize > 0) state.nodeCache = new TrieNodeCache(nodeCacheSize);
  return state;
}

/** The EthereumJS block object runTx needs for the environment (coinbase, base fee, ...). */
export function envToEjsBlock(common: Common, env: BlockEnv): EjsBlock {
  return createBlock(
    {
      header: {
        parentHash: env.parentHash,
        number: env.number,
        timestamp: env.timestamp,
        coinbase: env.coinbase,
        gasLimit: env.gasLimit,
        baseFeePerGas: env.baseFeePerGas,
        mixHash: env.mixHash,
        difficulty: 0n,
      },
    },
    { common, skipConsensusFormatValidation: true },
  );
}

/** Price paid per gas and the part of it that goes to the proposer. */
function effectivePrices(f: TxFields, baseFee: bigint): { price: bigint; tip: bigint; maxPrice: bigint } {
  // EIP-1559 fee market (the only such type the chain admits is 2).
  if (f.type === 2) {
    const room = f.feeCap - baseFee;
    const tip = f.tip < room ? f.tip : room;
    return { price: baseFee + tip, tip, maxPrice: f.feeCap };
  }
  return { price: f.feeCap, tip: f.feeCap - baseFee, maxPrice: f.feeCap };
}

export class Executor {
  readonly common: Common;
  readonly state: MerkleStateManager;
  readonly vm: VM;
  private root: Uint8Array;
  private readonly hooks: ExecutionHooks;
  private readonly fastTransfers: boolean;
  private busy = false;
  /**
   * Accounts read and written by the transfer fast path within the current block. A sender
   * sending 1,000 transfers is decoded once and written to the state cache once, not 1,000
   * times; flushed to the state manager before any EVM transaction and at block end.
   */
  private readonly overlay = new Map<
    string,
    { address: Address; account: Account | undefined; dirty: boolean }
  >();

  private constructor(
    common: Common,
    state: MerkleStateManager,
    vm: VM,
    root: Uint8Array,
    hooks: ExecutionHooks,
    fastTransfers: boolean,
  ) {
    this.fastTransfers = fastTransfers;
    this.common = common;
    this.state = state;
    this.vm = vm;
    this.root = root;
    this.hooks = hooks;
  }

  static async create(o: ExecutorOptions): Promise<Executor> {
    const state = openStateManager(o.common, o.db, o.stateRoot, true, 200_000);
    const blockchain = makeBlockchain(o.blockHash);
    const evm = await createEVM({
      common: o.common,
      stateManager: state,
      blockchain,
      customPrecompiles: o.hooks?.precompiles,
    });
    o.hooks?.onEvmCreated?.(evm);
    const vm = await createVM({ common: o.common, stateManager: state, blockchain, evm });
    return new Executor(o.common, state, vm, o.stateRoot, o.hooks ?? {}, o.fastTransfers ?? true);
  }

  /** State root of the last committed block. */
  get stateRoot(): Uint8Array {
    return this.root;
  }

  /**
   * Execute transactions on top of the committed state. "build": invalid transactions are
   * skipped (and reported); "verify": any invalid transaction fails the whole block.
   * The result is pending until `committed()` or `discard()` is called.
   */
  async executeBlock(env: BlockEnv, txs: PreparedTx[], mode: "build" | "verify"): Promise<ExecutedBlock> {
    if (this.busy) throw new Error("executeBlock: a previous block is neither committed nor discarded");
    this.busy = true;
    const parentStateRoot = this.root;
    const state = this.state;
    await state.checkpoint();
    const included: PreparedTx[] = [];
    const receipts: Receipt[] = [];
    const rejected: { tx: PreparedTx; reason: string }[] = [];
    const bloom = new Uint8Array(256);
    const blockEndLogs: Log[] = [];
    const coinbase = new Address(env.coinbase);
    let gasUsed = 0n;
    let ejsBlock: EjsBlock | undefined;
    let stateRoot: Uint8Array;
    const t0 = performance.now();
    let t1 = t0;
    let slice = t0;
    try {
      if (this.fastTransfers) await this.prefetch(txs, coinbase);
      for (const p of txs) {
        if (performance.now() - slice > EXECUTION_SLICE_MS) {
          await yieldToEventLoop();
          slice = performance.now();
        }
        let receipt: Receipt;
        try {
          if (p.fields.gasLimit > env.gasLimit - gasUsed) throw new InvalidTxError("exceeds block gas limit");
          const fast = this.fastTransfers ? await this.tryFastTransfer(p, env, coinbase, gasUsed) : undefined;
          if (fast) {
            receipt = fast;
          } else {
            await this.flushOverlay();
            ejsBlock ??= envToEjsBlock(this.common, env);
            receipt = await this.runEvmTx(p, ejsBlock, gasUsed);
          }
        } catch (e) {
          const reason =
            e instanceof InvalidTxError ? e.message : `invalid transaction: ${(e as Error).message}`;
          if (mode === "verify")
            throw new InvalidBlockError(
              `tx ${included.length} (${Buffer.from(p.hash).toString("hex")}): ${reason}`,
            );
          rejected.push({ tx: p, reason });
          continue;
        }
        gasUsed = receipt.cumulativeGasUsed;
        if (receipt.logs.length > 0) logsBloom(receipt.logs, bloom);
        receipts.push(receipt);
        included.push(p);
      }
      await this.flushOverlay();
      if (this.hooks.endBlock) blockEndLogs.push(...((await this.hooks.endBlock({ state, env })) ?? []));
      if (blockEndLogs.length > 0) logsBloom(blockEndLogs, bloom);
      if (performance.now() - slice > EXECUTION_SLICE_MS) await yieldToEventLoop();
      t1 = performance.now();
      await state.commit(); // checkpoint count back to 0: flushes the caches into the trie once
      stateRoot = await state.getStateRoot();
    } catch (e) {
      await this.resetTo(parentStateRoot);
      this.busy = false;
      throw e;
    }
    // The flush is one slice of its own; the roots another.
    await yieldToEventLoop();
    const t2 = performance.now();
    const receiptsRoot = orderedTrieRoot(
      receipts.map((r) => encodeReceiptForRoot(r, r.logs.length ? logsBloom(r.logs) : EMPTY_BLOOM)),
    );
    const transactionsRoot = orderedTrieRoot(included.map((p) => p.raw));
    this.root = stateRoot;
    const timings = { txs: t1 - t0, flush: t2 - t1, roots: performance.now() - t2 };
    return {
      env,
      txs: included,
      receipts,
      gasUsed,
      logsBloom: bloom,
      blockEndLogs,
      stateRoot,
      transactionsRoot,
      receiptsRoot,
      parentStateRoot,
      rejected,
      timings,
    };
  }

  /** The executed block was persisted: its state is the new base. */
  committed(block: ExecutedBlock): void {
    if (!equalsBytes(block.stateRoot, this.root))
      throw new Error("committed(): block is not the last executed one");
    this.busy = false;
  }

  /** Forget an executed block that will not be committed (BFT round failed, persist failed). */
  async discard(block: ExecutedBlock): Promise<void> {
    await this.resetTo(block.parentStateRoot);
    this.busy = false;
  }

  private async resetTo(root: Uint8Array): Promise<void> {
    // Unwind any open checkpoints, then drop the caches: they may hold the discarded writes.
    while ((this.state as unknown as { _checkpointCount: number })._checkpointCount > 0)
      await this.state.revert();
    this.overlay.clear();
    this.state.clearCaches();
    await this.state.setStateRoot(root, true);
    this.root = root;
  }

  /**
   * Load the senders, recipients and proposer of a block into the overlay with one batched
   * trie walk (trie-batch.ts getMany) instead of one walk per account: most of them are not in
   * the state cache (fresh recipients), and their paths share the upper levels of the trie.
   */
  private async prefetch(txs: PreparedTx[], coinbase: Address): Promise<void> {
    const seen = new Set<string>();
    const addresses: Address[] = [];
    const add = (a: Address | undefined) => {
      if (!a) return;
      const key = Buffer.from(a.bytes.buffer, a.bytes.byteOffset, 20).toString("latin1");
      if (seen.has(key) || this.overlay.has(key)) return;
      seen.add(key);
      addresses.push(a);
    };
    add(coinbase);
    for (const p of txs) {
      add(p.sender);
      add(p.fields.to);
    }
    if (addresses.length < 16) return;
    const trie = (this.state as unknown as { _trie: MerklePatriciaTrie })._trie;
    const db = trie.database();
    const values = await new TrieBatch(
      {
        get: async (h) => (await db.get(h)) ?? undefined,
        put: () => {},
      },
      (this.state as BatchedStateManager).nodeCache,
    ).getMany(
      trie.root(),
      addresses.map((a) => keccak256(a.bytes)),
    );
    for (let i = 0; i < addresses.length; i++) {
      const a = addresses[i]!;
      const v = values[i];
      const key = Buffer.from(a.bytes.buffer, a.bytes.byteOffset, 20).toString("latin1");
      this.overlay.set(key, { address: a, account: v ? createAccountFromRLP(v) : undefined, dirty: false });
    }
  }

  private async ovGet(address: Address): Promise<Account | undefined> {
    const key = Buffer.from(address.bytes.buffer, address.bytes.byteOffset, 20).toString("latin1");
    let e = this.overlay.get(key);
    if (!e) {
      e = { address, account: await this.state.getAccount(address), dirty: false };
      this.overlay.set(key, e);
    }
    return e.account;
  }

  private ovPut(address: Address, account: Account | undefined): void {
    const key = Buffer.from(address.bytes.buffer, address.bytes.byteOffset, 20).toString("latin1");
    const e = this.overlay.get(key);
    if (e) {
      e.account = account;
      e.dirty = true;
    } else this.overlay.set(key, { address, account, dirty: true });
  }

  private async flushOverlay(): Promise<void> {
    if (this.overlay.size === 0) return;
    for (const e of this.overlay.values()) {
      if (!e.dirty) continue;
      if (e.account) await this.state.putAccount(e.address, e.account);
      else await this.state.deleteAccount(e.address);
    }
    this.overlay.clear();
  }

  /**
   * Native path for a value transfer to an account without code. Returns undefined when the
   * transaction needs the EVM. Checks and effects mirror runTx (Cancun): sender without code
   * (EIP-3607), nonce, fee cap ≥ base fee, intrinsic gas ≤ gas limit, balance ≥ gasLimit ×
   * maxFee + value; then gas used = intrinsic, sender pays gas × effective price + value,
   * proposer gets gas × tip, touched empty accounts are removed (EIP-158).
   */
  private async tryFastTransfer(
    p: PreparedTx,
    env: BlockEnv,
    coinbase: Address,
    gasBefore: bigint,
  ): Promise<Receipt | undefined> {
    const tx = p.fields;
    const to = tx.to;
    if (to === undefined || isReservedAddress(to.bytes)) return undefined;
    if (tx.type > 2 || tx.accessListLength > 0) return undefined;
    const toAccount = await this.ovGet(to);
    if (toAccount !== undefined && !equalsBytes(toAccount.codeHash, KECCAK256_NULL)) return undefined;

    // Checks in runTx's order, so both paths give the same reason for a tx with several faults.
    const gas = tx.intrinsicGas;
    if (gas > tx.gasLimit) throw new InvalidTxError("intrinsic gas too low");
    const { price, tip, maxPrice } = effectivePrices(tx, env.baseFeePerGas);
    if (maxPrice < env.baseFeePerGas) throw new InvalidTxError("max fee per gas less than block base fee");
    const sender = (await this.ovGet(p.sender)) ?? new Account();
    if (!equalsBytes(sender.codeHash, KECCAK256_NULL)) throw new InvalidTxError("sender not an eoa");
    if (sender.balance < tx.gasLimit * maxPrice + tx.value)
      throw new InvalidTxError("insufficient funds for gas * price + value");
    if (sender.nonce !== tx.nonce)
      throw new InvalidTxError(tx.nonce < sender.nonce ? "nonce too low" : "nonce too high");

    // Sender first, then recipient, then proposer: the same order of effects as runTx, which
    // matters when they are the same account.
    sender.balance -= gas * price + tx.value;
    sender.nonce += 1n;
    this.ovPut(p.sender, sender);
    const recipient = (await this.ovGet(to)) ?? new Account();
    recipient.balance += tx.value;
    this.ovPut(to, recipient.isEmpty() ? undefined : recipient);
    const cb = (await this.ovGet(coinbase)) ?? new Account();
    cb.balance += gas * tip;
    this.ovPut(coinbase, cb.isEmpty() ? undefined : cb);
    return {
      type: tx.type,
      status: 1,
      cumulativeGasUsed: gasBefore + gas,
      gasUsed: gas,
      effectiveGasPrice: price,
      logs: [],
    };
  }

  private async runEvmTx(p: PreparedTx, block: EjsBlock, gasBefore: bigint): Promise<Receipt> {
    const tx = p.tx;
    if (tx.type === 3 || tx.type === 4) throw new InvalidTxError("transaction type not supported");
    let r;
    try {
      r = await runTx(this.vm, { tx, block, blockGasUsed: gasBefore, skipHardForkValidation: true });
    } catch (e) {
      throw new InvalidTxError(mapRunTxError((e as Error).message));
    }
    const logs: Log[] = (r.execResult.logs ?? []).map(([address, topics, data]) => ({
      address,
      topics,
      data,
    }));
    const { price } = effectivePrices(p.fields, block.header.baseFeePerGas ?? 0n);
    const receipt: Receipt = {
      type: tx.type,
      status: r.execResult.exceptionError ? 0 : 1,
      cumulativeGasUsed: gasBefore + r.totalGasSpent,
      gasUsed: r.totalGasSpent,
      effectiveGasPrice: price,
      logs,
    };
    if (r.createdAddress) receipt.contractAddress = r.createdAddress.bytes;
    return receipt;
  }
}

/** runTx's validation messages → the Ethereum client messages wallets know. */
export function mapRunTxError(message: string): string {
  const nonce = /account has nonce of: (\d+) tx has nonce of: (\d+)/.exec(message);
  if (nonce) return BigInt(nonce[2]!) > BigInt(nonce[1]!) ? "nonce too high" : "nonce too low";
  if (/enough funds/i.test(message)) return "insufficient funds for gas * price + value";
  if (/INTRINSIC_GAS_TOO_LOW|lower than the minimum gas limit/i.test(message)) return "intrinsic gas too low";
  if (/less than the block's baseFeePerGas/i.test(message)) return "max fee per gas less than block base fee";
  if (/higher gas limit than the block/i.test(message)) return "exceeds block gas limit";
  if (/EIP-3607/i.test(message)) return "sender not an eoa";
  return message.split("\n")[0]!.slice(0, 200);
}
