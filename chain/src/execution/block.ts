// Block and receipt data types and their canonical encodings. Headers use the Ethereum (Cancun)
// header layout, so the block hash is keccak256(rlp(header)) exactly as an Ethereum tool would
// compute it; PoS fields are fixed: difficulty 0, nonce 0, ommers = keccak(rlp([])).
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToBigInt, bytesToInt, intToUnpaddedBytes } from "@ethereumjs/util";
import { keccak256 } from "../crypto/secp256k1.js";
import { listLength, stringLength, writeHeader, writeString } from "./rlp-writer.js";

export const ZERO_HASH = new Uint8Array(32);
/** keccak256(rlp("")): root of an empty trie. */
export const EMPTY_TRIE_ROOT = keccak256(RLP.encode(new Uint8Array(0)));
/** keccak256(rlp([])): ommers hash of a block without uncles. */
export const EMPTY_OMMERS_HASH = keccak256(RLP.encode([]));
export const EMPTY_BLOOM = new Uint8Array(256);

export interface BlockHeader {
  parentHash: Uint8Array;
  coinbase: Uint8Array;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
  number: bigint;
  gasLimit: bigint;
  gasUsed: bigint;
  /** Unix seconds. */
  timestamp: bigint;
  extraData: Uint8Array;
  /** prevRandao after the merge: deterministic here (see producer), never a security input. */
  mixHash: Uint8Array;
  baseFeePerGas: bigint;
}

/** A stored log: address, topics, data. Positions (block, tx, index) are derived when served. */
export interface Log {
  address: Uint8Array;
  topics: Uint8Array[];
  data: Uint8Array;
}

export interface Receipt {
  /** EIP-2718 type of the transaction (0, 1, 2). */
  type: number;
  status: 0 | 1;
  cumulativeGasUsed: bigint;
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  logs: Log[];
  /** Created contract's address (20 bytes) or undefined. */
  contractAddress?: Uint8Array;
}

/** A block as stored: header, raw signed transactions and their recovered senders. */
export interface Block {
  header: BlockHeader;
  hash: Uint8Array;
  /** Serialized signed transactions (EIP-2718 envelopes / legacy RLP). */
  txs: Uint8Array[];
  /** Sender of each transaction (20 bytes); stored so reads never recover signatures again. */
  senders: Uint8Array[];
  /** keccak256 of each serialized transaction. */
  txHashes: Uint8Array[];
}

function headerFields(h: BlockHeader): Uint8Array[] {
  return [
    h.parentHash,
    EMPTY_OMMERS_HASH,
    h.coinbase,
    h.stateRoot,
    h.transactionsRoot,
    h.receiptsRoot,
    h.logsBloom,
    new Uint8Array(0), // difficulty 0
    bigIntToUnpaddedBytes(h.number),
    bigIntToUnpaddedBytes(h.gasLimit),
    bigIntToUnpaddedBytes(h.gasUsed),
    bigIntToUnpaddedBytes(h.timestamp),
    h.extraData,
    h.mixHash,
    new Uint8Array(8), // nonce
    bigIntToUnpaddedBytes(h.baseFeePerGas),
    EMPTY_TRIE_ROOT, // withdrawalsRoot: no withdrawals
    new Uint8Array(0), // blobGasUsed
    new Uint8Array(0), // excessBlobGas
    ZERO_HASH, // parentBeaconBlockRoot
  ];
}

export function encodeHeader(h: BlockHeader): Uint8Array {
  return RLP.encode(headerFields(h));
}

export function hashHeader(h: BlockHeader): Uint8Array {
  return keccak256(encodeHeader(h));
}

export function decodeHeader(bytes: Uint8Array): BlockHeader {
  const f = RLP.decode(bytes) as Uint8Array[];
  if (!Array.isArray(f) || f.length < 16) throw new Error("corrupt block header");
  return {
    parentHash: f[0]!,
    coinbase: f[2]!,
    stateRoot: f[3]!,
    transactionsRoot: f[4]!,
    receiptsRoot: f[5]!,
    logsBloom: f[6]!,
    number: bytesToBigInt(f[8]!),
    gasLimit: bytesToBigInt(f[9]!),
    gasUsed: bytesToBigInt(f[10]!),
    timestamp: bytesToBigInt(f[11]!),
    extraData: f[12]!,
    mixHash: f[13]!,
    baseFeePerGas: bytesToBigInt(f[15]!),
  };
}

export function encodeBlock(b: Block): Uint8Array {
  return RLP.encode([headerFields(b.header), b.txs, b.senders]);
}

export function decodeBlock(bytes: Uint8Array): Block {
  const [hf, txs, senders] = RLP.decode(bytes) as [Uint8Array[], Uint8Array[], Uint8Array[]];
  const header = decodeHeader(RLP.encode(hf));
  const hash = keccak256(RLP.encode(hf));
  return { header, hash, txs, senders, txHashes: txs.map((t) => keccak256(t)) };
}

function encodeLogs(logs: Log[]): Uint8Array[][] {
  return logs.map((l) => [l.address, l.topics, l.data] as unknown as Uint8Array[]);
}

function decodeLogs(raw: unknown): Log[] {
  return (raw as [Uint8Array, Uint8Array[], Uint8Array][]).map(([address, topics, data]) => ({
    address,
    topics,
    data,
  }));
}

/** Storage encoding of a block's block-end logs (ExecutedBlock.blockEndLogs). */
export function encodeLogList(logs: Log[]): Uint8Array {
  return RLP.encode(encodeLogs(logs) as unknown as Uint8Array[]);
}

export function decodeLogList(bytes: Uint8Array): Log[] {
  return decodeLogs(RLP.decode(bytes));
}

/** Consensus encoding (EIP-2718 typed receipt envelope) that the receipts root commits to. */
export function encodeReceiptForRoot(r: Receipt, bloom: Uint8Array): Uint8Array {
  if (r.logs.length === 0) return encodeLoglessReceipt(r, bloom);
  const body = RLP.encode([
    r.status === 1 ? Uint8Array.of(1) : new Uint8Array(0),
    bigIntToUnpaddedBytes(r.cumulativeGasUsed),
    bloom,
    encodeLogs(r.logs) as unknown as Uint8Array[],
  ]);
  if (r.type === 0) return body;
  const out = new Uint8Array(body.length + 1);
  out[0] = r.type;
  out.set(body, 1);
  return out;
}

/** encodeReceiptForRoot of a receipt without logs (every transfer), written directly. */
function encodeLoglessReceipt(r: Receipt, bloom: Uint8Array): Uint8Array {
  const status = r.status === 1 ? Uint8Array.of(1) : new Uint8Array(0);
  const gas = bigIntToUnpaddedBytes(r.cumulativeGasUsed);
  const payload = stringLength(status) + stringLength(gas) + stringLength(bloom) + 1;
  const typed = r.type === 0 ? 0 : 1;
  const out = new Uint8Array(typed + listLength(payload));
  if (typed) out[0] = r.type;
  let at = writeHeader(out, typed, payload, 0xc0);
  at = writeString(out, at, status);
  at = writeString(out, at, gas);
  at = writeString(out, at, bloom);
  out[at] = 0xc0; // no logs
  return out;
}

/** Storage encoding of a block's receipts (no blooms: recomputed on read, only for logs). */
export function encodeReceipts(rs: Receipt[]): Uint8Array {
  return RLP.encode(
    rs.map((r) => [
      intToUnpaddedBytes(r.type),
      intToUnpaddedBytes(r.status),
      bigIntToUnpaddedBytes(r.cumulativeGasUsed),
      bigIntToUnpaddedBytes(r.gasUsed),
      bigIntToUnpaddedBytes(r.effectiveGasPrice),
      encodeLogs(r.logs) as unknown as Uint8Array[],
      r.contractAddress ?? new Uint8Array(0),
    ]),
  );
}

export function decodeReceipts(bytes: Uint8Array): Receipt[] {
  const list = RLP.decode(bytes) as unknown as Uint8Array[][];
  return list.map((f) => ({
    type: bytesToInt(f[0]!),
    status: bytesToInt(f[1]!) === 1 ? 1 : 0,
    cumulativeGasUsed: bytesToBigInt(f[2]!),
    gasUsed: bytesToBigInt(f[3]!),
    effectiveGasPrice: bytesToBigInt(f[4]!),
    logs: decodeLogs(f[5]),
    contractAddress: f[6]!.length === 20 ? f[6]! : undefined,
  }));
}

/** 2048-bit bloom of a set of logs (yellow paper M3:2048). */
export function logsBloom(logs: Log[], into: Uint8Array = new Uint8Array(256)): Uint8Array {
  const add = (v: Uint8Array) => {
    const h = keccak256(v);
    for (let i = 0; i < 6; i += 2) {
      const bit = ((h[i]! << 8) | h[i + 1]!) & 2047;
      into[255 - (bit >> 3)]! |= 1 << (bit & 7);
    }
  };
  for (const l of logs) {
    add(l.address);
    for (const t of l.topics) add(t);
  }
  return into;
}

/** EIP-1559 base fee of the child of a block (elasticity 2, change denominator 8). */
export function nextBaseFee(parent: BlockHeader): bigint {
  const target = parent.gasLimit / 2n;
  if (target === 0n || parent.gasUsed === target) return parent.baseFeePerGas;
  if (parent.gasUsed > target) {
    const delta = (parent.baseFeePerGas * (parent.gasUsed - target)) / target / 8n;
    return parent.baseFeePerGas + (delta > 1n ? delta : 1n);
  }
  const delta = (parent.baseFeePerGas * (target - parent.gasUsed)) / target / 8n;
  return parent.baseFeePerGas - delta;
}
