// Read models over the protocol store, shaped like the Solidity structs of
// contracts/interfaces (IMetagraph.Neuron / Metagraph, ISubnets.SubnetInfo, IStaking.ValidatorInfo),
// so the precompiles ABI-encode them as they are and the RPC methods serialize the same data.
import type { Address, Hex } from "viem";
import type { SubnetHyperparams } from "../params.js";
import { ProtocolError } from "./errors.js";
import type { ProtocolStore, TaskSpec, ValidatorRecord } from "./store.js";

export interface NeuronView {
  hotkey: Address;
  coldkey: Address;
  uid: number;
  stake: bigint;
  rank: number;
  trust: number;
  consensus: number;
  incentive: number;
  dividends: number;
  emission: bigint;
  lastUpdate: bigint;
  registeredAt: bigint;
  active: boolean;
  validatorPermit: boolean;
  axon: string;
  modelHash: Hex;
  modelURI: string;
  parentModelHash: Hex;
}

export interface MetagraphView {
  netuid: number;
  blockNumber: bigint;
  lastEpochBlock: bigint;
  n: number;
  hotkeys: Address[];
  coldkeys: Address[];
  stakes: bigint[];
  ranks: number[];
  trust: number[];
  consensus: number[];
  incentive: number[];
  dividends: number[];
  emission: bigint[];
  lastUpdate: bigint[];
  registeredAt: bigint[];
  active: boolean[];
  validatorPermit: boolean[];
  axons: string[];
  modelHashes: Hex[];
  modelURIs: string[];
  parentModelHashes: Hex[];
}

/** ISubnets.Hyperparameters: weightsVersionKey is a uint64 there. */
export type HyperparametersView = Omit<SubnetHyperparams, "weightsVersionKey"> & {
  weightsVersionKey: bigint;
};

export interface SubnetInfoView {
  netuid: number;
  owner: Address;
  name: string;
  registeredAt: bigint;
  lockedAmount: bigint;
  neuronCount: number;
  lastEpochBlock: bigint;
  emissionPerBlock: bigint;
  taskSpecURI: string;
  taskSpec: TaskSpec;
  hyperparameters: HyperparametersView;
}

export interface ValidatorInfoView {
  hotkey: Address;
  coldkey: Address;
  consensusKey: Hex;
  votingPower: bigint;
  selfStake: bigint;
  jailedUntil: bigint;
  tombstoned: boolean;
  active: boolean;
}

export async function requireSubnetExists(store: ProtocolStore, netuid: number): Promise<void> {
  if (!(await store.subnetExists(netuid))) throw new ProtocolError("SubnetNotFound", [netuid]);
}

export async function neuronView(store: ProtocolStore, netuid: number, uid: number): Promise<NeuronView> {
  await requireSubnetExists(store, netuid);
  const s = (await store.getSubnet(netuid))!;
  if (uid >= s.neuronCount) throw new ProtocolError("UidNotFound", [netuid, uid]);
  const n = await store.getNeuron(netuid, uid);
  const extras = await store.getNeuronExtras(netuid, uid);
  return {
    hotkey: n.hotkey,
    coldkey: (await store.hotkeyOwner(n.hotkey)) ?? "0x0000000000000000000000000000000000000000",
    uid,
    stake: await store.getTotalStake(n.hotkey),
    rank: n.rank,
    trust: n.trust,
    consensus: n.consensus,
    incentive: n.incentive,
    dividends: n.dividends,
    emission: n.emission,
    lastUpdate: BigInt(n.lastUpdate),
    registeredAt: BigInt(n.registeredAt),
    active: n.active,
    validatorPermit: n.validatorPermit,
    ...extras,
  };
}

/** The whole subnet as a struct of arrays (element i = UID i). */
export async function metagraphView(store: ProtocolStore, netuid: number): Promise<MetagraphView> {
  await requireSubnetExists(store, netuid);
  const s = (await store.getSubnet(netuid))!;
  const m: MetagraphView = {
    netuid,
    blockNumber: BigInt(store.block),
    lastEpochBlock: BigInt(s.lastEpochBlock),
    n: s.neuronCount,
    hotkeys: [],
    coldkeys: [],
    stakes: [],
    ranks: [],
    trust: [],
    consensus: [],
    incentive: [],
    dividends: [],
    emission: [],
    lastUpdate: [],
    registeredAt: [],
    active: [],
    validatorPermit: [],
    axons: [],
    modelHashes: [],
    modelURIs: [],
    parentModelHashes: [],
  };
  for (let uid = 0; uid < s.neuronCount; uid++) {
    const v = await neuronView(store, netuid, uid);
    m.hotkeys.push(v.hotkey);
    m.coldkeys.push(v.coldkey);
    m.stakes.push(v.stake);
    m.ranks.push(v.rank);
    m.trust.push(v.trust);
    m.consensus.push(v.consensus);
    m.incentive.push(v.incentive);
    m.dividends.push(v.dividends);
    m.emission.push(v.emission);
    m.lastUpdate.push(v.lastUpdate);
    m.registeredAt.push(v.registeredAt);
    m.active.push(v.active);
    m.validatorPermit.push(v.validatorPermit);
    m.axons.push(v.axon);
    m.modelHashes.push(v.modelHash);
    m.modelURIs.push(v.modelURI);
    m.parentModelHashes.push(v.parentModelHash);
  }
  return m;
}

export function hyperparamsView(hp: SubnetHyperparams): HyperparametersView {
  return { ...hp, weightsVersionKey: BigInt(hp.weightsVersionKey) };
}

export async function subnetInfoView(store: ProtocolStore, netuid: number): Promise<SubnetInfoView> {
  await requireSubnetExists(store, netuid);
  const s = (await store.getSubnet(netuid))!;
  const t = await store.getTaskSpec(netuid);
  return {
    netuid,
    owner: s.owner,
    name: netuid === 0 ? "root" : t.name,
    registeredAt: BigInt(s.registeredAt),
    lockedAmount: s.lockedAmount,
    neuronCount: s.neuronCount,
    lastEpochBlock: BigInt(s.lastEpochBlock),
    emissionPerBlock: s.emissionPerBlock,
    taskSpecURI: t.taskSpecURI,
    taskSpec: t.spec,
    hyperparameters: hyperparamsView(s.hyperparams),
  };
}

export async function validatorInfoView(
  store: ProtocolStore,
  v: ValidatorRecord,
): Promise<ValidatorInfoView> {
  const active = (await store.topValidators()).some((t) => t.hotkey === v.hotkey);
  return { ...v, active };
}
