// Registration economics and pruning (PROTOCOL.md, "Subnets" and "Neurons"): the neuron
// registration burn, the subnet lock cost, and which UID a registration replaces when the
// subnet is full. Pure functions over small state records that the protocol state stores.
import { halfLifeDecay } from "./fixed.js";
import type { ProtocolParams, SubnetHyperparams } from "./params.js";

export class RegistrationError extends Error {
  override name = "RegistrationError";
}

function checkBlock(block: number, what: string): void {
  if (!Number.isSafeInteger(block) || block < 0)
    throw new RegistrationError(`${what}: expected a block number, got ${block}`);
}

function clamp(v: bigint, lo: bigint, hi: bigint): bigint {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Stored per subnet: the burn right after the last registration, and when that was. */
export interface BurnState {
  burn: bigint;
  block: number;
}

export type BurnParams = Pick<
  SubnetHyperparams,
  "burnStart" | "burnIncreasePermille" | "burnHalfLife" | "minBurn" | "maxBurn"
>;

/** Burn state of a new subnet created at `block`. */
export function initialBurnState(params: BurnParams, block: number): BurnState {
  checkBlock(block, "initialBurnState");
  return { burn: clamp(params.burnStart, params.minBurn, params.maxBurn), block };
}

/**
 * The registration cost at `block`: the last burn halved every burnHalfLife blocks since
 * (integer-only decay), clamped to [minBurn, maxBurn].
 */
export function currentBurn(state: BurnState, params: BurnParams, block: number): bigint {
  checkBlock(block, "currentBurn");
  if (block < state.block)
    throw new RegistrationError(
      `currentBurn: block ${block} precedes the last registration at ${state.block}`,
    );
  return clamp(
    halfLifeDecay(state.burn, block - state.block, params.burnHalfLife),
    params.minBurn,
    params.maxBurn,
  );
}

/**
 * State after a registration at `block` that paid currentBurn(): the cost rises by
 * burnIncreasePermille/1000 (×1.26 by default), clamped, and decays from this block on.
 */
export function burnAfterRegistration(state: BurnState, params: BurnParams, block: number): BurnState {
  const paid = currentBurn(state, params, block);
  const next = (paid * BigInt(params.burnIncreasePermille)) / 1000n;
  return { burn: clamp(next, params.minBurn, params.maxBurn), block };
}

/** Stored chain-wide: the lock paid by the last subnet registration and when (null: none yet). */
export type NetworkLockState = { lock: bigint; block: number } | null;

export type NetworkLockParams = Pick<
  ProtocolParams,
  "networkLockStart" | "networkLockMin" | "networkLockHalfLife"
>;

/**
 * The cost to register a subnet at `block`: networkLockStart for the first; afterwards twice the
 * last lock, halved every networkLockHalfLife blocks since, never below networkLockMin.
 */
export function networkLockCost(state: NetworkLockState, params: NetworkLockParams, block: number): bigint {
  checkBlock(block, "networkLockCost");
  if (state === null)
    return params.networkLockStart > params.networkLockMin ? params.networkLockStart : params.networkLockMin;
  if (block < state.block)
    throw new RegistrationError(
      `networkLockCost: block ${block} precedes the last registration at ${state.block}`,
    );
  const decayed = halfLifeDecay(state.lock * 2n, block - state.block, params.networkLockHalfLife);
  return decayed > params.networkLockMin ? decayed : params.networkLockMin;
}

/** State after a subnet registration at `block` that locked networkLockCost(). */
export function networkLockAfterRegistration(
  state: NetworkLockState,
  params: NetworkLockParams,
  block: number,
): NetworkLockState {
  return { lock: networkLockCost(state, params, block), block };
}

export interface PruningCandidate {
  uid: number;
  registeredAt: number;
  /** Emission of the UID in the last epoch, wei: the pruning score. */
  emission: bigint;
}

/** A UID is immune for immunityPeriod blocks after its registration. */
export function isImmune(registeredAt: number, immunityPeriod: number, block: number): boolean {
  return block < registeredAt + immunityPeriod;
}

/**
 * The UID a registration replaces when the subnet is full: the non-immune UID with the lowest
 * emission (ties: earliest registered, then lowest UID). If every UID is immune, the same rule
 * over all of them: a full subnet always accepts a registration (subtensor picks the lowest
 * pruning score overall in that case too), so the burn, not immunity, bounds churn.
 * Returns null for an empty subnet.
 */
export function choosePruneUid(
  neurons: readonly PruningCandidate[],
  immunityPeriod: number,
  block: number,
): number | null {
  checkBlock(block, "choosePruneUid");
  const better = (a: PruningCandidate, b: PruningCandidate): boolean =>
    a.emission !== b.emission
      ? a.emission < b.emission
      : a.registeredAt !== b.registeredAt
        ? a.registeredAt < b.registeredAt
        : a.uid < b.uid;
  let best: PruningCandidate | null = null;
  let bestImmune: PruningCandidate | null = null;
  for (const nr of neurons) {
    if (isImmune(nr.registeredAt, immunityPeriod, block)) {
      if (bestImmune === null || better(nr, bestImmune)) bestImmune = nr;
    } else if (best === null || better(nr, best)) {
      best = nr;
    }
  }
  return (best ?? bestImmune)?.uid ?? null;
}
