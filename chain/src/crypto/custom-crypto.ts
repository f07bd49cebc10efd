// EthereumJS `Common.customCrypto` wired to our secp256k1 module, so every sender recovery
// inside @ethereumjs/tx (tx.getSenderAddress) and every signature made by tx.sign runs native.
import type { CustomCrypto } from "@ethereumjs/common";
import { keccak256, recoverPublicKey, recoveryFromV, signDigest } from "./secp256k1.js";

function ecrecover(
  msgHash: Uint8Array,
  v: bigint,
  r: Uint8Array,
  s: Uint8Array,
  chainId?: bigint,
): Uint8Array {
  return recoverPublicKey(msgHash, recoveryFromV(v, chainId), r, s);
}

/** Same contract as noble's `secp256k1.sign(..., { format: "recovered" })`: [recovery, r, s]. */
function ecsign(msgHash: Uint8Array, privateKey: Uint8Array): Uint8Array {
  const { r, s, recovery } = signDigest(msgHash, privateKey);
  const out = new Uint8Array(65);
  out[0] = recovery;
  out.set(r, 1);
  out.set(s, 33);
  return out;
}

export const nodeCustomCrypto: CustomCrypto = {
  keccak256,
  ecrecover,
  ecsign: ecsign as unknown as CustomCrypto["ecsign"],
  ecdsaRecover: (sig: Uint8Array, recId: number, hash: Uint8Array) =>
    recoverPublicKey(hash, recId, sig.subarray(0, 32), sig.subarray(32, 64)),
};
