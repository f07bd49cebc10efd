// Decoding a raw signed transaction into a PreparedTx: EIP-2718 envelope or legacy RLP,
// EIP-155 chain id check, low-s check, native sender recovery. No state access and no EVM:
// this is the whole per-transaction cost of eth_sendRawTransaction before the pool. Plain
// transfers are decoded by light-tx.ts, the rest by EthereumJS.
import type { Common } from "@ethereumjs/common";
import { Capability, createTxFromRLP } from "@ethereumjs/tx";
import type { TypedTransaction } from "@ethereumjs/tx";
import { Address, SECP256K1_ORDER_DIV_2, bigIntToUnpaddedBytes } from "@ethereumjs/util";
import { recoverInline } from "../crypto/recover-pool.js";
import type { RecoverPool, RecoverRequest } from "../crypto/recover-pool.js";
import { InvalidSignatureError, keccak256, recoverPublicKey, recoveryFromV } from "../crypto/secp256k1.js";
import type { PreparedTx } from "./executor.js";
import { decodeLight, listItems, signingHash } from "./light-tx.js";
import type { TxFields } from "./light-tx.js";

/** geth's txMaxSize: 4 slots of 32 KiB. */
export const MAX_TX_BYTES = 128 * 1024;

export class TxDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TxDecodeError";
  }
}

/** A decoded transaction before its sender's recovery. `tx`: only when EthereumJS decoded it. */
export interface Decoded {
  fields: TxFields;
  req: RecoverRequest;
  tx?: TypedTransaction;
}

/**
 * Decode and check everything but the signature; returns what recovery needs. Plain transfers
 * are read by light-tx.ts, everything else (and anything it does not accept) by EthereumJS.
 */
function decode(raw: Uint8Array, common: Common): Decoded {
  if (raw.length > MAX_TX_BYTES) throw new TxDecodeError("oversized data");
  if (raw.length === 0) throw new TxDecodeError("invalid transaction: empty data");
  const type = raw[0]!;
  if (type === 3 || type === 4 || (type > 2 && type < 0x7f))
    throw new TxDecodeError("transaction type not supported");
  return decodeLight(raw, common) ?? decodeEthereumJs(raw, common);
}

/** Decode with EthereumJS's transaction classes (exported for the light decoder's equivalence test). */
export function decodeEthereumJs(raw: Uint8Array, common: Common): Decoded & { tx: TypedTransaction } {
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
    fields: fieldsOf(tx),
    req: {
      msgHash: (tx.type !== 0 && typedSigningHash(raw)) || tx.getMessageToVerifySignature(),
      r: bigIntToUnpaddedBytes(tx.r!),
      s: bigIntToUnpaddedBytes(tx.s!),
      recovery,
    },
  };
}

function fieldsOf(tx: TypedTransaction): TxFields {
  const feeMarket = tx.supports(Capability.EIP1559FeeMarket);
  const t = tx as TypedTransaction & {
    gasPrice: bigint;
    maxFeePerGas: bigint;
    maxPriorityFeePerGas: bigint;
    accessList?: unknown[];
  };
  return {
    type: tx.type,
    nonce: tx.nonce,
    gasLimit: tx.gasLimit,
    to: tx.to,
    value: tx.value,
    tip: feeMarket ? t.maxPriorityFeePerGas : t.gasPrice,
    feeCap: feeMarket ? t.maxFeePerGas : t.gasPrice,
    intrinsicGas: tx.getIntrinsicGas(),
    accessListLength: t.accessList?.length ?? 0,
  };
}

/**
 * The signing hash of a typed (EIP-2718) transaction straight from its received bytes:
 * keccak(type ‖ rlp(fields without v, r, s)) instead of re-encoding the decoded transaction
 * (createTxFromRLP has already checked that the encoding is canonical). Undefined if the bytes
 * do not have the expected shape; the caller then falls back to EthereumJS.
 */
function typedSigningHash(raw: Uint8Array): Uint8Array | undefined {
  const items = listItems(raw, 1, raw.length);
  if (!items || items.length < 4) return undefined;
  return signingHash(raw, items, items.length - 3, [raw[0]!]);
}

/**
 * A decoded transaction with its recovered sender. The EthereumJS transaction (runTx, RPC
 * formatting) of one that light-tx.ts decoded is built on first use, with its hash and sender
 * public key seeded so that EthereumJS never recovers the signature or re-serializes it.
 */
class DecodedTx implements PreparedTx {
  constructor(
    readonly raw: Uint8Array,
    readonly hash: Uint8Array,
    readonly sender: Address,
    readonly fields: TxFields,
    private readonly publicKey: Uint8Array,
    private readonly common: Common,
    private ejs: TypedTransaction | undefined,
  ) {
    if (ejs) this.seed(ejs);
  }

  get tx(): TypedTransaction {
    if (!this.ejs) {
      this.ejs = createTxFromRLP(this.raw, { common: this.common });
      this.seed(this.ejs);
    }
    return this.ejs;
  }

  private seed(tx: TypedTransaction): void {
    // The cache is honoured on frozen transactions.
    const cache = (tx as unknown as { cache: { senderPubKey?: Uint8Array; hash?: Uint8Array } }).cache;
    cache.senderPubKey = this.publicKey;
    cache.hash = this.hash;
  }
}

function finish(
  raw: Uint8Array,
  d: Decoded,
  publicKey: Uint8Array | undefined,
  common: Common,
  hash?: Uint8Array,
): PreparedTx {
  if (!publicKey) throw new TxDecodeError("invalid sender");
  // The hash of the bytes as received (as geth does): the same as tx.hash() for the canonical
  // encoding both decoders accept, without re-serializing the transaction.
  const sender = new Address(keccak256(publicKey).subarray(12));
  return new DecodedTx(raw, hash ?? keccak256(raw), sender, d.fields, publicKey, common, d.tx);
}

/** Decode one transaction and recover its sender on this thread (lowest latency). */
export function prepareTx(raw: Uint8Array, common: Common): PreparedTx {
  const d = decode(raw, common);
  let pub: Uint8Array | undefined;
  try {
    pub = recoverPublicKey(d.req.msgHash, d.req.recovery, d.req.r, d.req.s);
  } catch (e) {
    if (!(e instanceof InvalidSignatureError)) throw e;
  }
  return finish(raw, d, pub, common);
}

/**
 * Decode one transaction on this thread and recover its sender on the pool (RPC and gossip
 * admission). `hash`: keccak256(raw), where the caller has computed it already.
 */
export async function prepareTxAsync(
  raw: Uint8Array,
  common: Common,
  pool: RecoverPool,
  hash?: Uint8Array,
): Promise<PreparedTx> {
  const d = decode(raw, common);
  return finish(raw, d, await pool.recoverOne(d.req), common, hash);
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
  const decoded: Decoded[] = new Array(n);
  if (w === 0 || n < 2 * CHUNK) {
    for (let i = 0; i < n; i++) decoded[i] = decode(raws[i]!, common);
    const keys = await pool.recover(decoded.map((d) => d.req));
    return decoded.map((d, i) => finish(raws[i]!, d, keys[i], common));
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
  return decoded.map((d, i) => finish(raws[i]!, d, keys[i], common));
}

/** Signatures per message to a recovery worker. */
const CHUNK = 128;
