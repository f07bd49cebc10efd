// An in-memory RpcBackend for transport-level unit tests of the server only (framing, batches,
// limits, error mapping, filters and subscriptions fan-out). Behaviour of real blocks, state
// and transactions is tested against the real node in the integration tests.

import type {
  Address,
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
} from "../../src/rpc/backend.js";
import { ExecutionRevertedError, TxRejectedError } from "../../src/rpc/backend.js";

const ZERO32 = `0x${"0".repeat(64)}` as Hex;

export function hash(n: number): Hex {
  return `0x${n.toString(16).padStart(64, "0")}`;
}

export class StubBackend implements RpcBackend {
  readonly chainId = 31337n;
  readonly clientVersion = "tensorchain-stub/0.0.0";
  head = 5n;
  /** Recorded calls, for assertions on what the server passed through. */
  readonly calls: { method: string; args: unknown[] }[] = [];
  logs: RpcLog[] = [];
  extra: Record<string, (params: unknown[]) => Promise<unknown>> = {};
  private headListeners = new Set<(header: RpcBlock, logs: RpcLog[]) => void>();
  private pendingListeners = new Set<(hash: Hex) => void>();

  onNewHead(cb: (header: RpcBlock, logs: RpcLog[]) => void): () => void {
    this.headListeners.add(cb);
    return () => this.headListeners.delete(cb);
  }
  onPendingTransaction(cb: (hash: Hex) => void): () => void {
    this.pendingListeners.add(cb);
    return () => this.pendingListeners.delete(cb);
  }

  /** Simulates a committed block carrying `logs`. */
  emitHead(logs: RpcLog[] = []): RpcBlock {
    this.head += 1n;
    const header = this.block(this.head);
    for (const cb of this.headListeners) cb(header, logs);
    return header;
  }
  emitPending(h: Hex): void {
    for (const cb of this.pendingListeners) cb(h);
  }

  block(n: bigint): RpcBlock {
    return {
      number: `0x${n.toString(16)}`,
      hash: hash(Number(n) + 1000),
      parentHash: ZERO32,
      transactions: [],
    };
  }

  blockNumber(): bigint {
    return this.head;
  }
  syncing(): false {
    return false;
  }
  peerCount(): number {
    return 3;
  }
  accounts(): Address[] {
    return [];
  }
  async getBlock(ref: BlockRef, full: boolean): Promise<RpcBlock | null> {
    this.calls.push({ method: "getBlock", args: [ref, full] });
    if (typeof ref === "bigint") return ref <= this.head ? this.block(ref) : null;
    if (typeof ref === "string") return this.block(ref === "earliest" ? 0n : this.head);
    return null;
  }
  async getBlockTransactionCount(): Promise<bigint | null> {
    return 0n;
  }
  async getBlockReceipts(): Promise<RpcReceipt[] | null> {
    return [];
  }
  async getTransactionByHash(h: Hex): Promise<RpcTransaction | null> {
    return { hash: h, nonce: "0x0" };
  }
  async getTransactionByBlockAndIndex(): Promise<RpcTransaction | null> {
    return null;
  }
  async getTransactionReceipt(): Promise<RpcReceipt | null> {
    return null;
  }
  async getBalance(addr: Address, ref: BlockRef): Promise<bigint> {
    this.calls.push({ method: "getBalance", args: [addr, ref] });
    return 10n ** 18n;
  }
  async getCode(): Promise<Hex> {
    return "0x";
  }
  async getStorageAt(addr: Address, slot: Hex, ref: BlockRef): Promise<Hex> {
    this.calls.push({ method: "getStorageAt", args: [addr, slot, ref] });
    return ZERO32;
  }
  async getTransactionCount(): Promise<bigint> {
    return 0n;
  }
  async getProof(address: Address, slots: Hex[]): Promise<RpcProof> {
    return {
      address,
      accountProof: [],
      balance: "0x0",
      codeHash: ZERO32,
      nonce: "0x0",
      storageHash: ZERO32,
      storageProof: slots.map((key) => ({ key, value: "0x0", proof: [] })),
    };
  }
  async call(req: CallRequest, ref: BlockRef, overrides?: StateOverride): Promise<Hex> {
    this.calls.push({ method: "call", args: [req, ref, overrides] });
    if (req.data === "0xdead") throw new ExecutionRevertedError("nope", "0x08c379a0");
    if (req.data === "0xbad0") throw new Error("database exploded");
    if (req.data === "0xb160") return `0x${"ab".repeat(5_000)}`;
    return "0x01";
  }
  async estimateGas(): Promise<bigint> {
    return 21_000n;
  }
  async gasPrice(): Promise<bigint> {
    return 1_000_000_000n;
  }
  async maxPriorityFeePerGas(): Promise<bigint> {
    return 1n;
  }
  async feeHistory(blockCount: bigint): Promise<RpcFeeHistory> {
    this.calls.push({ method: "feeHistory", args: [blockCount] });
    return { oldestBlock: "0x1", baseFeePerGas: ["0x1", "0x1"], gasUsedRatio: [0] };
  }
  readonly sent: Hex[] = [];
  /** Most sendRawTransaction calls seen preparing at the same time. */
  maxPreparing = 0;
  private preparing = 0;
  async sendRawTransaction(raw: Hex, admitAfter?: Promise<unknown>): Promise<Hex> {
    // Preparation finishes out of order; admission would too if the server did not pass each
    // call the previous one of its batch to wait for.
    this.maxPreparing = Math.max(this.maxPreparing, ++this.preparing);
    await new Promise((r) => setTimeout(r, raw.length % 7));
    this.preparing--;
    await admitAfter;
    if (raw === "0x00") throw new TxRejectedError("nonce too low");
    this.sent.push(raw);
    return hash(this.sent.length);
  }
  pendingTransactionHashes(): Hex[] {
    return [];
  }
  async getLogs(filter: LogFilter): Promise<RpcLog[]> {
    this.calls.push({ method: "getLogs", args: [filter] });
    return this.logs;
  }
  extraMethods(): Record<string, (params: unknown[]) => Promise<unknown>> {
    return this.extra;
  }
}

export function makeLog(blockNumber: bigint, address: Address, topics: Hex[]): RpcLog {
  return {
    address,
    topics,
    data: "0x",
    blockNumber: `0x${blockNumber.toString(16)}`,
    blockHash: hash(Number(blockNumber) + 1000),
    transactionHash: hash(1),
    transactionIndex: "0x0",
    logIndex: "0x0",
    removed: false,
  };
}
