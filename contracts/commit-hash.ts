// The weights commit hash of the commit-reveal scheme (PROTOCOL.md, "Neurons"): the validator's
// worker computes it before `commitWeights`, the node recomputes it in `revealWeights`. One
// definition so both always agree with Solidity's
// keccak256(abi.encode(hotkey, netuid, uids, values, salt, versionKey)).
import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

export const WEIGHTS_COMMIT_PARAMETERS = [
  { name: "hotkey", type: "address" },
  { name: "netuid", type: "uint16" },
  { name: "uids", type: "uint16[]" },
  { name: "values", type: "uint16[]" },
  { name: "salt", type: "bytes32" },
  { name: "versionKey", type: "uint64" },
] as const;

export interface WeightsCommitInput {
  hotkey: Address;
  netuid: number;
  uids: readonly number[];
  values: readonly number[];
  salt: Hex;
  versionKey: bigint;
}

export function weightsCommitHash(input: WeightsCommitInput): Hex {
  return keccak256(
    encodeAbiParameters(WEIGHTS_COMMIT_PARAMETERS, [
      input.hotkey,
      input.netuid,
      input.uids,
      input.values,
      input.salt,
      input.versionKey,
    ]),
  );
}
