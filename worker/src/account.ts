// The worker's signing account: viem's private-key account, with the signatures a worker makes
// on every job (each request to the queue, each receipt) computed by the node's secp256k1 module
// (chain/src/crypto/secp256k1.ts: native libsecp256k1 where it loads, @noble/curves otherwise).
// Both sign with RFC 6979 nonces and low s, so the signatures are byte-for-byte viem's
// (account.test.ts checks it); the native path takes tens of µs instead of a millisecond or two.
import {
  bytesToHex,
  hashMessage,
  hashTypedData,
  hexToBytes,
  serializeSignature,
  type Hex,
  type LocalAccount,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { signDigest } from "@tensorchain/chain/src/crypto/secp256k1.js";

export function workerAccount(privateKey: Hex): LocalAccount {
  const base = privateKeyToAccount(privateKey);
  const key = hexToBytes(privateKey);
  const signHash = (hash: Hex): Hex => {
    const { r, s, recovery } = signDigest(hexToBytes(hash), key);
    return serializeSignature({ r: bytesToHex(r), s: bytesToHex(s), yParity: recovery });
  };
  return {
    ...base,
    sign: async ({ hash }) => signHash(hash),
    signMessage: async ({ message }) => signHash(hashMessage(message)),
    signTypedData: async (typedData) => signHash(hashTypedData(typedData)),
  };
}
