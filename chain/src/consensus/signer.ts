// Native (libsecp256k1) consensus signer and verifier for the node; falls back to @noble/curves
// inside chain/src/crypto/secp256k1.ts where the binding is unavailable.
import { secp256k1 } from "@noble/curves/secp256k1";
import { compressedPublicKey, isValidPrivateKey, recoverPublicKey, signDigest } from "../crypto/secp256k1.js";
import type { ConsensusSigner, ConsensusVerifier } from "./crypto.js";
import { SIGNATURE_LENGTH, equalBytes } from "./types.js";

export class InvalidConsensusKeyError extends Error {
  constructor(message = "invalid consensus private key") {
    super(message);
    this.name = "InvalidConsensusKeyError";
  }
}

/** s must be in the lower half of the group order, so a signature has one valid encoding. */
const HALF_ORDER = secp256k1.CURVE.n >> 1n;

function isLowS(s: Uint8Array): boolean {
  let v = 0n;
  for (const b of s) v = (v << 8n) | BigInt(b);
  return v > 0n && v <= HALF_ORDER;
}

export class KeySigner implements ConsensusSigner {
  readonly pubKey: Uint8Array;
  constructor(private readonly privateKey: Uint8Array) {
    if (!isValidPrivateKey(privateKey)) throw new InvalidConsensusKeyError();
    this.pubKey = compressedPublicKey(privateKey);
  }
  sign(digest: Uint8Array): Uint8Array {
    const { r, s, recovery } = signDigest(digest, this.privateKey);
    const out = new Uint8Array(SIGNATURE_LENGTH);
    out.set(r, 32 - r.length);
    out.set(s, 64 - s.length);
    out[64] = recovery;
    return out;
  }
}

// Decompressing a key costs a square root; validator keys repeat for every vote, so cache.
const uncompressedCache = new WeakMap<Uint8Array, Uint8Array>();
function uncompressed(pubKey: Uint8Array): Uint8Array {
  let u = uncompressedCache.get(pubKey);
  if (!u) {
    u = secp256k1.ProjectivePoint.fromHex(pubKey).toRawBytes(false).subarray(1);
    uncompressedCache.set(pubKey, u);
  }
  return u;
}

/** Verification by public-key recovery: native recovery is faster than noble's verify. */
export const nativeVerifier: ConsensusVerifier = {
  verify(digest, signature, validator) {
    if (signature.length !== SIGNATURE_LENGTH) return false;
    const recovery = signature[64]!;
    if (recovery > 1) return false;
    const s = signature.subarray(32, 64);
    if (!isLowS(s)) return false;
    try {
      return equalBytes(
        recoverPublicKey(digest, recovery, signature.subarray(0, 32), s),
        uncompressed(validator.pubKey),
      );
    } catch {
      return false;
    }
  },
};
