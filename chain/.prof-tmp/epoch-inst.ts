// Yuma consensus epoch of one subnet (PROTOCOL.md, "Epoch", steps 1–11): a pure function from
// the subnet's neurons (stake, registration, last update, prior permit, weights, prior bonds)
// to per-UID scores, new bonds and emission in wei. No I/O, no clocks; fixed-point integer
// arithmetic only (fixed.ts), so every node computes identical bits.
//
// Layout: the validator rows (UIDs holding a prior permit, plus any UID that still carries a
// bond row) are packed into dense row-major Float64Arrays of rows × n, so sparse input rows
// scatter within one row and every pass reads memory sequentially. Consensus, the one
// per-column computation, gathers columns a cache-sized tile at a time. BigInt appears only in
// per-UID vectors (normalization, wei).
import { MAX_UIDS, ONE, apportion, floorDiv, fracDiv, normalizeExact, toBigInts } from "../src/protocol/fixed.js";
import type { ProtocolParams, SubnetHyperparams } from "../src/protocol/params.js";
import { U16_MAX } from "../src/protocol/params.js";

/** The epoch was handed state that the protocol can never produce (a bug upstream). */
export class EpochInputError extends Error {
  override name = "EpochInputError";
}

/**
 * A sparse row: parallel arrays of column UIDs and values (no duplicate UIDs). Plain arrays in
 * the input on purpose: one array kind at the hot loops' call sites keeps them monomorphic in V8
 * (mixing typed and plain arrays there was measurably slower), and the node reads rows from
 * storage as plain arrays. The output's bond rows are typed arrays (EpochBondRow): building
 * 4096-wide rows of doubles as plain arrays cost more than a quarter of a 4096 × 256 epoch.
 */
export interface SparseRow {
  readonly uids: readonly number[];
  readonly values: readonly number[];
}

export type EpochParams = Pick<
  SubnetHyperparams,
  "kappa" | "bondsMovingAverage" | "maxValidators" | "activityCutoff"
> &
  Pick<ProtocolParams, "stakeThreshold" | "ownerCutPercent">;

export interface EpochNeuronInput {
  /** Total stake of the hotkey, wei. */
  stake: bigint;
  /** Block at which this UID was (last) registered. */
  registeredAt: number;
  /** Block of its last weights, or of its registration. */
  lastUpdate: number;
  /** Validator permit held before this epoch. */
  validatorPermit: boolean;
  /** Stored weights, u16 values (as set; normalized here). */
  weights: SparseRow;
  /** Bond row from the previous epoch, fixed point (0..ONE). */
  bonds: SparseRow;
}

export interface EpochInput {
  currentBlock: number;
  /** Block of this subnet's previous epoch: bonds towards UIDs registered after it are reset. */
  lastEpochBlock: number;
  /** Emission of the subnet for this tempo, wei (E). */
  emission: bigint;
  params: EpochParams;
  /** Indexed by UID. */
  neurons: readonly EpochNeuronInput[];
}

/** Per-UID result; proportions are fixed point with ONE = 2^32. */
export interface EpochNeuronOutput {
  /** Stake after the threshold, normalized (sums to ONE unless there is no stake). */
  stake: number;
  validatorTrust: number;
  consensus: number;
  incentive: number;
  dividends: number;
  /** Wei paid to this UID for the tempo. */
  emission: bigint;
  active: boolean;
  /** The new permit. */
  validatorPermit: boolean;
  /** New bond row (non-zero entries, UID ascending); empty without a new permit. */
  bonds: EpochBondRow;
}

/** An output bond row: views into one buffer shared by the epoch's rows (read-only by contract). */
export interface EpochBondRow {
  readonly uids: Int32Array;
  readonly values: Float64Array;
}

export interface EpochOutput {
  neurons: EpochNeuronOutput[];
  /** Subnet owner's cut, wei. */
  ownerEmission: bigint;
  /** Wei of E not minted (only when nobody holds stake and nobody earns incentive). */
  unminted: bigint;
}

function checkSafeInt(v: number, what: string, min = 0): void {
  if (!Number.isSafeInteger(v) || v < min)
    throw new EpochInputError(`${what}: expected an integer ≥ ${min}, got ${v}`);
}

/** Validates one entry of a sparse row; `seen`/`stamp` detect duplicate UIDs without clearing a set per row. */
function checkEntry(
  j: number,
  v: number,
  n: number,
  maxValue: number,
  uid: number,
  kind: "weights" | "bonds",
  seen: Int32Array,
  stamp: number,
): void {
  // Positive range tests, so NaN fails them too; (j | 0) === j: an integer.
  if (!(j >= 0 && j < n && (j | 0) === j))
    throw new EpochInputError(`uid ${uid} ${kind}: uid ${j} out of range [0, ${n})`);
  if (!(v >= 0 && v <= maxValue && Math.floor(v) === v))
    throw new EpochInputError(`uid ${uid} ${kind}: value ${v} at uid ${j} out of range [0, ${maxValue}]`);
  if (seen[j] === stamp) throw new EpochInputError(`uid ${uid} ${kind}: duplicate uid ${j}`);
  seen[j] = stamp;
}

function checkLengths(row: SparseRow, uid: number, kind: "weights" | "bonds"): void {
  if (row.uids.length !== row.values.length)
    throw new EpochInputError(`uid ${uid} ${kind}: ${row.uids.length} uids but ${row.values.length} values`);
}

/** Validates a whole sparse row that the epoch does not otherwise read. */
function checkRow(
  row: SparseRow,
  n: number,
  maxValue: number,
  uid: number,
  kind: "weights" | "bonds",
  seen: Int32Array,
  stamp: number,
): void {
  checkLengths(row, uid, kind);
  for (let k = 0; k < row.uids.length; k++)
    checkEntry(row.uids[k]!, row.values[k]!, n, maxValue, uid, kind, seen, stamp);
}

/**
 * Writes row r of a row-major rows × n matrix from kept entries (column, u16 value),
 * normalized to fixed point: the sum of at most MAX_UIDS u16 values is below 2^28 and
 * w·2^32 ≤ 2^48, so floorDiv is exact. An empty (or all-zero) row stays empty.
 */
export function writeNormalizedRow(
  w: Float64Array,
  n: number,
  r: number,
  cols: Int32Array,
  vals: Float64Array,
  count: number,
): void {
  let sum = 0;
  for (let k = 0; k < count; k++) sum += vals[k]!;
  if (sum === 0) return;
  for (let k = 0; k < count; k++) {
    const v = vals[k]!;
    if (v !== 0) w[r * n + cols[k]!] = floorDiv(v * ONE, sum);
  }
}

/**
 * Step 6: consensus_j = the largest x such that rows holding at least kappa (u16 fraction) of
 * the stake put weight ≥ x on column j, support exactly equal to kappa counting. Candidates
 * are the weights of rows with stake, and 0; with no stake at all every consensus is 0.
 * `stake` is per row, fixed point, summing to at most ONE. The answer is unique, so the
 * selection algorithm (and its pivots) cannot change a bit of it.
 */
export function stakeWeightedConsensus(
  w: Float64Array,
  rows: number,
  n: number,
  stake: Float64Array,
  kappa: number,
): Float64Array {
  const consensus = new Float64Array(n);
  const staked: number[] = [];
  let total = 0;
  for (let r = 0; r < rows; r++) {
    if (stake[r]! > 0) {
      staked.push(r);
      total += stake[r]!;
    }
  }
  const m = staked.length;
  if (m === 0) return consensus;
  // support·65535 ≥ kappa·total compares exactly: both sides are integers below 2^48.
  const need = kappa * total;
  const rowStake = new Float64Array(m);
  const rowBase = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    rowStake[k] = stake[staked[k]!]!;
    rowBase[k] = staked[k]! * n;
  }
  // Columns are gathered a tile at a time: each staked row contributes TILE contiguous values,
  // so the matrix is read sequentially and the tile's columns (TILE·m entries) stay in cache.
  const TILE = 32;
  const vals = new Float64Array(TILE * m);
  const stks = new Float64Array(TILE * m);
  const lens = new Int32Array(TILE);
  const hist = new Float64Array(BUCKETS);
  const bkt = new Uint8Array(m);
  for (let j0 = 0; j0 < n; j0 += TILE) {
    const width = Math.min(TILE, n - j0);
    lens.fill(0);
    for (let k = 0; k < m; k++) {
      const src = rowBase[k]! + j0;
      const sk = rowStake[k]!;
      for (let t = 0; t < width; t++) {
        const x = w[src + t]!;
        if (x > 0) {
          const at = t * m + lens[t]!++;
          vals[at] = x;
          stks[at] = sk;
        }
      }
    }
    for (let t = 0; t < width; t++) {
      const len = lens[t]!;
      if (len > 0) consensus[j0 + t] = columnConsensus(vals, stks, t * m, t * m + len, need, hist, bkt);
    }
  }
  return consensus;
}

/** Buckets of columnConsensus's histogram pass. */
const BUCKETS = 256;
/** Columns with at most this many entries go straight to the quickselect. */
const HISTOGRAM_MIN_ENTRIES = 48;

/**
 * weightedUpperQuantile of one gathered column, narrowed first by one histogram pass on long
 * columns: entries are bucketed by value over the column's [min, max] with a monotone map (a
 * larger value never lands in a lower bucket, whatever the rounding), the stake per bucket is
 * summed, and scanning buckets from the top finds the one bucket that must hold the answer; the
 * quickselect then runs on that bucket's entries alone, with the stake above it deducted from
 * `need` (exact: integers below 2^48). Branch-light and linear, where a quickselect over the
 * whole column mispredicts on every comparison.
 */
function columnConsensus(
  vals: Float64Array,
  stks: Float64Array,
  start: number,
  end: number,
  need: number,
  hist: Float64Array,
  bkt: Uint8Array,
): number {
  if (end - start <= HISTOGRAM_MIN_ENTRIES) return weightedUpperQuantile(vals, stks, start, end, need);
  let min = vals[start]!;
  let max = min;
  for (let k = start + 1; k < end; k++) {
    const v = vals[k]!;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  if (min === max) {
    let total = 0;
    for (let k = start; k < end; k++) total += stks[k]!;
    return total * U16_MAX >= need ? max : 0;
  }
  // (v − min)·scale < BUCKETS for v ≤ max; the index is clamped all the same.
  const scale = BUCKETS / (max - min + 1);
  hist.fill(0);
  for (let k = start; k < end; k++) {
    const b0 = Math.floor((vals[k]! - min) * scale);
    const b = b0 < BUCKETS ? b0 : BUCKETS - 1;
    bkt[k - start] = b;
    hist[b] = hist[b]! + stks[k]!;
  }
  let above = 0;
  let bucket = -1;
  for (let b = BUCKETS - 1; b >= 0; b--) {
    const h = hist[b]!;
    if (h === 0) continue; // every entry has stake > 0: an empty bucket holds no candidate
    if ((above + h) * U16_MAX >= need) {
      bucket = b;
      break;
    }
    above += h;
  }
  if (bucket < 0) return 0;
  // Move the bucket's entries to the front (order kept: no swaps needed) and select among them.
  let n = start;
  for (let k = start; k < end; k++) {
    if (bkt[k - start] === bucket) {
      vals[n] = vals[k]!;
      stks[n++] = stks[k]!;
    }
  }
  return weightedUpperQuantile(vals, stks, start, n, need - above * U16_MAX);
}

/**
 * The largest v among vals[start..end) with (Σ stks over entries ≥ v)·65535 ≥ need, or 0: a
 * three-way quickselect (expected O(len)); after too many rounds it finishes by sorting, so an
 * adversarial weight pattern cannot make it quadratic. Permutes vals/stks.
 */
export function weightedUpperQuantile(
  vals: Float64Array,
  stks: Float64Array,
  start: number,
  end: number,
  need: number,
): number {
  let lo = start;
  let hi = end;
  let cum = 0; // stake of entries already known to lie above [lo, hi)
  for (let round = 0; hi > lo; round++) {
    if (round >= 24) return sortedUpperQuantile(vals, stks, lo, hi, cum, need);
    const a = vals[lo]!;
    const b = vals[(lo + hi) >> 1]!;
    const c = vals[hi - 1]!;
    const p = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    // Partition into [lo, lt) > p, [lt, i) == p, [gt, hi) < p.
    let lt = lo;
    let i = lo;
    let gt = hi;
    let gSum = 0;
    let eSum = 0;
    while (i < gt) {
      const v = vals[i]!;
      if (v > p) {
        const s = stks[i]!;
        vals[i] = vals[lt]!;
        stks[i] = stks[lt]!;
        vals[lt] = v;
        stks[lt] = s;
        gSum += s;
        lt++;
        i++;
      } else if (v < p) {
        gt--;
        const s = stks[i]!;
        vals[i] = vals[gt]!;
        stks[i] = stks[gt]!;
        vals[gt] = v;
        stks[gt] = s;
      } else {
        eSum += stks[i]!;
        i++;
      }
    }
    if (lt > lo && (cum + gSum) * U16_MAX >= need) {
      hi = lt; // the answer is above p; the smallest entry above p already qualifies
    } else if ((cum + gSum + eSum) * U16_MAX >= need) {
      return p;
    } else {
      cum += gSum + eSum;
      lo = gt;
    }
  }
  return 0;
}

function sortedUpperQuantile(
  vals: Float64Array,
  stks: Float64Array,
  lo: number,
  hi: number,
  cum: number,
  need: number,
): number {
  const idx = Array.from({ length: hi - lo }, (_, k) => lo + k);
  idx.sort((x, y) => vals[y]! - vals[x]!);
  let k = 0;
  while (k < idx.length) {
    const v = vals[idx[k]!]!;
    while (k < idx.length && vals[idx[k]!]! === v) cum += stks[idx[k++]!]!;
    if (cum * U16_MAX >= need) return v;
  }
  return 0;
}

/**
 * Step 7 and 8: clips every weight to its column's consensus in place, returns each row's
 * validator trust (row sum of clipped weights) and the un-normalized incentive
 * Σ_r floor(clippedW_rj · stake_r / ONE) (each term exact by mulFix, sum ≤ ONE).
 */
export function clipTrustIncentive(
  w: Float64Array,
  rows: number,
  n: number,
  consensus: Float64Array,
  stake: Float64Array,
): { trust: Float64Array; rawIncentive: Float64Array } {
  const trust = new Float64Array(rows);
  const raw = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const a = stake[r]!;
    // mulFix(a, x) with a split once into 16-bit halves (see fixed.ts for the bound).
    const ah = Math.floor(a / 65536);
    const al = a - ah * 65536;
    let t = 0;
    for (let j = 0; j < n; j++) {
      let x = w[base + j]!;
      if (x === 0) continue;
      const c = consensus[j]!;
      if (x > c) {
        x = c;
        w[base + j] = c;
      }
      t += x;
      if (a !== 0) raw[j] = raw[j]! + Math.floor((ah * x + Math.floor((al * x) / 65536)) / 65536);
    }
    trust[r] = t;
  }
  return { trust, rawIncentive: raw };
}

/**
 * Step 10's inner sum for every row with stake: Σ_j floor(colnorm(B)_rj · incentive_j / ONE),
 * colnorm(B)_rj = fracDiv(B_rj, colSum_j) (exact floor of B·2^32/colSum). The product is
 * mulFix(incentive_j, colnorm) with incentive_j split once per column (see fixed.ts for the
 * bound); each row's sum is at most Σ_j incentive_j = ONE.
 */
export function bondIncentive(
  b: Float64Array,
  rows: number,
  n: number,
  colSum: Float64Array,
  incentive: Float64Array,
  stake: Float64Array,
): Float64Array {
  const incHi = new Float64Array(n);
  const incLo = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    incHi[j] = Math.floor(incentive[j]! / 65536);
    incLo[j] = incentive[j]! - incHi[j]! * 65536;
  }
  const d = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    if (stake[r]! === 0) continue;
    const base = r * n;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const x = b[base + j]!;
      if (x === 0 || incentive[j]! === 0) continue;
      const s = colSum[j]!;
      const f = fracDiv(x, s);
      sum += Math.floor((incHi[j]! * f + Math.floor((incLo[j]! * f) / 65536)) / 65536);
    }
    d[r] = sum;
  }
  return d;
}

/**
 * The epoch's rows × n matrix, zeroed: one buffer reused across epochs (runEpoch is synchronous
 * and nothing it returns refers to the matrix), so a large subnet's epoch does not allocate and
 * fault in megabytes of fresh memory every time.
 */
let matrixBuffer = new Float64Array(0);
function zeroedMatrix(length: number): Float64Array {
  if (matrixBuffer.length < length) {
    matrixBuffer = new Float64Array(length);
    return matrixBuffer.subarray(0, length);
  }
  const m = matrixBuffer.subarray(0, length);
  m.fill(0);
  return m;
}

/**
 * Step 5: the row-normalized weights of the validator rows (prior permits only), dropping
 * self-weights and weights set at or before the target's registration (lastUpdate_i ≤
 * registeredAt_j). Every weight row is validated, kept or not, so corrupt state is noticed.
 */
function buildWeights(
  neurons: readonly EpochNeuronInput[],
  rowOf: Int32Array,
  rows: number,
  registeredAt: Float64Array,
  seen: Int32Array,
): Float64Array {
  const n = neurons.length;
  const w = zeroedMatrix(rows * n);
  const keptCols = new Int32Array(n);
  const keptVals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const nr = neurons[i]!;
    const r = rowOf[i]!;
    if (r < 0 || !nr.validatorPermit) {
      checkRow(nr.weights, n, U16_MAX, i, "weights", seen, 2 * i);
      continue;
    }
    checkLengths(nr.weights, i, "weights");
    const { uids, values } = nr.weights;
    const lastUpdate = nr.lastUpdate;
    let count = 0;
    for (let k = 0; k < uids.length; k++) {
      const j = uids[k]!;
      const v = values[k]!;
      checkEntry(j, v, n, U16_MAX, i, "weights", seen, 2 * i);
      if (j === i || lastUpdate <= registeredAt[j]!) continue;
      keptCols[count] = j;
      keptVals[count++] = v;
    }
    writeNormalizedRow(w, n, r, keptCols, keptVals, count);
  }
  return w;
}

/**
 * Step 9 in place over the clipped weights: B = floor((α·W + (1−α)·B_prev)) with
 * α = (65535 − bondsMovingAverage)/65535 as integers over 65535 (numerator ≤ 65535·2^32 <
 * 2^48), previous bonds towards UIDs registered after the previous epoch reset to 0. Returns
 * the column sums of B (≤ rows·ONE ≤ 2^44) and writes each row's count of non-zero bonds into
 * rowNonZero. Every bond row is validated.
 */
function emaBondsInPlace(
  b: Float64Array,
  neurons: readonly EpochNeuronInput[],
  rowOf: Int32Array,
  registeredAt: Float64Array,
  lastEpochBlock: number,
  bondsMovingAverage: number,
  seen: Int32Array,
  rowNonZero: Int32Array,
): Float64Array {
  const n = neurons.length;
  const alphaN = U16_MAX - bondsMovingAverage;
  const betaN = bondsMovingAverage;
  const prev = new Float64Array(n); // one previous row at a time, cleared after use
  const colSum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const nr = neurons[i]!;
    const r = rowOf[i]!;
    if (r < 0) {
      checkRow(nr.bonds, n, ONE, i, "bonds", seen, 2 * i + 1);
      continue;
    }
    checkLengths(nr.bonds, i, "bonds");
    const base = r * n;
    const { uids, values } = nr.bonds;
    for (let k = 0; k < uids.length; k++) {
      const j = uids[k]!;
      const v = values[k]!;
      checkEntry(j, v, n, ONE, i, "bonds", seen, 2 * i + 1);
      if (registeredAt[j]! <= lastEpochBlock) prev[j] = v;
    }
    let nz = 0;
    for (let j = 0; j < n; j++) {
      const p = prev[j]!;
      const cur = b[base + j]!;
      if (p !== 0 || cur !== 0) {
        const x = Math.floor((alphaN * cur + betaN * p) / U16_MAX);
        b[base + j] = x;
        colSum[j] = colSum[j]! + x;
        if (x !== 0) nz++;
      }
    }
    rowNonZero[r] = nz;
    for (let k = 0; k < uids.length; k++) prev[uids[k]!] = 0;
  }
  return colSum;
}

const EMPTY_BOND_ROW: EpochBondRow = { uids: new Int32Array(0), values: new Float64Array(0) };

/**
 * The non-zero entries (`nonZero[r]` of them) of the given rows of a row-major rows × n matrix
 * as sparse rows, all views into one pair of typed arrays (two allocations for the whole
 * epoch). `keep[r]` false: the empty row.
 */
function sparseRowsOf(
  m: Float64Array,
  rows: number,
  n: number,
  keep: boolean[],
  nonZero: Int32Array,
): EpochBondRow[] {
  let total = 0;
  for (let r = 0; r < rows; r++) if (keep[r]) total += nonZero[r]!;
  const uids = new Int32Array(total);
  const values = new Float64Array(total);
  const out: EpochBondRow[] = new Array<EpochBondRow>(rows);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    if (!keep[r]) {
      out[r] = EMPTY_BOND_ROW;
      continue;
    }
    const from = k;
    const base = r * n;
    for (let j = 0; j < n; j++) {
      const x = m[base + j]!;
      if (x !== 0) {
        uids[k] = j;
        values[k++] = x;
      }
    }
    out[r] = { uids: uids.subarray(from, k), values: values.subarray(from, k) };
  }
  return out;
}

function validateParams(p: EpochParams): void {
  checkSafeInt(p.kappa, "kappa");
  checkSafeInt(p.bondsMovingAverage, "bondsMovingAverage");
  if (p.kappa > U16_MAX || p.bondsMovingAverage > U16_MAX)
    throw new EpochInputError("kappa and bondsMovingAverage are u16 fractions (≤ 65535)");
  checkSafeInt(p.maxValidators, "maxValidators");
  checkSafeInt(p.activityCutoff, "activityCutoff");
  checkSafeInt(p.ownerCutPercent, "ownerCutPercent");
  if (p.ownerCutPercent > 100) throw new EpochInputError(`ownerCutPercent: ${p.ownerCutPercent} > 100`);
  if (p.stakeThreshold < 0n) throw new EpochInputError("stakeThreshold: negative");
}

/** Runs one epoch of a subnet: PROTOCOL.md steps 1–11. */
export const PH: Record<string, number> = {};
let last=0, lastName="start";
function T(name: string){const c=process.cpuUsage(); const t=(c.user+c.system)/1000; PH[lastName]=(PH[lastName]??0)+t-last; last=t; lastName=name;}
export function runEpoch(input: EpochInput): EpochOutput {
  {const c=process.cpuUsage(); last=(c.user+c.system)/1000;} lastName="start";
  const { params, neurons, currentBlock } = input;
  validateParams(params);
  checkSafeInt(currentBlock, "currentBlock");
  checkSafeInt(input.lastEpochBlock, "lastEpochBlock");
  if (input.emission < 0n) throw new EpochInputError("emission: negative");
  const n = neurons.length;
  if (n > MAX_UIDS) throw new EpochInputError(`subnet has ${n} UIDs, more than ${MAX_UIDS}`);

  T('// 1. Activity');
  // 1. Activity.
  const active: boolean[] = new Array<boolean>(n);
  for (let i = 0; i < n; i++) {
    const nr = neurons[i]!;
    checkSafeInt(nr.registeredAt, `uid ${i} registeredAt`);
    checkSafeInt(nr.lastUpdate, `uid ${i} lastUpdate`);
    if (nr.stake < 0n) throw new EpochInputError(`uid ${i} stake: negative`);
    active[i] = nr.lastUpdate + params.activityCutoff >= currentBlock;
  }

  T('// 2. Stake, z');
  // 2. Stake, zeroed below the threshold, normalized.
  const stakeWei: bigint[] = neurons.map((nr) => (nr.stake < params.stakeThreshold ? 0n : nr.stake));
  const stake = normalizeExact(stakeWei);

  T('// 3. New perm');
  // 3. New permits: top maxValidators by stake, zero never, ties at the cut to the higher UID.
  const newPermit: boolean[] = new Array<boolean>(n).fill(false);
  const candidates: number[] = [];
  // Compared as numbers first: Number() of a bigint rounds monotonically, so unequal numbers
  // order their bigints the same way; only equal numbers need the exact comparison.
  const approx = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (stakeWei[i]! > 0n) {
      candidates.push(i);
      approx[i] = Number(stakeWei[i]!);
    }
  }
  candidates.sort((a, b) => {
    const na = approx[a]!;
    const nb = approx[b]!;
    if (na !== nb) return na > nb ? -1 : 1;
    const sa = stakeWei[a]!;
    const sb = stakeWei[b]!;
    return sa > sb ? -1 : sa < sb ? 1 : b - a;
  });
  for (let k = 0; k < candidates.length && k < params.maxValidators; k++) newPermit[candidates[k]!] = true;

  // Validator rows: prior permits, plus any UID that still carries a bond row (defensive:
  // such a row still decays and dilutes, as "every row" of step 9 says).
  const rowOf = new Int32Array(n).fill(-1);
  const rowUid: number[] = [];
  for (let i = 0; i < n; i++) {
    const nr = neurons[i]!;
    if (nr.validatorPermit || nr.bonds.uids.length > 0) {
      rowOf[i] = rowUid.length;
      rowUid.push(i);
    }
  }
  const rows = rowUid.length;

  T('// 4. Active s');
  // 4. Active stake: active and prior permit, renormalized (from the exact wei).
  const activeWei: bigint[] = stakeWei.map((s, i) => (active[i] && neurons[i]!.validatorPermit ? s : 0n));
  const activeStake = normalizeExact(activeWei);
  const rowStake = new Float64Array(rows);
  for (let r = 0; r < rows; r++) rowStake[r] = activeStake[rowUid[r]!]!;

  T('// 5. Weights:');
  // 5. Weights: rows of prior permits only; no self-weight; nothing set at or before the
  // target's registration (lastUpdate_i ≤ registeredAt_j). Then row-normalize.
  const registeredAt = new Float64Array(n);
  for (let j = 0; j < n; j++) registeredAt[j] = neurons[j]!.registeredAt;
  const seen = new Int32Array(n).fill(-1);
  const w = buildWeights(neurons, rowOf, rows, registeredAt, seen);

  T('// 6. Consensu');
  // 6. Consensus.
  const consensus = stakeWeightedConsensus(w, rows, n, rowStake, params.kappa);

  T('// 7–8. Clip, ');
  // 7–8. Clip, validator trust, incentive.
  const { trust, rawIncentive } = clipTrustIncentive(w, rows, n, consensus, rowStake);
  const incentive = normalizeExact(toBigInts(rawIncentive));

  T('// 9. Bonds: E');
  // 9. Bonds: EMA of the clipped weights over the previous bonds (reset towards UIDs registered
  // after the previous epoch), in place over the clipped weights, which nothing reads later.
  const b = w;
  const bondNonZero = new Int32Array(rows);
  const colSum = emaBondsInPlace(
    b,
    neurons,
    rowOf,
    registeredAt,
    input.lastEpochBlock,
    params.bondsMovingAverage,
    seen,
    bondNonZero,
  );

  T('// 10. Dividen');
  // 10. Dividends: activeStake_i · Σ_j colnorm(B)_ij · incentive_j, normalized; the product
  // with the stake is taken exactly in BigInt (it can reach 2^64).
  const d = bondIncentive(b, rows, n, colSum, incentive, rowStake);
  const divRaw: bigint[] = new Array<bigint>(n).fill(0n);
  for (let r = 0; r < rows; r++) {
    if (rowStake[r]! > 0 && d[r]! > 0) divRaw[rowUid[r]!] = BigInt(rowStake[r]!) * BigInt(d[r]!);
  }
  const dividends = normalizeExact(divRaw);

  T('// 11. Emissio');
  // 11. Emission: owner cut, then R = E − cut split half by incentive, half by dividends,
  // with the fallbacks (no incentive → validators by active stake, else by stake, else not
  // minted; incentive without dividends → miners), all in one exact apportionment of R.
  const E = input.emission;
  const ownerEmission = (E * BigInt(params.ownerCutPercent)) / 100n;
  const R = E - ownerEmission;
  let incSum = 0;
  let divSum = 0;
  for (let i = 0; i < n; i++) {
    incSum += incentive[i]!;
    divSum += dividends[i]!;
  }
  let shares: bigint[];
  let unminted = 0n;
  if (incSum > 0 && divSum > 0) {
    const minerPool = R / 2n;
    const validatorPool = R - minerPool;
    shares = new Array<bigint>(n);
    for (let i = 0; i < n; i++)
      shares[i] = minerPool * BigInt(incentive[i]!) + validatorPool * BigInt(dividends[i]!);
  } else if (incSum > 0) {
    shares = toBigInts(incentive);
  } else if (activeWei.some((s) => s > 0n)) {
    shares = activeWei;
  } else {
    shares = stakeWei;
  }
  const amounts = apportion(R, shares);
  if (!shares.some((s) => s > 0n)) unminted = R;

  // Bond rows are stored only for UIDs holding a new permit (end of step 10).
  T('const bondRows');
  const bondRows = sparseRowsOf(
    b,
    rows,
    n,
    rowUid.map((i) => newPermit[i]!),
    bondNonZero,
  );
  T('const out: Epo');
  const out: EpochNeuronOutput[] = new Array<EpochNeuronOutput>(n);
  for (let i = 0; i < n; i++) {
    const r = rowOf[i]!;
    const bonds = r >= 0 ? bondRows[r]! : EMPTY_BOND_ROW;
    out[i] = {
      stake: stake[i]!,
      validatorTrust: r >= 0 ? trust[r]! : 0,
      consensus: consensus[i]!,
      incentive: incentive[i]!,
      dividends: dividends[i]!,
      emission: amounts[i]!,
      active: active[i]!,
      validatorPermit: newPermit[i]!,
      bonds,
    };
  }
  T("end");
  return { neurons: out, ownerEmission, unminted };
}
