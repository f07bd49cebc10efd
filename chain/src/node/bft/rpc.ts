// `tensorchain_*` RPC methods of the BFT driver, registered on the node's backend:
//   tensorchain_getCommit(height)  → the commit certificate that finalised that block, or null
//   tensorchain_getValidators()    → the validator set (with proposer priorities) of the current height
//   tensorchain_consensusState()   → { height, round, step }
//   tensorchain_getEvidence()      → double-sign evidence this node holds, not yet included in a block
import { z } from "zod";
import { InvalidParamsError } from "../../rpc/backend.js";
import { bytesToHex } from "../../consensus/types.js";
import type { Vote } from "../../consensus/types.js";
import type { BftDriver } from "./driver.js";

const heightParam = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^0x[0-9a-fA-F]{1,16}$/)
    .transform((s) => Number(BigInt(s))),
]);

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

function voteJson(v: Vote) {
  return {
    type: v.type,
    height: hex(v.height),
    round: hex(v.round),
    blockHash: v.blockHash,
    validator: v.validator,
    signature: bytesToHex(v.signature),
  };
}

export function bftRpcMethods(d: BftDriver): Record<string, (params: unknown[]) => Promise<unknown>> {
  return {
    tensorchain_getCommit: async (params) => {
      const parsed = heightParam.safeParse(params[0]);
      if (!parsed.success) throw new InvalidParamsError("height must be a number or 0x-hex quantity");
      const c = await d.getCertificate(parsed.data);
      if (!c) return null;
      return {
        height: hex(c.height),
        round: hex(c.round),
        blockHash: c.blockHash,
        signatures: c.signatures.map((s) => ({ validator: s.validator, signature: bytesToHex(s.signature) })),
      };
    },
    tensorchain_getValidators: async () => ({
      height: hex(d.height),
      totalPower: hex(d.validators.totalPower),
      validators: d.validators.validators.map((v) => ({
        address: v.address,
        pubKey: bytesToHex(v.pubKey),
        power: hex(v.power),
        priority: v.priority.toString(),
      })),
    }),
    tensorchain_consensusState: async () => ({ height: hex(d.height), round: hex(d.round), step: d.step }),
    tensorchain_netInfo: async () => d.netInfo(),
    tensorchain_getEvidence: async () =>
      [...d.evidence.values()].map((e) => ({
        kind: e.kind,
        voteA: voteJson(e.voteA),
        voteB: voteJson(e.voteB),
      })),
  };
}
