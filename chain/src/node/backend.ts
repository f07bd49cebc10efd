// The node's implementation of RpcBackend (chain/src/rpc/backend.ts): reads from the store
// and state views, eth_call/estimateGas on throwaway state views, admission into the mempool.
import { createEVM } from "@ethereumjs/evm";
import type { EVMMockBlockchainInterface } from "@ethereumjs/evm";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { getMerkleStateProof } from "@ethereumjs/statemanager";
import {
  Account,
  Address,
  bigIntToHex,
  bytesToBigInt,
  bytesToHex,
  hexToBytes,
  setLengthLeft,
} from "@ethereumjs/util";
import { decodeAbiParameters } from "viem";
import { keccak256 as keccak } from "../crypto/secp256k1.js";
import { nextBaseFee } from "../execution/block.js";
import type { Block } from "../execution/block.js";
import { envToEjsBlock } from "../execution/executor.js";
import type { BlockEnv, ExecutionHooks } from "../execution/executor.js";
import { TxDecodeError, prepareTxAsync } from "../execution/tx.js";
import { MempoolError } from "../mempool/mempool.js";
import type { Mempool } from "../mempool/mempool.js";
import {
  ExecutionRevertedError,
  InvalidParamsError,
  LimitExceededError,
  ResourceNotFoundError,
  RpcBackendError,
  TxRejectedError,
} from "../rpc/backend.js";
import type {
  Address as HexAddress,
  BlockRef,
  CallRequest,
  Hex,
  LogFilter,
  RpcBackend,
  RpcBlock,
  RpcFeeHistory,
  RpcLog,
  RpcProof,
  RpcReceipt,
  RpcTransaction,
  StateOverride,
} from "../rpc/backend.js";
import type { Chain } from "./chain.js";
import {
  decodeTx,
  firstLogIndexes,
  formatBlock,
  formatHeader,
  formatLog,
  formatReceipt,
  formatTx,
} from "./format.js";

export const CLIENT_VERSION = `tensorchain/v0.1.0/${process.platform}-${process.arch}/node${process.versions.node}`;

/** geth's RPCGasCap default: eth_call and estimateGas never run with more gas than this. */
const RPC_GAS_CAP = 50_000_000n;
/** Suggested priority fee: 1 gwei, as Hardhat and geth's devnets suggest. */
const SUGGESTED_TIP = 1_000_000_000n;
const MAX_LOG_BLOCK_RANGE = 10_000n;
const MAX_LOGS = 10_000;
const MAX_FEE_HISTORY = 1024n;

export interface BackendOptions {
  chain: Chain;
  mempool: Mempool;
  /** The execution hooks of the chain (protocol precompiles), so calls see the same EVM as blocks. */
  hooks?: ExecutionHooks;
}

function revertReason(data: Uint8Array): string | undefined {
  // Error(string) = 0x08c379a0, Panic(uint256) = 0x4e487b71
  if (data.length >= 4 && data[0] === 0x08 && data[1] === 0xc3 && data[2] === 0x79 && data[3] === 0xa0) {
    try {
      return decodeAbiParameters([{ type: "string" }], bytesToHex(data.subarray(4)))[0];
    } catch {
      return undefined;
    }
  }
  if (data.length === 36 && data[0] === 0x4e && data[1] === 0x48 && data[2] === 0x7b && data[3] === 0x71) {
    return `panic: 0x${bytesToBigInt(data.subarray(4)).toString(16)}`;
  }
  return undefined;
}

export class NodeBackend implements RpcBackend {
  readonly chainId: bigint;
  readonly clientVersion = CLIENT_VERSION;
  private readonly extra: Record<string, (params: unknown[]) => Promise<unknown>> = {};
  private readonly blockchain: EVMMockBlockchainInterface;

  constructor(private readonly o: BackendOptions) {
    this.chainId = o.chain.common.chainId();
    const store = o.chain.store;
    const chain: EVMMockBlockchainInterface = {
      async getBlock(n: number) {
        const hash = (await store.getBlockHash(BigInt(n))) ?? new Uint8Array(32);
        return { hash: () => hash };
      },
      async putBlock() {},
      shallowCopy: () => chain,
    };
    this.blockchain = chain;
  }

  private get chain(): Chain {
    return this.o.chain;
  }

  /** Other modules of the node (protocol, consensus) add their `tensorchain_*` methods here. */
  registerMethods(methods: Record<string, (params: unknown[]) => Promise<unknown>>): void {
    Object.assign(this.extra, methods);
  }

  extraMethods(): Record<string, (params: unknown[]) => Promise<unknown>> {
    return this.extra;
  }

  blockNumber(): bigint {
    return this.chain.head.header.number;
  }

  syncing(): false {
    return false;
  }

  peerCount(): number {
    return 0;
  }

  accounts(): HexAddress[] {
    return [];
  }

  // ---------------------------------------------------------------- blocks

  /** Resolve a block reference; null when it does not exist (yet). */
  private async resolve(ref: BlockRef): Promise<Block | null> {
    const store = this.chain.store;
    if (typeof ref === "bigint") return (await store.getBlockByNumber(ref)) ?? null;
    if (typeof ref === "string") {
      // One-block finality: latest = safe = finalized. "pending" is the head too (no pending block is built ahead).
      if (ref === "earliest") return (await store.getBlockByNumber(0n)) ?? null;
      return this.chain.head;
    }
    const b = await store.getBlockByHash(hexToBytes(ref.blockHash));
    return b ?? null;
  }

  /** Like resolve, but state methods must fail loudly on an unknown block. */
  private async resolveForState(ref: BlockRef): Promise<Block> {
    const b = await this.resolve(ref);
    if (!b) {
      if (typeof ref === "object") throw new ResourceNotFoundError(`header for hash not found`);
      throw new ResourceNotFoundError("header not found");
    }
    return b;
  }

  async getBlock(ref: BlockRef, fullTransactions: boolean): Promise<RpcBlock | null> {
    const b = await this.resolve(ref);
    return b ? formatBlock(b, fullTransactions, this.chain.txCommon) : null;
  }

  async getBlockTransactionCount(ref: BlockRef): Promise<bigint | null> {
    const b = await this.resolve(ref);
    return b ? BigInt(b.txs.length) : null;
  }

  async getBlockReceipts(ref: BlockRef): Promise<RpcReceipt[] | null> {
    const b = await this.resolve(ref);
    if (!b) return null;
    const receipts = (await this.chain.store.getReceipts(b.hash)) ?? [];
    const first = firstLogIndexes(receipts);
    return receipts.map((_, i) =>
      formatReceipt(b, receipts, i, decodeTx(b.txs[i]!, this.chain.txCommon).to?.bytes, first[i]!),
    );
  }

  async getTransactionByHash(hash: Hex): Promise<RpcTransaction | null> {
    const loc = await this.chain.store.getTxLocation(hexToBytes(hash));
    if (loc) {
      const b = await this.chain.store.getBlockByNumber(loc.blockNumber);
      if (b)
        return formatTx(decodeTx(b.txs[loc.index]!, this.chain.txCommon), b.senders[loc.index]!, {
          block: b,
          index: loc.index,
        });
    }
    const pooled = this.o.mempool.get(hash.toLowerCase() as Hex);
    return pooled ? formatTx(pooled.p.tx, pooled.p.sender.bytes) : null;
  }

  async getTransactionByBlockAndIndex(ref: BlockRef, index: bigint): Promise<RpcTransaction | null> {
    const b = await this.resolve(ref);
    if (!b || index < 0n || index >= BigInt(b.txs.length)) return null;
    const i = Number(index);
    return formatTx(decodeTx(b.txs[i]!, this.chain.txCommon), b.senders[i]!, { block: b, index: i });
  }

  async getTransactionReceipt(hash: Hex): Promise<RpcReceipt | null> {
    // A pooled tx has no receipt yet: answer a client polling for it without a store read.
    if (this.o.mempool.has(hash.toLowerCase() as Hex)) return null;
    const loc = await this.chain.store.getTxLocation(hexToBytes(hash));
    if (!loc) return null;
    const b = await this.chain.store.getBlockByNumber(loc.blockNumber);
    if (!b) return null;
    const receipts = await this.chain.store.getReceipts(b.hash);
    if (!receipts) return null;
    const r = receipts[loc.index]!;
    let firstLog = 0;
    for (let i = 0; i < loc.index; i++) firstLog += receipts[i]!.logs.length;
    // `to` only matters for calls; a creation's receipt has contractAddress instead.
    const to = r.contractAddress ? undefined : decodeTx(b.txs[loc.index]!, this.chain.txCommon).to?.bytes;
    return formatReceipt(b, receipts, loc.index, to, firstLog);
  }

  // ---------------------------------------------------------------- state

  /** The state as of `ref` (the protocol RPC methods read their store from it). */
  async stateAt(ref: BlockRef): Promise<{ block: Block; state: MerkleStateManager }> {
    const block = await this.resolveForState(ref);
    return { block, state: this.chain.viewAt(block.header) };
  }

  async getBalance(address: HexAddress, ref: BlockRef): Promise<bigint> {
    const { state } = await this.stateAt(ref);
    return (await state.getAccount(new Address(hexToBytes(address))))?.balance ?? 0n;
  }

  async getCode(address: HexAddress, ref: BlockRef): Promise<Hex> {
    const { state } = await this.stateAt(ref);
    return bytesToHex(await state.getCode(new Address(hexToBytes(address))));
  }

  async getStorageAt(address: HexAddress, slot: Hex, ref: BlockRef): Promise<Hex> {
    const { state } = await this.stateAt(ref);
    const key = setLengthLeft(hexToBytes(slot), 32);
    const v = await state.getStorage(new Address(hexToBytes(address)), key);
    return bytesToHex(setLengthLeft(v, 32));
  }

  async getTransactionCount(address: HexAddress, ref: BlockRef): Promise<bigint> {
    if (ref === "pending") {
      const n = this.o.mempool.pendingNonce(address);
      if (n !== undefined) return n;
    }
    const { state } = await this.stateAt(ref);
    return (await state.getAccount(new Address(hexToBytes(address))))?.nonce ?? 0n;
  }

  async getProof(address: HexAddress, slots: Hex[], ref: BlockRef): Promise<RpcProof> {
    const { block } = await this.stateAt(ref);
    // A fresh view: proofs read the trie itself, so no cache may hide a node.
    const state = this.chain.openView(block.header.stateRoot);
    const p = await getMerkleStateProof(
      state,
      new Address(hexToBytes(address)),
      slots.map((s) => setLengthLeft(hexToBytes(s), 32)),
    );
    return {
      address: address.toLowerCase() as HexAddress,
      accountProof: p.accountProof,
      balance: p.balance,
      codeHash: p.codeHash,
      nonce: p.nonce,
      storageHash: p.storageHash,
      storageProof: p.storageProof.map((s, i) => ({ key: slots[i]!, value: s.value, proof: s.proof })),
    };
  }

  // ---------------------------------------------------------------- calls

  private async applyOverrides(
    state: MerkleStateManager,
    overrides: StateOverride | undefined,
  ): Promise<void> {
    if (!overrides) return;
    for (const [addr, o] of Object.entries(overrides)) {
      const a = new Address(hexToBytes(addr as Hex));
      if (o.state && o.stateDiff)
        throw new InvalidParamsError(`account ${addr} has both 'state' and 'stateDiff'`);
      const acct = (await state.getAccount(a)) ?? new Account();
      if (o.balance !== undefined) acct.balance = o.balance;
      if (o.nonce !== undefined) acct.nonce = o.nonce;
      await state.putAccount(a, acct);
      if (o.code !== undefined) await state.putCode(a, hexToBytes(o.code));
      if (o.state) {
        await state.clearStorage(a);
        for (const [k, v] of Object.entries(o.state))
          await state.putStorage(a, setLengthLeft(hexToBytes(k as Hex), 32), hexToBytes(v));
      }
      if (o.stateDiff) {
        for (const [k, v] of Object.entries(o.stateDiff))
          await state.putStorage(a, setLengthLeft(hexToBytes(k as Hex), 32), hexToBytes(v));
      }
    }
  }

  private envOf(b: Block): BlockEnv {
    const x = b.header;
    return {
      parentHash: x.parentHash,
      number: x.number,
      timestamp: x.timestamp,
      coinbase: x.coinbase,
      gasLimit: x.gasLimit,
      baseFeePerGas: x.baseFeePerGas,
      mixHash: x.mixHash,
      extraData: x.extraData,
    };
  }

  /** A call context on a private copy of the state at `ref` with overrides applied. */
  private async callContext(ref: BlockRef, overrides?: StateOverride) {
    const block = await this.resolveForState(ref);
    const state = this.chain.openView(block.header.stateRoot);
    await this.applyOverrides(state, overrides);
    const evm = await createEVM({
      common: this.chain.common,
      stateManager: state,
      blockchain: this.blockchain,
      customPrecompiles: this.o.hooks?.precompiles,
    });
    this.o.hooks?.onEvmCreated?.(evm);
    const ejsBlock = envToEjsBlock(this.chain.common, this.envOf(block));
    return { block, state, evm, ejsBlock };
  }

  private async runCallOnce(
    ctx: Awaited<ReturnType<NodeBackend["callContext"]>>,
    req: CallRequest,
    gasLimit: bigint,
  ) {
    const caller = new Address(hexToBytes(req.from ?? "0x0000000000000000000000000000000000000000"));
    await ctx.state.checkpoint();
    try {
      return await ctx.evm.runCall({
        caller,
        origin: caller,
        to: req.to ? new Address(hexToBytes(req.to)) : undefined,
        data: req.data ? hexToBytes(req.data) : new Uint8Array(0),
        value: req.value ?? 0n,
        gasLimit,
        gasPrice: req.gasPrice ?? req.maxFeePerGas ?? 0n,
        block: ctx.ejsBlock,
        skipBalance: req.value === undefined || req.value === 0n,
      });
    } finally {
      await ctx.state.revert();
    }
  }

  private callGasCap(req: CallRequest, block: Block): bigint {
    let cap = block.header.gasLimit < RPC_GAS_CAP ? block.header.gasLimit : RPC_GAS_CAP;
    if (req.gas !== undefined && req.gas < cap) cap = req.gas;
    return cap;
  }

  private intrinsic(req: CallRequest): bigint {
    let g = req.to ? 21000n : 53000n;
    const data = req.data ? hexToBytes(req.data) : new Uint8Array(0);
    for (const b of data) g += b === 0 ? 4n : 16n;
    if (!req.to) g += 2n * BigInt(Math.ceil(data.length / 32));
    for (const e of req.accessList ?? []) g += 2400n + 1900n * BigInt(e.storageKeys.length);
    return g;
  }

  private throwExecError(err: { error: string }, returnValue: Uint8Array): never {
    if (err.error === "revert")
      throw new ExecutionRevertedError(revertReason(returnValue), bytesToHex(returnValue));
    if (err.error === "insufficient balance")
      throw new TxRejectedError("insufficient funds for gas * price + value");
    throw new RpcBackendError(-32000, err.error);
  }

  async call(req: CallRequest, ref: BlockRef, overrides?: StateOverride): Promise<Hex> {
    const ctx = await this.callContext(ref, overrides);
    const cap = this.callGasCap(req, ctx.block);
    const intrinsic = this.intrinsic(req);
    if (req.gas !== undefined && req.gas < intrinsic) throw new TxRejectedError("intrinsic gas too low");
    const res = await this.runCallOnce(ctx, req, cap > intrinsic ? cap - intrinsic : 0n);
    if (res.execResult.exceptionError)
      this.throwExecError(res.execResult.exceptionError, res.execResult.returnValue);
    return bytesToHex(res.execResult.returnValue);
  }

  async estimateGas(req: CallRequest, ref: BlockRef, overrides?: StateOverride): Promise<bigint> {
    const ctx = await this.callContext(ref, overrides);
    const intrinsic = this.intrinsic(req);
    const hi0 = this.callGasCap(req, ctx.block);
    if (req.from && req.value) {
      const bal = (await ctx.state.getAccount(new Address(hexToBytes(req.from))))?.balance ?? 0n;
      if (bal < req.value) throw new TxRejectedError("insufficient funds for gas * price + value");
    }
    // A plain transfer to an account without code costs exactly the intrinsic gas.
    if (req.to && (!req.data || req.data === "0x")) {
      const code = await ctx.state.getCode(new Address(hexToBytes(req.to)));
      if (code.length === 0 && bytesToBigInt(hexToBytes(req.to)) >= 0x10000n) return intrinsic;
    }
    if (hi0 < intrinsic) throw new TxRejectedError("intrinsic gas too low");
    const first = await this.runCallOnce(ctx, req, hi0 - intrinsic);
    if (first.execResult.exceptionError) {
      if (first.execResult.exceptionError.error === "revert")
        this.throwExecError(first.execResult.exceptionError, first.execResult.returnValue);
      throw new RpcBackendError(-32000, `gas required exceeds allowance (${hi0})`);
    }
    const ok = async (g: bigint) => {
      if (g < intrinsic) return false;
      const r = await this.runCallOnce(ctx, req, g - intrinsic);
      return !r.execResult.exceptionError;
    };
    // Binary search between the gas actually used (a lower bound) and the cap; the first probe
    // at used × 64/63 usually succeeds (only the 63/64 call-gas rule makes it differ).
    let lo = intrinsic + first.execResult.executionGasUsed - 1n;
    let hi = hi0;
    const guess = ((lo + 1n) * 64n) / 63n;
    if (guess < hi && (await ok(guess))) hi = guess;
    while (lo + 1n < hi) {
      const mid = (lo + hi) / 2n;
      if (await ok(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  async gasPrice(): Promise<bigint> {
    return this.chain.nextEnv(new Uint8Array(20), Date.now()).baseFeePerGas + SUGGESTED_TIP;
  }

  async maxPriorityFeePerGas(): Promise<bigint> {
    return SUGGESTED_TIP;
  }

  async feeHistory(
    blockCount: bigint,
    newest: BlockRef,
    rewardPercentiles?: number[],
  ): Promise<RpcFeeHistory> {
    if (rewardPercentiles) {
      for (let i = 0; i < rewardPercentiles.length; i++) {
        const p = rewardPercentiles[i]!;
        if (p < 0 || p > 100 || (i > 0 && p < rewardPercentiles[i - 1]!))
          throw new InvalidParamsError("invalid reward percentile");
      }
    }
    const head = await this.resolveForState(newest);
    let count = blockCount > MAX_FEE_HISTORY ? MAX_FEE_HISTORY : blockCount;
    if (count > head.header.number + 1n) count = head.header.number + 1n;
    const oldest = head.header.number + 1n - count;
    const baseFees: Hex[] = [];
    const ratios: number[] = [];
    const rewards: Hex[][] = [];
    let last: Block | undefined;
    for (let n = oldest; n <= head.header.number; n++) {
      const b = (await this.chain.store.getBlockByNumber(n))!;
      last = b;
      baseFees.push(bigIntToHex(b.header.baseFeePerGas));
      ratios.push(Number(b.header.gasUsed) / Number(b.header.gasLimit));
      if (rewardPercentiles) rewards.push(await this.blockRewards(b, rewardPercentiles));
    }
    if (last) baseFees.push(bigIntToHex(nextBaseFee(last.header)));
    const out: RpcFeeHistory = {
      oldestBlock: bigIntToHex(oldest),
      baseFeePerGas: baseFees,
      gasUsedRatio: ratios,
    };
    if (rewardPercentiles) out.reward = rewards;
    return out;
  }

  /** geth's algorithm: tips sorted ascending, weighted by gas used, sampled at each percentile. */
  private async blockRewards(b: Block, percentiles: number[]): Promise<Hex[]> {
    if (b.txs.length === 0) return percentiles.map(() => "0x0");
    const receipts = (await this.chain.store.getReceipts(b.hash)) ?? [];
    const items = receipts
      .map((r, i) => ({ tip: r.effectiveGasPrice - b.header.baseFeePerGas, gas: r.gasUsed, i }))
      .sort((x, y) => (x.tip < y.tip ? -1 : x.tip > y.tip ? 1 : 0));
    const out: Hex[] = [];
    let idx = 0;
    let sum = items[0]!.gas;
    for (const p of percentiles) {
      const threshold = (Number(b.header.gasUsed) * p) / 100;
      while (sum < threshold && idx < items.length - 1) {
        idx++;
        sum += items[idx]!.gas;
      }
      out.push(bigIntToHex(items[idx]!.tip));
    }
    return out;
  }

  // ---------------------------------------------------------------- transactions

  async sendRawTransaction(raw: Hex, admitAfter?: Promise<unknown>): Promise<Hex> {
    let bytes: Uint8Array;
    try {
      bytes = hexToBytes(raw);
    } catch {
      throw new InvalidParamsError("invalid raw transaction hex");
    }
    try {
      const p = await prepareTxAsync(bytes, this.chain.txCommon, this.chain.recoverPool);
      await admitAfter;
      return await this.o.mempool.add(p);
    } catch (e) {
      if (e instanceof TxDecodeError || e instanceof MempoolError) throw new TxRejectedError(e.message);
      throw e;
    }
  }

  pendingTransactionHashes(): Hex[] {
    return this.o.mempool.hashes();
  }

  // ---------------------------------------------------------------- logs

  async getLogs(filter: LogFilter): Promise<RpcLog[]> {
    let blocks: Block[];
    if (filter.blockHash) {
      const b = await this.chain.store.getBlockByHash(hexToBytes(filter.blockHash));
      if (!b) throw new ResourceNotFoundError("unknown block");
      blocks = [b];
    } else {
      const from = await this.resolveNumber(filter.fromBlock ?? "latest");
      const head = this.blockNumber();
      const toRef = await this.resolveNumber(filter.toBlock ?? "latest");
      const to = toRef > head ? head : toRef;
      if (from > to) return [];
      if (to - from + 1n > MAX_LOG_BLOCK_RANGE)
        throw new LimitExceededError(`block range exceeds the limit of ${MAX_LOG_BLOCK_RANGE} blocks`);
      blocks = [];
      for (let n = from; n <= to; n++) {
        const b = await this.chain.store.getBlockByNumber(n);
        if (b) blocks.push(b);
      }
    }
    const addresses = filter.address?.map((a) => a.toLowerCase());
    const topics = filter.topics?.map((t) => (t ? t.map((x) => x.toLowerCase()) : null));
    const out: RpcLog[] = [];
    const limit = filter.maxResults ?? MAX_LOGS;
    for (const b of blocks) {
      // The header bloom covers the transactions' and the block-end logs: empty, nothing to read.
      if (isEmptyBloom(b.header.logsBloom) || !bloomMayMatch(b.header.logsBloom, addresses, topics)) continue;
      const receipts = (await this.chain.store.getReceipts(b.hash)) ?? [];
      // The block-end logs come last, as the logs of a pseudo-transaction at index txs.length.
      const perTx = [...receipts.map((r) => r.logs), await this.chain.store.getBlockEndLogs(b.hash)];
      let logIndex = 0;
      for (let i = 0; i < perTx.length; i++) {
        for (const log of perTx[i]!) {
          const idx = logIndex++;
          if (addresses && addresses.length && !addresses.includes(bytesToHex(log.address))) continue;
          if (topics && !topicsMatch(log.topics, topics)) continue;
          out.push(formatLog(log, b, i, idx));
          if (out.length > limit) {
            // The server answers "limit exceeded" itself when it gave us the hint.
            if (filter.maxResults !== undefined) return out;
            throw new LimitExceededError(`query returned more than ${limit} results`);
          }
        }
      }
    }
    return out;
  }

  /** A range bound: numbers beyond the head are kept (a range starting there is empty). */
  private async resolveNumber(ref: BlockRef): Promise<bigint> {
    if (typeof ref === "bigint") return ref;
    const b = await this.resolveForState(ref);
    return b.header.number;
  }

  // ---------------------------------------------------------------- events

  onNewHead(cb: (header: RpcBlock, logs: RpcLog[]) => void): () => void {
    return this.chain.onCommit(({ block, receipts, blockEndLogs }) => {
      const logs: RpcLog[] = [];
      let idx = 0;
      receipts.forEach((r, i) => r.logs.forEach((l) => logs.push(formatLog(l, block, i, idx++))));
      for (const l of blockEndLogs) logs.push(formatLog(l, block, receipts.length, idx++));
      cb(formatHeader(block), logs);
    });
  }

  onPendingTransaction(cb: (hash: Hex) => void): () => void {
    return this.o.mempool.onAdded(cb);
  }
}

function bloomBits(v: Uint8Array): [number, number][] {
  const h = keccak(v);
  const out: [number, number][] = [];
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i]! << 8) | h[i + 1]!) & 2047;
    out.push([255 - (bit >> 3), 1 << (bit & 7)]);
  }
  return out;
}

function bloomHas(bloom: Uint8Array, v: Uint8Array): boolean {
  return bloomBits(v).every(([byte, mask]) => (bloom[byte]! & mask) !== 0);
}

function isEmptyBloom(bloom: Uint8Array): boolean {
  for (let i = 0; i < bloom.length; i++) if (bloom[i] !== 0) return false;
  return true;
}

function bloomMayMatch(
  bloom: Uint8Array,
  addresses: string[] | undefined,
  topics: (string[] | null)[] | undefined,
): boolean {
  if (addresses && addresses.length && !addresses.some((a) => bloomHas(bloom, hexToBytes(a as Hex))))
    return false;
  for (const t of topics ?? []) {
    if (t && t.length && !t.some((x) => bloomHas(bloom, hexToBytes(x as Hex)))) return false;
  }
  return true;
}

function topicsMatch(logTopics: Uint8Array[], filter: (string[] | null)[]): boolean {
  if (filter.length > logTopics.length) {
    // A position the log does not have can only match a wildcard.
    for (let i = logTopics.length; i < filter.length; i++) if (filter[i] && filter[i]!.length) return false;
  }
  for (let i = 0; i < filter.length && i < logTopics.length; i++) {
    const f = filter[i];
    if (f && f.length && !f.includes(bytesToHex(logTopics[i]!))) return false;
  }
  return true;
}
