// Signature ports of the consensus layer, and the browser-safe verifier (@noble/curves) the
// light client uses. The node plugs in the native signer/verifier from signer.ts; simulations
// may plug in a cheap deterministic scheme with the same interface.
import { secp256k1 } from "@noble/curves/secp256k1";
import type { Validator } from "./types.js";
import { SIGNATURE_LENGTH } from "./types.js";

/** Signs a 32-byte consensus digest with this node's consensus key: 65 bytes r‖s‖recovery. */
export interface ConsensusSigner {
  sign(digest: Uint8Array): Uint8Array;
}

export interface ConsensusVerifier {
  /** True when `signature` over `digest` was made by `validator`'s consensus key. */
  verify(
    digest: Uint8Array,
    signature: Uint8Array,
    validator: Pick<Validator, "pubKey" | "address">,
  ): boolean;
}

/** Pure-JS secp256k1 verification: low-s, recovery byte 0/1, key from the validator set. */
export const nobleVerifier: ConsensusVerifier = {
  verify(digest, signature, validator) {
    if (signature.length !== SIGNATURE_LENGTH || signature[64]! > 1) return false;
    try {
      return secp256k1.verify(signature.subarray(0, 64), digest, validator.pubKey, {
        lowS: true,
        prehash: false,
        format: "compact",
      });
    } catch {
      return false;
    }
  },
};
