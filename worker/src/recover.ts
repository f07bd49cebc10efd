// Signer recovery for the hot paths of the job API (every signed worker request, every receipt):
// viem's recover* functions `import()` the curve on each call, which costs a trip through the
// module loader's hooks each time (tsx's, for the worker and the test servers). Here the curve is
// imported once; the result is the same checksummed address viem would recover.
//
// Free of Node-only APIs: auth.ts and receipts.ts, which the app imports, use it.
import { secp256k1 } from "@noble/curves/secp256k1";
import { publicKeyToAddress } from "viem/accounts";
import type { Address, Hex } from "viem";

/** The address whose key signed `hash` (32 bytes) with `signature` (65 bytes: r, s, v/yParity). */
export function recoverHashSigner(hash: Hex, signature: Hex): Address {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new Error("invalid signature length");
  const v = Number.parseInt(signature.slice(130), 16);
  const recovery = v === 0 || v === 1 ? v : v === 27 ? 0 : v === 28 ? 1 : undefined;
  if (recovery === undefined) throw new Error("Invalid yParityOrV value");
  const point = secp256k1.Signature.fromCompact(signature.slice(2, 130))
    .addRecoveryBit(recovery)
    .recoverPublicKey(hash.slice(2));
  return publicKeyToAddress(`0x${point.toHex(false)}`);
}
