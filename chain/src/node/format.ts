// Stored blocks, transactions, receipts and logs → Ethereum JSON-RPC shapes (execution-apis).
// A PoS block still carries the pre-merge fields with their fixed values (difficulty 0,
// nonce 0, sha3Uncles of an empty list, uncles []), as geth serves them.
import { Capability, createTxFromRLP } from "@ethereumjs/tx";
import type { TypedTransaction } from "@ethereumjs/tx";
import type { Common } from "@ethereumjs/common";
import { bigIntToHex, bytesToHex, intToHex } from "@ethereumjs/util";
import {
  EMPTY_BLOOM,
  EMPTY_OMMERS_HASH,
  EMPTY_TRIE_ROOT,
  ZERO_HASH,
  encodeHeader,
  logsBloom,
} from "../execution/block.js";
import type { Block, Receipt } from "../execution/block.js";
import { keccak256 } from "../crypto/secp256k1.js";
import type { Address, Hex, RpcBlock, RpcLog, RpcReceipt, RpcTransaction } from "../rpc/backend.js";

const q = (n: bigint | number): Hex => (typeof n === "number" ? intToHex(n) : bigIntToHex(n));
const h = (b: Uint8Array): Hex => bytesToHex(b);

/** RLP size of the block as geth reports it (header + transactions + empty uncles/withdrawals). */
function blockSize(b: Block): number {
  const header = encodeHeader(b.header).length;
  let txs = 0;
  for (const t of b.txs)
    txs +=
      t[0]! >= 0xc0 ? t.length : t.length + (t.length < 56 ? 1 : 1 + Math.ceil(Math.log2(t.length + 1) / 8));
  const listLen = (n: number) => n + (n < 56 ? 1 : 1 + Math.ceil(Math.log2(n + 1) / 8));
  return listLen(header + listLen(txs) + 1 + 1);
}

export function formatHeader(b: Block): RpcBlock {
  const x = b.header;
  return {
    number: q(x.number),
    hash: h(b.hash),
    parentHash: h(x.parentHash),
    nonce: "0x0000000000000000",
    sha3Uncles: h(EMPTY_OMMERS_HASH),
    logsBloom: h(x.logsBloom),
    transactionsRoot: h(x.transactionsRoot),
    stateRoot: h(x.stateRoot),
    receiptsRoot: h(x.receiptsRoot),
    miner: h(x.coinbase) as Address,
    difficulty: "0x0",
    totalDifficulty: "0x0",
    extraData: h(x.extraData),
    size: q(blockSize(b)),
    gasLimit: q(x.gasLimit),
    gasUsed: q(x.gasUsed),
    timestamp: q(x.timestamp),
    mixHash: h(x.mixHash),
    baseFeePerGas: q(x.baseFeePerGas),
    withdrawalsRoot: h(EMPTY_TRIE_ROOT),
    blobGasUsed: "0x0",
    excessBlobGas: "0x0",
    parentBeaconBlockRoot: h(ZERO_HASH),
    transactions: [],
  };
}

export function formatBlock(b: Block, full: boolean, common: Common): RpcBlock {
  const out = formatHeader(b);
  out.transactions = full
    ? b.txs.map((_, i) => formatTx(decodeTx(b.txs[i]!, common), b.senders[i]!, { block: b, index: i }))
    : b.txHashes.map(h);
  out.uncles = [];
  out.withdrawals = [];
  return out;
}

export function decodeTx(raw: Uint8Array, common: Common): TypedTransaction {
  return createTxFromRLP(raw, { common });
}

export function formatTx(
  tx: TypedTransaction,
  sender: Uint8Array,
  at?: { block: Block; index: number },
): RpcTransaction {
  const is1559 = tx.supports(Capability.EIP1559FeeMarket);
  const t = tx as TypedTransaction & {
    gasPrice?: bigint;
    maxFeePerGas?: bigint;
    maxPriorityFeePerGas?: bigint;
    accessList?: [Uint8Array, Uint8Array[]][];
  };
  let gasPrice: bigint;
  if (is1559) {
    if (at) {
      const base = at.block.header.baseFeePerGas;
      const room = t.maxFeePerGas! - base;
      gasPrice = base + (t.maxPriorityFeePerGas! < room ? t.maxPriorityFeePerGas! : room);
    } else gasPrice = t.maxFeePerGas!;
  } else gasPrice = t.gasPrice!;
  const out: RpcTransaction = {
    hash: h(tx.hash()),
    type: q(tx.type),
    nonce: q(tx.nonce),
    blockHash: at ? h(at.block.hash) : null,
    blockNumber: at ? q(at.block.header.number) : null,
    transactionIndex: at ? q(at.index) : null,
    from: h(sender),
    to: tx.to ? h(tx.to.bytes) : null,
    value: q(tx.value),
    gas: q(tx.gasLimit),
    gasPrice: q(gasPrice),
    input: h(tx.data),
    v: q(tx.v ?? 0n),
    r: q(tx.r ?? 0n),
    s: q(tx.s ?? 0n),
  };
  if (tx.type !== 0 || tx.supports(Capability.EIP155ReplayProtection)) out.chainId = q(tx.common.chainId());
  if (tx.type !== 0) {
    out.yParity = q(tx.v ?? 0n);
    out.accessList = (t.accessList ?? []).map(([address, keys]) => ({
      address: h(address),
      storageKeys: keys.map(h),
    }));
  }
  if (is1559) {
    out.maxFeePerGas = q(t.maxFeePerGas!);
    out.maxPriorityFeePerGas = q(t.maxPriorityFeePerGas!);
  }
  return out;
}

const BLOCK_END_TAG = new TextEncoder().encode("tensorchain-block-end");

/**
 * The transactionHash under which a block's block-end logs (protocol epochs, emission,
 * slashing: ExecutedBlock.blockEndLogs) are served: keccak256("tensorchain-block-end" ‖ block
 * hash), a pseudo-transaction at index = the block's transaction count that is in no
 * transaction list and has no receipt (as Polygon serves its state-sync logs).
 */
export function blockEndTxHash(blockHash: Uint8Array): Uint8Array {
  const buf = new Uint8Array(BLOCK_END_TAG.length + blockHash.length);
  buf.set(BLOCK_END_TAG, 0);
  buf.set(blockHash, BLOCK_END_TAG.length);
  return keccak256(buf);
}

/** Formats a log of transaction `txIndex` of `b`, or of its block-end step when txIndex = the tx count. */
export function formatLog(
  log: { address: Uint8Array; topics: Uint8Array[]; data: Uint8Array },
  b: Block,
  txIndex: number,
  logIndex: number,
): RpcLog {
  return {
    address: h(log.address) as Address,
    topics: log.topics.map(h),
    data: h(log.data),
    blockNumber: q(b.header.number),
    blockHash: h(b.hash),
    blockTimestamp: q(b.header.timestamp),
    transactionHash: h(txIndex < b.txHashes.length ? b.txHashes[txIndex]! : blockEndTxHash(b.hash)),
    transactionIndex: q(txIndex),
    logIndex: q(logIndex),
    removed: false,
  };
}

/** Index of the block's first log of each receipt (log indexes are per block). */
export function firstLogIndexes(receipts: Receipt[]): number[] {
  const out: number[] = new Array<number>(receipts.length);
  let n = 0;
  for (let i = 0; i < receipts.length; i++) {
    out[i] = n;
    n += receipts[i]!.logs.length;
  }
  return out;
}

export function formatReceipt(
  b: Block,
  receipts: Receipt[],
  index: number,
  to: Uint8Array | undefined,
  firstLogIndex: number,
): RpcReceipt {
  const r = receipts[index]!;
  return {
    transactionHash: h(b.txHashes[index]!),
    transactionIndex: q(index),
    blockHash: h(b.hash),
    blockNumber: q(b.header.number),
    from: h(b.senders[index]!),
    to: to ? h(to) : null,
    cumulativeGasUsed: q(r.cumulativeGasUsed),
    gasUsed: q(r.gasUsed),
    effectiveGasPrice: q(r.effectiveGasPrice),
    contractAddress: r.contractAddress ? h(r.contractAddress) : null,
    logs: r.logs.map((l, j) => formatLog(l, b, index, firstLogIndex + j)),
    logsBloom: h(r.logs.length ? logsBloom(r.logs) : EMPTY_BLOOM),
    type: q(r.type),
    status: r.status === 1 ? "0x1" : "0x0",
  };
}
