// The seam between the JSON-RPC server (chain/src/rpc/) and the node (chain/src/node/).
// The node implements RpcBackend; the server parses and validates params, resolves nothing
// itself, and serialises what the backend returns. Every object returned here is already in
// Ethereum JSON-RPC shape (execution-apis schemas: hex quantities, 0x-prefixed data), so the
// server never needs to know how blocks are stored or executed.

export type Hex = `0x${string}`;
export type Address = `0x${string}`;

/** A block reference after parsing: a number, a tag, or an EIP-1898 block-hash object. */
export type BlockTag = "latest" | "pending" | "earliest" | "safe" | "finalized";
export type BlockRef = bigint | BlockTag | { blockHash: Hex; requireCanonical?: boolean };

/** eth_call / eth_estimateGas transaction object, parsed (quantities as bigint). */
export interface CallRequest {
  from?: Address;
  to?: Address | null;
  gas?: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  value?: bigint;
  data?: Hex;
  nonce?: bigint;
  accessList?: { address: Address; storageKeys: Hex[] }[];
  type?: number;
}

/** Geth-style state override set for eth_call / eth_estimateGas. */
export type StateOverride = Record<
  Address,
  {
    balance?: bigint;
    nonce?: bigint;
    code?: Hex;
    state?: Record<Hex, Hex>;
    stateDiff?: Record<Hex, Hex>;
  }
>;

/** Parsed eth_getLogs / eth_newFilter criteria. Ranges are resolved by the backend. */
export interface LogFilter {
  fromBlock?: BlockRef;
  toBlock?: BlockRef;
  blockHash?: Hex;
  address?: Address[];
  /** Per position: null = wildcard, array = any of. */
  topics?: (Hex[] | null)[];
  /**
   * Optional hint from the server: it answers "limit exceeded" when more than this many logs
   * match, so the backend may stop collecting after `maxResults + 1` logs.
   */
  maxResults?: number;
}

/** JSON-RPC shaped records (execution-apis). Kept loose on purpose: the backend owns the shape. */
export type RpcBlock = Record<string, unknown> & {
  number: Hex;
  hash: Hex;
  transactions: (Hex | RpcTransaction)[];
};
export type RpcTransaction = Record<string, unknown> & { hash: Hex };
export type RpcReceipt = Record<string, unknown> & { transactionHash: Hex; logs: RpcLog[] };
export type RpcLog = Record<string, unknown> & {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  transactionIndex: Hex;
  logIndex: Hex;
  removed: boolean;
};
export interface RpcFeeHistory {
  oldestBlock: Hex;
  baseFeePerGas: Hex[];
  gasUsedRatio: number[];
  reward?: Hex[][];
}
export interface RpcProof {
  address: Address;
  accountProof: Hex[];
  balance: Hex;
  codeHash: Hex;
  nonce: Hex;
  storageHash: Hex;
  storageProof: { key: Hex; value: Hex; proof: Hex[] }[];
}

/** Events the server turns into eth_subscribe notifications and filter changes. */
export interface BackendEvents {
  /** A block was committed (final). `header` is the RpcBlock without transactions/uncles. */
  onNewHead(cb: (header: RpcBlock, logs: RpcLog[]) => void): () => void;
  /** A transaction entered the pool (pending or queued). */
  onPendingTransaction(cb: (hash: Hex) => void): () => void;
}

/**
 * Errors the backend throws. The server maps them to JSON-RPC errors:
 * - TxRejectedError → code -32000 (or -32003 family as geth does) with the Ethereum client message
 * - ExecutionRevertedError → code 3, message "execution reverted: <reason>", data = revert bytes
 * - InvalidParamsError → -32602
 * - ResourceNotFoundError → -32001
 * - LimitExceededError → -32005
 */
export class RpcBackendError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
export class TxRejectedError extends RpcBackendError {
  constructor(message: string) {
    super(-32000, message);
  }
}
export class ExecutionRevertedError extends RpcBackendError {
  constructor(reason: string | undefined, data: Hex) {
    super(3, reason ? `execution reverted: ${reason}` : "execution reverted", data);
  }
}
export class InvalidParamsError extends RpcBackendError {
  constructor(message: string) {
    super(-32602, message);
  }
}
export class ResourceNotFoundError extends RpcBackendError {
  constructor(message: string) {
    super(-32001, message);
  }
}
export class LimitExceededError extends RpcBackendError {
  constructor(message: string) {
    super(-32005, message);
  }
}

export interface RpcBackend extends BackendEvents {
  readonly chainId: bigint;
  readonly clientVersion: string;

  blockNumber(): bigint;
  syncing(): false | { startingBlock: Hex; currentBlock: Hex; highestBlock: Hex };
  peerCount(): number;
  /** Accounts whose keys this node holds for signing; a node that never signs returns []. */
  accounts(): Address[];

  getBlock(ref: BlockRef, fullTransactions: boolean): Promise<RpcBlock | null>;
  getBlockTransactionCount(ref: BlockRef): Promise<bigint | null>;
  getBlockReceipts(ref: BlockRef): Promise<RpcReceipt[] | null>;
  getTransactionByHash(hash: Hex): Promise<RpcTransaction | null>;
  getTransactionByBlockAndIndex(ref: BlockRef, index: bigint): Promise<RpcTransaction | null>;
  getTransactionReceipt(hash: Hex): Promise<RpcReceipt | null>;

  getBalance(address: Address, ref: BlockRef): Promise<bigint>;
  getCode(address: Address, ref: BlockRef): Promise<Hex>;
  getStorageAt(address: Address, slot: Hex, ref: BlockRef): Promise<Hex>;
  getTransactionCount(address: Address, ref: BlockRef): Promise<bigint>;
  getProof(address: Address, slots: Hex[], ref: BlockRef): Promise<RpcProof>;

  call(req: CallRequest, ref: BlockRef, overrides?: StateOverride): Promise<Hex>;
  estimateGas(req: CallRequest, ref: BlockRef, overrides?: StateOverride): Promise<bigint>;
  gasPrice(): Promise<bigint>;
  maxPriorityFeePerGas(): Promise<bigint>;
  feeHistory(blockCount: bigint, newest: BlockRef, rewardPercentiles?: number[]): Promise<RpcFeeHistory>;

  /**
   * Decode, check and pool a signed transaction. `admitAfter`: the transaction may be decoded
   * and its signature recovered at once, but it enters the pool only once this settles (the
   * server passes the previous eth_sendRawTransaction of the same batch or connection, so a
   * sender's nonces arrive in order while their signatures are checked concurrently).
   */
  sendRawTransaction(raw: Hex, admitAfter?: Promise<unknown>): Promise<Hex>;
  /** Hashes of transactions currently in the pool (pending first). */
  pendingTransactionHashes(): Hex[];

  getLogs(filter: LogFilter): Promise<RpcLog[]>;

  /** Extra namespaces (tensorchain_*), registered by other modules of the node. */
  extraMethods(): Record<string, (params: unknown[]) => Promise<unknown>>;
}
