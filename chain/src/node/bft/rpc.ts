// `tensorchain_*` RPC methods of the BFT driver, registered on the node's backend:
//   tensorchain_getCommit(height)  → the commit certificate that finalised that block, or null
//   tensorchain_getValidators([height?]) → the validator set (with proposer priorities) of the
//        current height (or of `height`: the set that signs that block), the epoch it was
//        computed at, and every registered validator's status, power and missed blocks
//   tensorchain_consensusState()   → { height, round, step }
//   tensorchain_getEvidence()      → double-sign evidence this node holds, not yet included in a block
import { z } from "zod";
import { InvalidParamsError, ResourceNotFoundError } from "../../rpc/backend.js";
import { bytesToHex } from "../../consensus/types.js";
import type { Vote } from "../../consensus/types.js";
import type { Genesis } from "../../genesis/schema.js";
import type { Chain } from "../chain.js";
import type { BftDriver } from "./driver.js";
import { ValidatorSetHistory, validatorsReport } from "./validator-set.js";
import type { ValidatorsReport } from "./validator-set.js";

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

function validatorsJson(r: ValidatorsReport) {
  return {
    height: hex(r.height),
    totalPower: hex(r.set.totalPower),
    validators: r.set.validators.map((v) => ({
      address: v.address,
      pubKey: bytesToHex(v.pubKey),
      power: hex(v.power),
      priority: v.priority.toString(),
    })),
    epoch: r.epoch,
    epochBlock: hex(r.epochBlock),
    downtimeWindow: r.downtimeWindow,
    maxMissedBlocks: r.maxMissedBlocks,
    registered: r.registered.map((v) => ({
      address: v.hotkey.toLowerCase(),
      coldkey: v.coldkey.toLowerCase(),
      consensusKey: v.consensusKey,
      status: v.status,
      jailedUntil: v.jailedUntil === 0n ? null : hex(v.jailedUntil),
      power: hex(v.power),
      bondedStake: hex(v.votingPower),
      selfStake: hex(v.selfStake),
      missedBlocks: v.missedBlocks,
    })),
  };
}

export function bftRpcMethods(
  d: BftDriver,
  node: { chain: Chain; genesis: Genesis },
): Record<string, (params: unknown[]) => Promise<unknown>> {
  const history = new ValidatorSetHistory(node.chain, node.genesis);
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
    tensorchain_getValidators: async (params) => {
      const next = Number(node.chain.head.header.number) + 1;
      let height = next;
      if (params[0] !== undefined && params[0] !== null) {
        const parsed = heightParam.safeParse(params[0]);
        if (!parsed.success) throw new InvalidParamsError("height must be a number or 0x-hex quantity");
        height = parsed.data;
        if (height < 1 || height > next)
          throw new ResourceNotFoundError(
            `no validator set for height ${height}: heights 1..${next} are known`,
          );
      }
      // The running height's set is the driver's own (it is at head + 1 except between a
      // commit and the next height's start); any other comes from the replayed history.
      const set = height === next && d.height === next ? d.validators : await history.at(height);
      return validatorsJson(await validatorsReport(node.chain, node.genesis, height, set));
    },
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
