// Decoding a raw signed transaction into a PreparedTx: EIP-2718 envelope or legacy RLP,
// EIP-155 chain id check, low-s check, native sender recovery. No state access and no EVM:
// this is the whole per-transaction cost of eth_sendRawTransaction before the pool.
import type { Common } from "@ethereumjs/common";
import { createTxFromRLP } from "@ethereumjs/tx";
import type { TypedTransaction } from "@ethereumjs/tx";
import { Address, SECP256K1_ORDER_DIV_2, bigIntToUnpaddedBytes } from "@ethereumjs/util";
import { recoverInline } from "../crypto/recover-pool.js";
import type { RecoverPool, RecoverRequest } from "../crypto/recover-pool.js";
import { InvalidSignatureError, keccak256, recoverPublicKey, recoveryFromV } from "../crypto/secp256k1.js";
import type { PreparedTx } from "./executor.js";

/** geth's txMaxSize: 4 slots of 32 KiB. */
export const MAX_TX_BYTES = 128 * 1024;

export class TxDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TxDecodeError";
  }
}

/** Decode and check everything but the signature; returns what recovery needs. */
function decode(raw: Uint8Array, common: Common): { tx: TypedTransaction; req: RecoverRequest } {
  if (raw.length > MAX_TX_BYTES) throw new TxDecodeError("oversized data");
  if (raw.length === 0) throw new TxDecodeError("invalid transaction: empty data");
  const type = raw[0]!;
  if (type === 3 || type === 4 || (type > 2 && type < 0x7f))
    throw new TxDecodeError("transaction type not supported");
  let tx: TypedTransaction;
  try {
    tx = createTxFromRLP(raw, { common });
  } catch (e) {
    const msg = (e as Error).message;
    if (/chain ?id/i.test(msg)) throw new TxDecodeError("invalid chain id");
    throw new TxDecodeError(`invalid transaction: ${msg.split(" (")[0]!.split("\n")[0]}`);
  }
  if (!tx.isSigned()) throw new TxDecodeError("invalid transaction: not signed");
  const v = tx.v!;
  if (tx.type === 0) {
    // A legacy transaction without EIP-155 is replayable on any chain: geth refuses them over
    // RPC unless --rpc.allow-unprotected-txs; so do we.
    if (v === 27n || v === 28n)
      throw new TxDecodeError("only replay-protected (EIP-155) transactions allowed over RPC");
    const chainId = common.chainId();
    if (v !== chainId * 2n + 35n && v !== chainId * 2n + 36n) throw new TxDecodeError("invalid chain id");
  }
  // EIP-2: high-s signatures are malleable copies of valid ones.
  if (tx.s! > SECP256K1_ORDER_DIV_2) throw new TxDecodeError("invalid sender");
  let recovery: number;
  try {
    recovery = recoveryFromV(v, tx.type === 0 ? common.chainId() : undefined);
  } catch {
    throw new TxDecodeError("invalid sender");
  }
  return {
    tx,
    req: {
      msgHash: (tx.type !== 0 && typedSigningHash(raw)) || tx.getMessageToVerifySignature(),
      r: bigIntToUnpaddedBytes(tx.r!),
      s: bigIntToUnpaddedBytes(tx.s!),
      recovery,
    },
  };
}

/** Offset just past an RLP item's header, and the item's payload length. */
function rlpItem(b: Uint8Array, at: number): { start: number; length: number; list: boolean } | undefined {
  const p = b[at];
  if (p === undefined) return undefined;
  if (p < 0x80) return { start: at, length: 1, list: false };
  if (p <= 0xb7) return { start: at + 1, length: p - 0x80, list: false };
  if (p < 0xc0 || (p > 0xc0 + 55 && p <= 0xff)) {
    const lenOfLen = p < 0xc0 ? p - 0xb7 : p - 0xf7;
    if (lenOfLen > 4 || at + 1 + lenOfLen > b.length) return undefined;
    let length = 0;
    for (let i = 0; i < lenOfLen; i++) length = length * 256 + b[at + 1 + i]!;
    return { start: at + 1 + lenOfLen, length, list: p >= 0xc0 };
  }
  return { start: at + 1, length: p - 0xc0, list: true };
}

/**
 * The signing hash of a typed (EIP-2718) transaction straight from its received bytes:
 * keccak(type ‖ rlp(fields without v, r, s)), built from the fields' encodings as received
 * instead of re-encoding the decoded transaction (createTxFromRLP has already checked that
 * the encoding is canonical). Undefined if the bytes do not have the expected shape; the
 * caller then falls back to EthereumJS.
 */
function typedSigningHash(raw: Uint8Array): Uint8Array | undefined {
  const list = rlpItem(raw, 1);
  if (!list?.list || list.start + list.length !== raw.length) return undefined;
  // Item offsets of the list; the last three are v, r, s.
  const offsets: number[] = [];
  for (let at = list.start; at < raw.length;) {
    offsets.push(at);
    const it = rlpItem(raw, at);
    if (!it) return undefined;
    at = it.start + it.length;
  }
  if (offsets.length < 4) return undefined;
  const end = offsets[offsets.length - 3]!;
  const len = end - list.start;
  const header =
    len <= 55
      ? [0xc0 + len]
      : len < 0x100
        ? [0xf8, len]
        : len < 0x10000
          ? [0xf9, len >> 8, len & 0xff]
          : [0xfa, len >> 16, (len >> 8) & 0xff, len & 0xff];
  const msg = new Uint8Array(1 + header.length + len);
  msg[0] = raw[0]!;
  msg.set(header, 1);
  msg.set(raw.subarray(list.start, end), 1 + header.length);
  return keccak256(msg);
}

function finish(raw: Uint8Array, tx: TypedTransaction, publicKey: Uint8Array | undefined): PreparedTx {
  if (!publicKey) throw new TxDecodeError("invalid sender");
  // The hash of the bytes as received (as geth does): the same as tx.hash() for the canonical
  // encoding createTxFromRLP accepts, without re-serializing the transaction.
  const hash = keccak256(raw);
  // Seed the tx's own cache so EthereumJS (runTx, tx.hash()) never recovers this signature or
  // re-serializes the transaction again (the cache is honoured on frozen transactions).
  const cache = (tx as unknown as { cache: { senderPubKey?: Uint8Array; hash?: Uint8Array } }).cache;
  cache.senderPubKey = publicKey;
  cache.hash = hash;
  const sender = new Address(keccak256(publicKey).subarray(12));
  return { tx, raw, hash, sender };
}

/** Decode one transaction and recover its sender on this thread (lowest latency). */
export function prepareTx(raw: Uint8Array, common: Common): PreparedTx {
  const { tx, req } = decode(raw, common);
  let pub: Uint8Array | undefined;
  try {
    pub = recoverPublicKey(req.msgHash, req.recovery, req.r, req.s);
  } catch (e) {
    if (!(e instanceof InvalidSignatureError)) throw e;
  }
  return finish(raw, tx, pub);
}

/** Decode one transaction on this thread and recover its sender on the pool (RPC admission). */
export async function prepareTxAsync(
  raw: Uint8Array,
  common: Common,
  pool: RecoverPool,
): Promise<PreparedTx> {
  const { tx, req } = decode(raw, common);
  return finish(raw, tx, await pool.recoverOne(req));
}

/**
 * Decode a block's transactions, recovering the senders in parallel on the pool. Pipelined:
 * chunks go to the workers as soon as they are decoded, and this thread, which also decodes
 * everything, recovers only the share that keeps it as busy as each worker.
 */
export async function prepareTxs(
  raws: Uint8Array[],
  common: Common,
  pool: RecoverPool,
): Promise<PreparedTx[]> {
  const n = raws.length;
  const w = pool.size;
  const decoded: { tx: TypedTransaction; req: RecoverRequest }[] = new Array(n);
  if (w === 0 || n < 2 * CHUNK) {
    for (let i = 0; i < n; i++) decoded[i] = decode(raws[i]!, common);
    const keys = await pool.recover(decoded.map((d) => d.req));
    return decoded.map((d, i) => finish(raws[i]!, d.tx, keys[i]));
  }
  // Decoding costs ~0.3 of a recovery: this thread takes M = N(1/w − 0.3)/(1 + 1/w) recoveries.
  const mine = Math.max(0, Math.floor((n * (1 / w - 0.3)) / (1 + 1 / w)));
  const shared = n - mine;
  const jobs: Promise<(Uint8Array | undefined)[]>[] = [];
  for (let start = 0; start < shared; start += CHUNK) {
    const end = Math.min(start + CHUNK, shared);
    for (let i = start; i < end; i++) decoded[i] = decode(raws[i]!, common);
    jobs.push(pool.submit(decoded.slice(start, end).map((d) => d.req)));
  }
  const keys: (Uint8Array | undefined)[] = [];
  for (let i = shared; i < n; i++) decoded[i] = decode(raws[i]!, common);
  const own = decoded.slice(shared).map((d) => recoverInline(d.req));
  for (const part of await Promise.all(jobs)) keys.push(...part);
  keys.push(...own);
  return decoded.map((d, i) => finish(raws[i]!, d.tx, keys[i]));
}

/** Signatures per message to a recovery worker. */
const CHUNK = 128;
