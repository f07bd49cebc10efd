// Emission across subnets (PROTOCOL.md, "Root subnet and emission across subnets"): the chain
// validators' weights over subnets go through the same Yuma steps as a subnet epoch
// (stake-weighted consensus with kappa, clipping, incentive), and the resulting incentive of
// each subnet is its share of the per-block emission. Each block's emission is split exactly
// to the wei and accumulates per subnet until that subnet's epoch pays it out.
import {
  EpochInputError,
  clipTrustIncentive,
  stakeWeightedConsensus,
  writeNormalizedRow,
  type SparseRow,
} from "./epoch.js";
import { apportion, normalizeExact, toBigInts } from "./fixed.js";
import { U16_MAX } from "./params.js";
import { isEpochBlock } from "./schedule.js";

export interface RootValidatorInput {
  /** Bonded stake of the chain validator's hotkey, wei. */
  stake: bigint;
  /** Weights over subnets: uids are netuids, values u16. */
  weights: SparseRow;
}

export interface RootSharesInput {
  /** Subnets that receive emission (netuid 0, the root, is never one of them). */
  netuids: readonly number[];
  validators: readonly RootValidatorInput[];
  /** u16 fraction, as a subnet's kappa. */
  kappa: number;
}

/**
 * Each subnet's share of the per-block emission, fixed point summing to exactly ONE (empty map
 * without subnets). Weights on netuids that are not (or no longer) subnets are ignored. With no
 * usable root weights, or no stake, the split is equal.
 */
export function subnetEmissionShares(input: RootSharesInput): Map<number, number> {
  const netuids = [...input.netuids].sort((a, b) => a - b);
  const cols = netuids.length;
  const colOf = new Map<number, number>();
  netuids.forEach((netuid, c) => {
    if (!Number.isSafeInteger(netuid) || netuid < 1)
      throw new EpochInputError(`root: bad subnet netuid ${netuid}`);
    if (colOf.has(netuid)) throw new EpochInputError(`root: duplicate netuid ${netuid}`);
    colOf.set(netuid, c);
  });
  if (!Number.isSafeInteger(input.kappa) || input.kappa < 0 || input.kappa > U16_MAX)
    throw new EpochInputError(`root: kappa ${input.kappa} is not a u16 fraction`);
  const shares = new Map<number, number>();
  if (cols === 0) return shares;

  const rows = input.validators.length;
  const stake = normalizeExact(
    input.validators.map((v, r) => {
      if (v.stake < 0n) throw new EpochInputError(`root: validator ${r} has negative stake`);
      return v.stake;
    }),
  );
  const w = new Float64Array(rows * cols);
  const keptCols = new Int32Array(cols);
  const keptVals = new Float64Array(cols);
  input.validators.forEach((v, r) => {
    const { uids, values } = v.weights;
    if (uids.length !== values.length)
      throw new EpochInputError(
        `root: validator ${r} has ${uids.length} netuids but ${values.length} values`,
      );
    const seen = new Set<number>();
    let count = 0;
    for (let k = 0; k < uids.length; k++) {
      const netuid = uids[k]!;
      const value = values[k]!;
      if (!Number.isInteger(value) || value < 0 || value > U16_MAX)
        throw new EpochInputError(`root: validator ${r} weight ${value} is not u16`);
      if (seen.has(netuid)) throw new EpochInputError(`root: validator ${r} weights netuid ${netuid} twice`);
      seen.add(netuid);
      const c = colOf.get(netuid);
      if (c === undefined) continue;
      keptCols[count] = c;
      keptVals[count++] = value;
    }
    writeNormalizedRow(w, cols, r, keptCols, keptVals, count);
  });
  const consensus = stakeWeightedConsensus(w, rows, cols, stake, input.kappa);
  const { rawIncentive } = clipTrustIncentive(w, rows, cols, consensus, stake);
  const raw = toBigInts(rawIncentive);
  const weights = raw.some((x) => x > 0n) ? raw : raw.map(() => 1n);
  const fixed = normalizeExact(weights);
  netuids.forEach((netuid, c) => shares.set(netuid, fixed[c]!));
  return shares;
}

/**
 * Splits one block's emission by the shares (fixed point), exactly: floor of each exact share,
 * leftover wei by largest remainder, ties to the lower netuid. Σ = blockEmission whenever any
 * share is non-zero.
 */
export function splitBlockEmission(
  blockEmission: bigint,
  shares: ReadonlyMap<number, number>,
): Map<number, bigint> {
  if (blockEmission < 0n) throw new RangeError("blockEmission must be non-negative");
  const netuids = [...shares.keys()].sort((a, b) => a - b);
  const parts = apportion(
    blockEmission,
    netuids.map((n) => BigInt(shares.get(n)!)),
  );
  return new Map(netuids.map((n, k) => [n, parts[k]!]));
}

/** Pending emission per subnet after adding one block's split. */
export function accumulateEmission(
  pending: ReadonlyMap<number, bigint>,
  add: ReadonlyMap<number, bigint>,
): Map<number, bigint> {
  const next = new Map(pending);
  for (const [netuid, amount] of add) next.set(netuid, (next.get(netuid) ?? 0n) + amount);
  return next;
}

/**
 * Removes the pending emission of every subnet whose epoch runs at `block` and returns it as
 * `due` (the E of those epochs); the rest stays pending.
 */
export function takeDueEmission(
  pending: ReadonlyMap<number, bigint>,
  subnets: readonly { netuid: number; tempo: number }[],
  block: number,
): { due: Map<number, bigint>; pending: Map<number, bigint> } {
  const due = new Map<number, bigint>();
  const rest = new Map(pending);
  for (const { netuid, tempo } of subnets) {
    if (!isEpochBlock(netuid, tempo, block)) continue;
    due.set(netuid, rest.get(netuid) ?? 0n);
    rest.delete(netuid);
  }
  return { due, pending: rest };
}
