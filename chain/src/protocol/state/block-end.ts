// The protocol's block-end step: each block's emission is split across subnets and accrues
// per subnet; at a subnet's epoch block (schedule.ts) the accrued emission E is paid out by a
// Yuma epoch (epoch.ts) over the subnet's stored state, whose per-UID results are written back.
// Payouts are minted: miners' emission is staked to their hotkey (subtensor's rule: emission
// compounds into stake), validators' dividends are split between the hotkey owner's take and
// the delegators (staking.ts) and compound into their positions, and the owner cut is added to
// the subnet owner's coldkey balance. Every minted wei is accounted for:
// Σ minted = Σ E − unminted, where unminted is only E of an epoch nobody can be paid for.
import type { Address } from "viem";
import { accumulateEmission, splitBlockEmission, subnetEmissionShares } from "../emission.js";
import { runEpoch, type EpochNeuronInput } from "../epoch.js";
import { fixedToU16, u16ToFixed } from "../fixed.js";
import { PRECOMPILES } from "../params.js";
import { isEpochBlock } from "../schedule.js";
import { splitDividends } from "../staking.js";
import type { ProtocolStore } from "./store.js";

export interface EpochSummary {
  netuid: number;
  /** E: the subnet's accrued emission paid by this epoch, wei. */
  emission: bigint;
  /** Minted (E − unminted), wei: miners + validators/delegators + owner cut. */
  minted: bigint;
  ownerEmission: bigint;
}

export interface BlockEndResult {
  /** Emission accrued this block per subnet, wei. */
  accrued: Map<number, bigint>;
  epochs: EpochSummary[];
  /** Total wei minted this block (the sum of the epochs' minted). */
  minted: bigint;
}

/**
 * Runs the protocol's block-end work on `store` (whose block is the block being finished).
 * Deterministic: it reads and writes only protocol storage and balances.
 */
export async function runBlockEnd(store: ProtocolStore): Promise<BlockEndResult> {
  const block = store.block;
  const netuids = (await store.netuids()).filter((n) => n !== 0);
  // The root step: the consensus set's weights over subnets, by voting power (equal split
  // when nobody set root weights).
  const validators = [];
  for (const v of await store.topValidators())
    validators.push({ stake: v.votingPower, weights: await store.getRootWeights(v.hotkey) });
  const shares = subnetEmissionShares({ netuids, validators, kappa: store.params.subnetDefaults.kappa });
  const accrued = splitBlockEmission(store.params.blockEmission, shares);
  const subnets = [];
  for (const netuid of netuids) subnets.push((await store.getSubnet(netuid))!);
  const pending = accumulateEmission(new Map(subnets.map((s) => [s.netuid, s.pendingEmission])), accrued);
  const epochs: EpochSummary[] = [];
  let minted = 0n;
  for (const s of subnets) {
    let due = pending.get(s.netuid) ?? 0n;
    // A subnet without neurons has nobody to pay: its emission waits for its first neurons.
    if (isEpochBlock(s.netuid, s.hyperparams.tempo, block) && s.neuronCount > 0) {
      const summary = await runSubnetEpoch(store, s.netuid, due);
      epochs.push(summary);
      minted += summary.minted;
      due = 0n;
    }
    await store.setPendingEmission(s.netuid, due, accrued.get(s.netuid) ?? 0n);
  }
  return { accrued, epochs, minted };
}

/** Loads the subnet into the epoch, runs it, writes the results back and pays `emission`. */
export async function runSubnetEpoch(
  store: ProtocolStore,
  netuid: number,
  emission: bigint,
): Promise<EpochSummary> {
  const s = await store.getSubnet(netuid);
  if (!s) throw new Error(`runSubnetEpoch: subnet ${netuid} does not exist`);
  const hp = s.hyperparams;
  const records = [];
  const inputs: EpochNeuronInput[] = [];
  for (let uid = 0; uid < s.neuronCount; uid++) {
    const n = await store.getNeuron(netuid, uid);
    const bonds = await store.getBonds(netuid, uid);
    records.push(n);
    inputs.push({
      stake: await store.getTotalStake(n.hotkey),
      registeredAt: n.registeredAt,
      lastUpdate: n.lastUpdate,
      validatorPermit: n.validatorPermit,
      weights: await store.getWeights(netuid, uid),
      bonds: { uids: bonds.uids, values: bonds.values.map(u16ToFixed) },
    });
  }
  const out = runEpoch({
    currentBlock: store.block,
    lastEpochBlock: s.lastEpochBlock,
    emission,
    params: {
      kappa: hp.kappa,
      bondsMovingAverage: hp.bondsMovingAverage,
      maxValidators: hp.maxValidators,
      activityCutoff: hp.activityCutoff,
      stakeThreshold: store.params.stakeThreshold,
      ownerCutPercent: store.params.ownerCutPercent,
    },
    neurons: inputs,
  });
  // Rank: 1 = highest incentive, ties to the lower UID.
  const order = out.neurons
    .map((_, uid) => uid)
    .sort((a, b) => out.neurons[b]!.incentive - out.neurons[a]!.incentive || a - b);
  const rank = new Array<number>(order.length);
  order.forEach((uid, k) => (rank[uid] = k + 1));

  let paid = 0n;
  for (let uid = 0; uid < records.length; uid++) {
    const r = records[uid]!;
    const o = out.neurons[uid]!;
    await store.putNeuron(netuid, {
      ...r,
      active: o.active,
      validatorPermit: o.validatorPermit,
      stakeShare: fixedToU16(o.stake),
      trust: fixedToU16(o.validatorTrust),
      consensus: fixedToU16(o.consensus),
      incentive: fixedToU16(o.incentive),
      dividends: fixedToU16(o.dividends),
      rank: rank[uid]!,
      emission: o.emission,
    });
    // Bonds stored as u16 fractions (8 pairs a word); zeros are dropped.
    const bu: number[] = [];
    const bv: number[] = [];
    o.bonds.uids.forEach((j, k) => {
      const v = fixedToU16(o.bonds.values[k]!);
      if (v > 0) {
        bu.push(j);
        bv.push(v);
      }
    });
    await store.putBonds(netuid, uid, bu, bv);
    if (o.emission > 0n) {
      await payNeuron(store, r.hotkey, o.emission, o.dividends > 0);
      paid += o.emission;
    }
  }
  if (paid > 0n) await store.mint(PRECOMPILES.staking, paid);
  let ownerEmission = out.ownerEmission;
  // The root subnet has no owner; a subnet's owner cut is the owner's coldkey balance.
  if (s.owner === "0x0000000000000000000000000000000000000000") ownerEmission = 0n;
  if (ownerEmission > 0n) await store.mint(s.owner, ownerEmission);
  await store.setLastEpochBlock(netuid, store.block);
  const minted = paid + ownerEmission;
  store.events.push({
    contract: "metagraph",
    eventName: "EpochCompleted",
    args: { netuid, blockNumber: BigInt(store.block), emission: minted },
  });
  return { netuid, emission, minted, ownerEmission };
}

/**
 * Stakes a UID's emission. A UID that earned dividends is a validator: its emission is split
 * between the owner's take and the delegators pro rata (the owner's own position included);
 * otherwise (a miner) all of it is staked on the hotkey for its owning coldkey.
 */
async function payNeuron(
  store: ProtocolStore,
  hotkey: Address,
  amount: bigint,
  validator: boolean,
): Promise<void> {
  const owner = await store.hotkeyOwner(hotkey);
  if (owner === null) throw new Error(`payNeuron: hotkey ${hotkey} is registered but not bound`);
  if (!validator) {
    await store.creditStake(owner, hotkey, amount);
    return;
  }
  const positions = (await store.positions(hotkey)).filter((p) => p.stake > 0n);
  const payout = splitDividends(amount, await store.getTake(hotkey), owner, positions);
  for (const [coldkey, wei] of payout) if (wei > 0n) await store.creditStake(coldkey as Address, hotkey, wei);
}

/** A consensus fault of a chain validator, decided by the consensus engine from block evidence. */
export interface Punishment {
  hotkey: Address;
  kind: "doubleSign" | "downtime";
}

/**
 * Applies a fault with the genesis slashing parameters (Cosmos SDK defaults): double sign →
 * slash doubleSignSlashPercent of bonded and unbonding stake and tombstone; downtime → slash
 * downtimeSlashPercent and jail for downtimeJailSeconds from the block's timestamp. A hotkey
 * that is not a registered validator (or already tombstoned) is left alone. Returns the wei slashed.
 */
export async function applyPunishment(store: ProtocolStore, p: Punishment): Promise<bigint> {
  const v = await store.getValidator(p.hotkey);
  if (!v || v.tombstoned) return 0n;
  if (p.kind === "doubleSign") {
    const slashed = await store.slash(p.hotkey, store.params.doubleSignSlashPercent, 0);
    await store.tombstone(p.hotkey);
    return slashed;
  }
  const slashed = await store.slash(p.hotkey, store.params.downtimeSlashPercent, 1);
  await store.jail(p.hotkey, store.timestamp + BigInt(store.params.downtimeJailSeconds));
  return slashed;
}
