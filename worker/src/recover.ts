// Signer recovery for the hot paths of the job API (every signed worker request, every receipt),
// through the node's secp256k1 module (chain/src/crypto/secp256k1.ts): native libsecp256k1 where
// its prebuilt binding loads (~50 µs per recovery), @noble/curves otherwise (~1.5 ms). viem's
// recover* functions are pure JavaScript and `import()` the curve on each call. The result is
// the same checksummed address viem would recover (recover.test.ts compares them).
import { getAddress, hexToBytes, bytesToHex, type Address, type Hex } from "viem";
import {
  publicKeyToAddressBytes,
  recoverPublicKey,
  secp256k1Backend,
} from "@tensorchain/chain/src/crypto/secp256k1.js";

/** "native" (libsecp256k1) or "noble" (JavaScript fallback): which one recovers signers here. */
export const recoveryBackend = secp256k1Backend;

/** The address whose key signed `hash` (32 bytes) with `signature` (65 bytes: r, s, v/yParity). */
export function recoverHashSigner(hash: Hex, signature: Hex): Address {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new Error("invalid signature length");
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) throw new Error("invalid hash length");
  const v = Number.parseInt(signature.slice(130), 16);
  const recovery = v === 0 || v === 1 ? v : v === 27 ? 0 : v === 28 ? 1 : undefined;
  if (recovery === undefined) throw new Error("Invalid yParityOrV value");
  const sig = hexToBytes(signature);
  const publicKey = recoverPublicKey(hexToBytes(hash), recovery, sig.subarray(0, 32), sig.subarray(32, 64));
  return getAddress(bytesToHex(publicKeyToAddressBytes(publicKey)));
}
