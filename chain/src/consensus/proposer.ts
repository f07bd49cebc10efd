// Weighted round-robin proposer selection (CometBFT's algorithm): every round each validator's
// priority grows by its power, the highest priority proposes and pays the total power back.
// Over any long run a validator proposes in proportion to its power. Priorities are scaled so
// their spread stays within 2×total power and re-centred on zero, so a validator that just joined
// (or one with a huge stake) cannot monopolise or starve the schedule.
import type { Hex, Validator, ValidatorSet } from "./types.js";
import { makeValidatorSet } from "./types.js";

/** Spread bound of CometBFT (PriorityWindowSizeFactor). */
const PRIORITY_WINDOW_FACTOR = 2n;

function cloneValidators(set: ValidatorSet): Validator[] {
  return set.validators.map((v) => ({ ...v }));
}

function rescaleAndCenter(vals: Validator[], total: bigint): void {
  const maxDiff = PRIORITY_WINDOW_FACTOR * total;
  let min = vals[0]!.priority;
  let max = min;
  for (const v of vals) {
    if (v.priority < min) min = v.priority;
    if (v.priority > max) max = v.priority;
  }
  const diff = max - min;
  if (diff > maxDiff) {
    const ratio = (diff + maxDiff - 1n) / maxDiff;
    for (const v of vals) v.priority /= ratio; // bigint division truncates toward zero, like Go
  }
  let sum = 0n;
  for (const v of vals) sum += v.priority;
  const avg = sum / BigInt(vals.length);
  for (const v of vals) v.priority -= avg;
}

/** One selection step in place; returns the chosen validator. Ties go to the lower address. */
function incrementOnce(vals: Validator[], total: bigint): Validator {
  let best: Validator | undefined;
  for (const v of vals) {
    v.priority += v.power;
    // vals are sorted by address, so strict > keeps the lowest address on a tie.
    if (!best || v.priority > best.priority) best = v;
  }
  best!.priority -= total;
  return best!;
}

/**
 * Advance priorities `times` selections. Returns the new set (input untouched) and the validator
 * chosen by the last selection.
 */
export function incrementProposerPriority(
  set: ValidatorSet,
  times: number,
): { set: ValidatorSet; proposer: Validator } {
  if (!Number.isInteger(times) || times < 1) throw new RangeError("times must be a positive integer");
  const vals = cloneValidators(set);
  rescaleAndCenter(vals, set.totalPower);
  let chosen: Validator | undefined;
  for (let i = 0; i < times; i++) chosen = incrementOnce(vals, set.totalPower);
  return { set: { validators: vals, totalPower: set.totalPower }, proposer: chosen! };
}

/**
 * Proposer of `round` at a height whose validator set (with priorities) is `set`: round r makes
 * r + 1 selections from the height's priorities.
 */
export function proposerForRound(set: ValidatorSet, round: number): Validator {
  return incrementProposerPriority(set, round + 1).proposer;
}

/** Priorities the next height starts from: one selection after this height's. */
export function nextHeightValidatorSet(set: ValidatorSet): ValidatorSet {
  return incrementProposerPriority(set, 1).set;
}

/**
 * Apply a validator-set change (epoch boundary): kept validators keep their priority, new ones
 * start at −1.125 × new total power (CometBFT) so that joining and leaving repeatedly cannot
 * jump the queue; then the spread is bounded and re-centred.
 */
export function updateValidatorSet(
  set: ValidatorSet,
  next: ReadonlyArray<{ address: Hex; pubKey: Uint8Array; power: bigint }>,
): ValidatorSet {
  const total = next.reduce((s, e) => s + e.power, 0n);
  const joinPriority = -(total + (total >> 3n));
  const old = new Map(set.validators.map((v) => [v.address, v.priority]));
  const built = makeValidatorSet(
    next.map((e) => ({ ...e, priority: old.get(e.address.toLowerCase() as Hex) ?? joinPriority })),
  );
  const vals = cloneValidators(built);
  rescaleAndCenter(vals, built.totalPower);
  return { validators: vals, totalPower: built.totalPower };
}
