// Decoding of plain signed transactions without EthereumJS's transaction classes: EIP-1559
// (type 2) and EIP-155 legacy transactions that call an address (not a contract creation) with
// no access list — every transfer. Building a FeeMarket1559Tx (RLP decode into fresh arrays,
// field copies, validation, a frozen object) cost more than a third of a native signature
// recovery per transaction on every node; this reads the fields straight from the received bytes.
//
// It never rejects: anything it does not accept exactly as EthereumJS would (a non-canonical
// encoding, an out-of-range field, another type, an access list, a creation, an unprotected or
// high-s signature...) gives undefined, and the caller decodes the transaction with EthereumJS,
// which accepts it or says why not. light-tx.test.ts holds it to that against EthereumJS on
// valid and malformed inputs.
import {
  Address,
  MAX_INTEGER,
  MAX_UINT64,
  SECP256K1_ORDER_DIV_2,
  bigIntToUnpaddedBytes,
} from "@ethereumjs/util";
import type { Common } from "@ethereumjs/common";
import type { RecoverRequest } from "../crypto/recover-pool.js";
import { keccak256 } from "../crypto/secp256k1.js";
import { listLength, stringLength, writeHeader, writeString } from "./rlp-writer.js";

/** The fields of a transaction that admission and block execution read. */
export interface TxFields {
  type: number;
  nonce: bigint;
  gasLimit: bigint;
  to: Address | undefined;
  value: bigint;
  /** maxPriorityFeePerGas, or gasPrice (legacy, EIP-2930). */
  tip: bigint;
  /** maxFeePerGas, or gasPrice. */
  feeCap: bigint;
  intrinsicGas: bigint;
  /** Entries of the access list (EIP-2930 / EIP-1559; 0 for legacy). */
  accessListLength: number;
}

/** A decoded transaction and what its sender's recovery needs. */
export interface LightTx {
  fields: TxFields;
  req: RecoverRequest;
}

/** A canonical RLP item: where its encoding and its payload start, where it ends, whether a list. */
export interface RlpItem {
  list: boolean;
  at: number;
  start: number;
  end: number;
}

/**
 * The canonical RLP item at `at` that ends at or before `limit`, or undefined where
 * @ethereumjs/rlp would refuse it (a single byte below 0x80 with a prefix, a long form for a
 * short payload, a length with leading zeros, a payload past `limit`) or its length needs more
 * than 3 bytes (no transaction is that long).
 */
export function rlpItem(b: Uint8Array, at: number, limit: number): RlpItem | undefined {
  if (at >= limit) return undefined;
  const p = b[at]!;
  let start: number;
  let length: number;
  if (p < 0x80) return { list: false, at, start: at, end: at + 1 };
  if (p <= 0xb7 || (p >= 0xc0 && p <= 0xf7)) {
    start = at + 1;
    length = p - (p < 0xc0 ? 0x80 : 0xc0);
    if (p === 0x81 && (start >= limit || b[start]! < 0x80)) return undefined;
  } else {
    const lenOfLen = p - (p < 0xc0 ? 0xb7 : 0xf7);
    if (lenOfLen > 3 || at + 1 + lenOfLen > limit || b[at + 1] === 0) return undefined;
    length = 0;
    for (let i = 1; i <= lenOfLen; i++) length = length * 256 + b[at + i]!;
    if (length <= 55) return undefined;
    start = at + 1 + lenOfLen;
  }
  const end = start + length;
  return end <= limit ? { list: p >= 0xc0, at, start, end } : undefined;
}

/** The items of the canonical list spanning exactly [at, limit), or undefined. */
export function listItems(b: Uint8Array, at: number, limit: number): RlpItem[] | undefined {
  const list = rlpItem(b, at, limit);
  if (!list?.list || list.end !== limit) return undefined;
  const items: RlpItem[] = [];
  for (let i = list.start; i < list.end;) {
    const it = rlpItem(b, i, list.end);
    if (!it) return undefined;
    items.push(it);
    i = it.end;
  }
  return items;
}

/** An unsigned integer field of at most `maxBytes` bytes without leading zeros, or undefined. */
function uint(b: Uint8Array, it: RlpItem, maxBytes: number): bigint | undefined {
  const n = it.end - it.start;
  if (it.list || n > maxBytes || (n > 0 && b[it.start] === 0)) return undefined;
  let v = 0n;
  for (let i = it.start; i < it.end; i++) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

function bytesOf(b: Uint8Array, it: RlpItem): Uint8Array {
  return b.subarray(it.start, it.end);
}

/**
 * keccak(prefix ‖ rlp(the first `count` items as received ‖ extra)): a signing hash built from
 * the fields' encodings as received, which are canonical, so the same bytes as re-encoding the
 * decoded fields. `prefix` is the type byte of a typed transaction.
 */
export function signingHash(
  b: Uint8Array,
  items: RlpItem[],
  count: number,
  prefix: number[],
  extra: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const from = items[0]!.at;
  const to = items[count - 1]!.end;
  const payload = to - from + extra.length;
  const msg = new Uint8Array(prefix.length + listLength(payload));
  msg.set(prefix, 0);
  const at = writeHeader(msg, prefix.length, payload, 0xc0);
  msg.set(b.subarray(from, to), at);
  msg.set(extra, at + (to - from));
  return keccak256(msg);
}

interface Params {
  chainId: bigint;
  /** What EIP-155 appends to a legacy transaction's signed fields: rlp(chainId), rlp(0), rlp(0). */
  eip155Suffix: Uint8Array;
  txGas: bigint;
  dataZeroGas: bigint;
  dataNonZeroGas: bigint;
}

const paramsByCommon = new WeakMap<Common, Params>();

function paramsOf(common: Common): Params {
  let p = paramsByCommon.get(common);
  if (!p) {
    const chainId = bigIntToUnpaddedBytes(common.chainId());
    const eip155Suffix = new Uint8Array(stringLength(chainId) + 2).fill(0x80);
    writeString(eip155Suffix, 0, chainId);
    p = {
      chainId: common.chainId(),
      eip155Suffix,
      txGas: common.param("txGas"),
      dataZeroGas: common.param("txDataZeroGas"),
      dataNonZeroGas: common.param("txDataNonZeroGas"),
    };
    paramsByCommon.set(common, p);
  }
  return p;
}

function intrinsicGas(b: Uint8Array, data: RlpItem, p: Params): bigint {
  let zeros = 0;
  for (let i = data.start; i < data.end; i++) if (b[i] === 0) zeros++;
  const n = data.end - data.start;
  return p.txGas + BigInt(zeros) * p.dataZeroGas + BigInt(n - zeros) * p.dataNonZeroGas;
}

/** Signature fields r and s (1–32 bytes, no leading zeros, low s), or undefined. */
function signature(b: Uint8Array, r: RlpItem, s: RlpItem): { r: Uint8Array; s: Uint8Array } | undefined {
  const rv = uint(b, r, 32);
  const sv = uint(b, s, 32);
  if (!rv || !sv || sv > SECP256K1_ORDER_DIV_2) return undefined;
  return { r: bytesOf(b, r), s: bytesOf(b, s) };
}

/**
 * Decode a plain EIP-1559 or EIP-155 legacy transaction for `common`'s chain, or undefined
 * (decode it with EthereumJS instead). Size and type limits are the caller's (tx.ts).
 */
export function decodeLight(raw: Uint8Array, common: Common): LightTx | undefined {
  const p = paramsOf(common);
  if (raw[0] === 2) return decode1559(raw, p);
  if (raw[0]! >= 0xc0) return decodeLegacy(raw, p);
  return undefined;
}

// [chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList, yParity, r, s]
function decode1559(raw: Uint8Array, p: Params): LightTx | undefined {
  const f = listItems(raw, 1, raw.length);
  if (!f || f.length !== 12) return undefined;
  const chainId = uint(raw, f[0]!, 32);
  const nonce = uint(raw, f[1]!, 8);
  const tip = uint(raw, f[2]!, 32);
  const feeCap = uint(raw, f[3]!, 32);
  const gasLimit = uint(raw, f[4]!, 8);
  const value = uint(raw, f[6]!, 32);
  const yParity = uint(raw, f[9]!, 1);
  const [to, data, accessList] = [f[5]!, f[7]!, f[8]!];
  if (
    chainId !== p.chainId ||
    nonce === undefined ||
    nonce >= MAX_UINT64 ||
    tip === undefined ||
    feeCap === undefined ||
    feeCap < tip ||
    gasLimit === undefined ||
    gasLimit > MAX_UINT64 ||
    gasLimit * feeCap > MAX_INTEGER ||
    value === undefined ||
    (yParity !== 0n && yParity !== 1n) ||
    to.list ||
    to.end - to.start !== 20 ||
    data.list ||
    !accessList.list ||
    accessList.end !== accessList.start
  )
    return undefined;
  const sig = signature(raw, f[10]!, f[11]!);
  if (!sig) return undefined;
  return {
    fields: {
      type: 2,
      nonce,
      gasLimit,
      to: new Address(raw.slice(to.start, to.end)),
      value,
      tip,
      feeCap,
      intrinsicGas: intrinsicGas(raw, data, p),
      accessListLength: 0,
    },
    req: { msgHash: signingHash(raw, f, 9, [2]), ...sig, recovery: Number(yParity) },
  };
}

// [nonce, gasPrice, gasLimit, to, value, data, v, r, s], v = chainId × 2 + 35 + recovery
function decodeLegacy(raw: Uint8Array, p: Params): LightTx | undefined {
  // EthereumJS refuses v < 37 (other than 27/28): chain id 0 has no protected v above that.
  if (p.chainId < 1n) return undefined;
  const f = listItems(raw, 0, raw.length);
  if (!f || f.length !== 9) return undefined;
  const nonce = uint(raw, f[0]!, 8);
  const gasPrice = uint(raw, f[1]!, 32);
  const gasLimit = uint(raw, f[2]!, 8);
  const value = uint(raw, f[4]!, 32);
  // EthereumJS compares v as a JavaScript number: stay well inside the safe integers.
  const v = uint(raw, f[6]!, 6);
  const [to, data] = [f[3]!, f[5]!];
  const recovery = v === undefined ? -1 : Number(v - (p.chainId * 2n + 35n));
  if (
    nonce === undefined ||
    nonce >= MAX_UINT64 ||
    gasPrice === undefined ||
    gasLimit === undefined ||
    gasLimit > MAX_UINT64 ||
    gasLimit * gasPrice > MAX_INTEGER ||
    value === undefined ||
    (recovery !== 0 && recovery !== 1) ||
    to.list ||
    to.end - to.start !== 20 ||
    data.list
  )
    return undefined;
  const sig = signature(raw, f[7]!, f[8]!);
  if (!sig) return undefined;
  return {
    fields: {
      type: 0,
      nonce,
      gasLimit,
      to: new Address(raw.slice(to.start, to.end)),
      value,
      tip: gasPrice,
      feeCap: gasPrice,
      intrinsicGas: intrinsicGas(raw, data, p),
      accessListLength: 0,
    },
    req: { msgHash: signingHash(raw, f, 6, [], p.eip155Suffix), ...sig, recovery },
  };
}
