// Delegation arithmetic (PROTOCOL.md, "Staking" and "Consensus set and slashing"): splitting a
// hotkey's dividends between its owner's take and its delegators, unbonding entries, and
// slashing bonded and unbonding stake. Everything is exact in wei: amounts are conserved to
// the last wei and remainders have a stated owner.
import { apportion } from "./fixed.js";
import { U16_MAX } from "./params.js";

export class StakingError extends Error {
  override name = "StakingError";
}

/** One delegation position: a coldkey's stake on the hotkey, wei. */
export interface StakePosition {
  coldkey: string;
  stake: bigint;
}

/**
 * Splits `amount` wei of a hotkey's dividends: the owner (coldkey `owner`) takes
 * floor(amount·take/65535); the rest goes to every position (the owner's own included) pro rata
 * to its stake, each floored, and the wei left by flooring go to the owner. Returns the payout
 * per coldkey (summing to exactly `amount`); with no stake at all everything goes to the owner.
 */
export function splitDividends(
  amount: bigint,
  take: number,
  owner: string,
  positions: readonly StakePosition[],
): Map<string, bigint> {
  if (amount < 0n) throw new StakingError("splitDividends: negative amount");
  if (!Number.isInteger(take) || take < 0 || take > U16_MAX)
    throw new StakingError(`splitDividends: take ${take} is not a u16 fraction`);
  const payout = new Map<string, bigint>();
  const ownerTake = (amount * BigInt(take)) / BigInt(U16_MAX);
  let rest = amount - ownerTake;
  let total = 0n;
  for (const p of positions) {
    if (p.stake < 0n) throw new StakingError(`splitDividends: negative stake for ${p.coldkey}`);
    total += p.stake;
  }
  let given = 0n;
  if (total > 0n) {
    for (const p of positions) {
      const share = (rest * p.stake) / total;
      if (share === 0n) continue;
      payout.set(p.coldkey, (payout.get(p.coldkey) ?? 0n) + share);
      given += share;
    }
  }
  rest -= given;
  payout.set(owner, (payout.get(owner) ?? 0n) + ownerTake + rest);
  return payout;
}

/** Positions after dividends compound into stake (a payee without a position gets one). */
export function compoundDividends(
  positions: readonly StakePosition[],
  payout: ReadonlyMap<string, bigint>,
): StakePosition[] {
  const next = positions.map((p) => ({ coldkey: p.coldkey, stake: p.stake + (payout.get(p.coldkey) ?? 0n) }));
  const known = new Set(positions.map((p) => p.coldkey));
  for (const [coldkey, amount] of payout)
    if (!known.has(coldkey) && amount > 0n) next.push({ coldkey, stake: amount });
  return next;
}

export interface UnbondingEntry {
  coldkey: string;
  hotkey: string;
  amount: bigint;
  /** First block at which the amount can be withdrawn. */
  releaseBlock: number;
}

/** The entry a removeStake at `block` creates. */
export function startUnbonding(
  coldkey: string,
  hotkey: string,
  amount: bigint,
  block: number,
  unbondingBlocks: number,
): UnbondingEntry {
  if (amount <= 0n) throw new StakingError("startUnbonding: amount must be positive");
  if (
    !Number.isSafeInteger(block) ||
    block < 0 ||
    !Number.isSafeInteger(unbondingBlocks) ||
    unbondingBlocks < 0
  )
    throw new StakingError("startUnbonding: bad block numbers");
  return { coldkey, hotkey, amount, releaseBlock: block + unbondingBlocks };
}

/** Splits entries into those matured at `block` (payable now) and those still unbonding. */
export function matureUnbonding(
  entries: readonly UnbondingEntry[],
  block: number,
): { released: UnbondingEntry[]; pending: UnbondingEntry[] } {
  const released: UnbondingEntry[] = [];
  const pending: UnbondingEntry[] = [];
  for (const e of entries) (e.releaseBlock <= block ? released : pending).push(e);
  return { released, pending };
}

export interface SlashResult {
  positions: StakePosition[];
  unbonding: UnbondingEntry[];
  /** Total wei removed (burned). */
  slashed: bigint;
}

/**
 * Slashes `percent` of a hotkey's bonded and unbonding stake: the total cut is
 * floor(T·percent/100) of the total T, shared across every position and entry pro rata by
 * apportion() (floor, then largest remainder, ties to the earlier item: positions before
 * entries, each in the given order), so the cuts sum to exactly the total and none exceeds the
 * item's own amount.
 */
export function slash(
  positions: readonly StakePosition[],
  unbonding: readonly UnbondingEntry[],
  percent: number,
): SlashResult {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100)
    throw new StakingError(`slash: percent ${percent} not in [0, 100]`);
  const amounts = [...positions.map((p) => p.stake), ...unbonding.map((e) => e.amount)];
  let total = 0n;
  for (const a of amounts) {
    if (a < 0n) throw new StakingError("slash: negative amount");
    total += a;
  }
  const slashed = (total * BigInt(percent)) / 100n;
  const cuts = apportion(slashed, amounts);
  return {
    positions: positions.map((p, k) => ({ coldkey: p.coldkey, stake: p.stake - cuts[k]! })),
    unbonding: unbonding.map((e, k) => ({ ...e, amount: e.amount - cuts[positions.length + k]! })),
    slashed,
  };
}
