// secp256k1 signing and public-key recovery for the node. Native libsecp256k1 (the `secp256k1`
// package ships prebuilt N-API binaries) is ~10-20x faster than pure JS for recovery, which is
// the dominant cost of admitting a transaction; @noble/curves is the fallback where the native
// binding cannot load (other platforms, a broken install).
import { createRequire } from "node:module";
import { secp256k1 as nobleSecp } from "@noble/curves/secp256k1";
import { createKeccak } from "hash-wasm";
import sha3 from "js-sha3";

/** The subset of the `secp256k1` package API we use (its types are CommonJS-only). */
interface NativeSecp256k1 {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
  ecdsaRecover(sig: Uint8Array, recid: number, msg: Uint8Array, compressed: boolean): Uint8Array;
  publicKeyCreate(key: Uint8Array, compressed: boolean): Uint8Array;
  privateKeyVerify(key: Uint8Array): boolean;
}

export class InvalidSignatureError extends Error {
  constructor(message = "invalid signature") {
    super(message);
    this.name = "InvalidSignatureError";
  }
}

function loadNative(): NativeSecp256k1 | null {
  try {
    const require = createRequire(import.meta.url);
    // `secp256k1/bindings` throws when the prebuilt binary is missing, instead of silently
    // falling back to elliptic.js like the package's main entry does.
    return require("secp256k1/bindings") as NativeSecp256k1;
  } catch {
    return null;
  }
}

const native = loadNative();

/** "native" when libsecp256k1 is loaded, "noble" otherwise (reported in logs and benchmarks). */
export const secp256k1Backend: "native" | "noble" = native ? "native" : "noble";

// Keccak-256, the hash of every trie node, transaction and address. hash-wasm's WebAssembly
// Keccak is ~5x faster than js-sha3 for the 32–600-byte inputs of tries and transactions (and
// js-sha3 ~3x faster than @noble/hashes). The module compiles asynchronously: until it is ready
// (the first milliseconds of a process) and wherever WebAssembly is unavailable, js-sha3 answers.
// Both give the same bytes (crypto test).
let wasmKeccak: ((data: Uint8Array) => Uint8Array) | null = null;

/** Resolves once the WebAssembly Keccak is in use (or could not be loaded: js-sha3 stays). */
export const keccakReady: Promise<void> = createKeccak(256).then(
  (hasher) => {
    wasmKeccak = (data) => hasher.init().update(data).digest("binary");
  },
  () => undefined,
);

/** Keccak-256 by js-sha3 (the fallback; exported for the equivalence test). */
export function keccak256Js(data: Uint8Array): Uint8Array {
  return new Uint8Array(sha3.keccak256.arrayBuffer(data));
}

export function keccak256(data: Uint8Array): Uint8Array {
  return wasmKeccak ? wasmKeccak(data) : keccak256Js(data);
}

/** Recover the 64-byte uncompressed public key (no 0x04 prefix) from a 32-byte digest. */
export function recoverPublicKey(
  msgHash: Uint8Array,
  recovery: number,
  r: Uint8Array,
  s: Uint8Array,
): Uint8Array {
  if (recovery !== 0 && recovery !== 1) throw new InvalidSignatureError("invalid signature v value");
  const sig = new Uint8Array(64);
  sig.set(r, 32 - r.length);
  sig.set(s, 64 - s.length);
  if (native) {
    try {
      return native.ecdsaRecover(sig, recovery, msgHash, false).subarray(1);
    } catch {
      throw new InvalidSignatureError();
    }
  }
  try {
    const point = nobleSecp.Signature.fromCompact(sig).addRecoveryBit(recovery).recoverPublicKey(msgHash);
    return point.toRawBytes(false).subarray(1);
  } catch {
    throw new InvalidSignatureError();
  }
}

/** Sign a 32-byte digest (RFC 6979 deterministic nonce, low-s). */
export function signDigest(
  msgHash: Uint8Array,
  privateKey: Uint8Array,
): { r: Uint8Array; s: Uint8Array; recovery: number } {
  if (native) {
    const { signature, recid } = native.ecdsaSign(msgHash, privateKey);
    return { r: signature.subarray(0, 32), s: signature.subarray(32, 64), recovery: recid };
  }
  const sig = nobleSecp.sign(msgHash, privateKey, { lowS: true });
  const compact = sig.toCompactRawBytes();
  return { r: compact.subarray(0, 32), s: compact.subarray(32, 64), recovery: sig.recovery };
}

/** Uncompressed public key without the 0x04 prefix (64 bytes). */
export function publicKeyFromPrivate(privateKey: Uint8Array): Uint8Array {
  if (native) return native.publicKeyCreate(privateKey, false).subarray(1);
  return nobleSecp.getPublicKey(privateKey, false).subarray(1);
}

/** Compressed public key (33 bytes): the consensus key's wire form. */
export function compressedPublicKey(privateKey: Uint8Array): Uint8Array {
  if (native) return native.publicKeyCreate(privateKey, true);
  return nobleSecp.getPublicKey(privateKey, true);
}

export function isValidPrivateKey(privateKey: Uint8Array): boolean {
  if (privateKey.length !== 32) return false;
  if (native) return native.privateKeyVerify(privateKey);
  return nobleSecp.utils.isValidPrivateKey(privateKey);
}

/** 20-byte address of a 64-byte uncompressed public key. */
export function publicKeyToAddressBytes(publicKey: Uint8Array): Uint8Array {
  return keccak256(publicKey).subarray(12);
}

/** Recovery id from a transaction's v (EIP-155 for legacy, 0/1 for typed transactions). */
export function recoveryFromV(v: bigint, chainId?: bigint): number {
  let rec: bigint;
  if (v === 0n || v === 1n) rec = v;
  else if (chainId === undefined) rec = v - 27n;
  else rec = v - (chainId * 2n + 35n);
  if (rec !== 0n && rec !== 1n) throw new InvalidSignatureError("invalid signature v value");
  return Number(rec);
}
