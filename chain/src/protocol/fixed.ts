// Deterministic fixed-point arithmetic for the protocol (PROTOCOL.md, "Epoch"): every node
// must compute identical bits, so consensus math never touches Math.exp/log/pow or any
// result that depends on float rounding or summation order.
//
// Representation. A proportion in [0, 1] is an integer in [0, ONE] with ONE = 2^32, held in a
// JS number (or a Float64Array element). Inner loops stay on numbers because BigInt is far
// slower (it allocates); BigInt is used only for per-UID vectors (normalization, wei amounts),
// never per matrix entry. 2^32 matches subtensor's I32F32 fraction bits.
//
// Why numbers are exact here. A double holds every integer below 2^53 exactly, and IEEE 754
// makes +, −, ×, / correctly rounded, so an operation on integers whose exact result is an
// integer below 2^53 returns exactly that integer, whatever the order of a sum. Every function
// below states the bound that keeps its intermediates under 2^53, and callers respect it:
//   - floorDiv(n, d) for n < 2^53: see its proof; the workhorse for row normalization
//     (u16 weight × 2^32 ≤ 2^48) and bonds EMA ((2^16−1) × 2^32 < 2^48).
//   - mulFix(a, b) splits a into 16-bit halves so no product exceeds 2^53.
//   - fracDiv(x, s) divides in 8-bit long-division steps so no dividend exceeds 2^53.
//   - Sums: at most 4096 (MAX_UIDS) terms of at most 2^32 each, so below 2^44.
//   - Comparisons such as support·65535 ≥ kappa·total: both sides ≤ 65535·2^32 < 2^48.
// Products that can reach 2^64 (stake × dividend, pool × share) go through BigInt. epoch.ts
// restates the bound at each step that relies on one.

/** The fixed-point scale: 1.0 is represented by ONE. */
export const ONE = 4294967296; // 2^32
export const ONE_BIG = 4294967296n;
/** Largest subnet size the bounds above are proven for (HYPERPARAM_BOUNDS.maxUids). */
export const MAX_UIDS = 4096;

const TWO16 = 65536;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const TWO8 = 256;

/**
 * floor(n / d) for integers 0 ≤ n < 2^53, 1 ≤ d < 2^53, exactly.
 * Proof: let q = n/d. If q is an integer it is representable and the division is exact.
 * Otherwise |q − k| ≥ 1/d for every integer k, while the rounding error of the correctly
 * rounded quotient is at most q·2^−53 = n/(d·2^53) < 1/d because n < 2^53. So the computed
 * quotient lies strictly between the same two integers as q, and Math.floor returns floor(q).
 */
export function floorDiv(n: number, d: number): number {
  return Math.floor(n / d);
}

/**
 * floor(a · b / ONE) for integers 0 ≤ a ≤ 2^32, 0 ≤ b ≤ 2^36.
 * With a = ah·2^16 + al (ah ≤ 2^16, al < 2^16): X = ah·b ≤ 2^52 and Y = al·b < 2^52, and
 * floor((X·2^16 + Y) / 2^32) = floor((X + floor(Y / 2^16)) / 2^16) because nested floors of
 * integer divisions compose; X + floor(Y/2^16) ≤ 2^52 + 2^36 < 2^53, so every step is exact.
 */
export function mulFix(a: number, b: number): number {
  const ah = Math.floor(a / TWO16);
  const al = a - ah * TWO16;
  return Math.floor((ah * b + Math.floor((al * b) / TWO16)) / TWO16);
}

/**
 * floor(x · ONE / s) for integers 0 ≤ x ≤ s, 1 ≤ s < 2^45: the share of x in a column sum s.
 * Fast path when x · 2^32 < 2^53 (floorDiv is exact). For x ≤ ONE (a bond), long division in
 * three steps of 20, 8 and 4 bits: x · 2^20 ≤ 2^52, and the running remainder r < s keeps
 * r · 2^8 < 2^53. Otherwise long division in 8-bit steps from floor(x / s).
 */
export function fracDiv(x: number, s: number): number {
  if (x < 2097152 /* 2^21 */) return Math.floor((x * ONE) / s);
  if (x <= ONE) {
    let n = x * 1048576; // 2^20
    let q = Math.floor(n / s);
    let r = n - q * s;
    n = r * TWO8;
    let d = Math.floor(n / s);
    r = n - d * s;
    q = q * TWO8 + d;
    n = r * 16;
    d = Math.floor(n / s);
    return q * 16 + d;
  }
  let q = Math.floor(x / s);
  let r = x - q * s;
  for (let step = 0; step < 4; step++) {
    const n = r * TWO8;
    const d = Math.floor(n / s);
    r = n - d * s;
    q = q * TWO8 + d;
  }
  return q;
}

/** u16 fraction (0..65535 meaning 0..1) to fixed point, rounding down. */
export function u16ToFixed(v: number): number {
  return Math.floor((v * ONE) / 65535);
}

/** Fixed point to a u16 fraction, rounding half up (for metagraph storage and display). */
export function fixedToU16(x: number): number {
  return Math.floor((x * 65535 + ONE / 2) / ONE);
}

/** For display and logs only: never feed the result back into consensus math. */
export function fixedToFloat(x: number): number {
  return x / ONE;
}

/**
 * Splits `total` in proportion to `weights`, exactly: each part is the floor of its exact share
 * total·w_i/Σw, then the leftover units (fewer than the number of parts) go one each to the
 * largest remainders, ties to the lower index. Σ parts = total whenever Σw > 0; all parts are
 * zero when Σw = 0. No part exceeds the ceiling of its exact share.
 */
export function apportion(total: bigint, weights: readonly bigint[]): bigint[] {
  if (total < 0n) throw new RangeError("apportion: negative total");
  const n = weights.length;
  let sum = 0n;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (w < 0n) throw new RangeError(`apportion: negative weight at index ${i}`);
    sum += w;
  }
  const parts: bigint[] = new Array<bigint>(n).fill(0n);
  if (sum === 0n || total === 0n) return parts;
  const rems: bigint[] = new Array<bigint>(n);
  let given = 0n;
  for (let i = 0; i < n; i++) {
    const num = total * weights[i]!;
    const q = num / sum;
    parts[i] = q;
    rems[i] = num - q * sum;
    given += q;
  }
  let leftover = Number(total - given);
  if (leftover === 0) return parts;
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (rems[i]! > 0n) order.push(i);
  if (sum <= MAX_SAFE_BIG) {
    // Every remainder is below sum ≤ 2^53: compare them as exact numbers (much faster).
    const r = new Float64Array(n);
    for (const i of order) r[i] = Number(rems[i]!);
    order.sort((a, b) => r[b]! - r[a]! || a - b);
  } else {
    order.sort((a, b) => {
      const ra = rems[a]!;
      const rb = rems[b]!;
      return ra > rb ? -1 : ra < rb ? 1 : a - b;
    });
  }
  for (let k = 0; k < order.length && leftover > 0; k++, leftover--) parts[order[k]!]! += 1n;
  return parts;
}

/**
 * Normalizes non-negative integer weights to fixed point summing to exactly ONE (all zeros
 * when the weights sum to zero), by apportion(): deterministic and order-independent.
 */
export function normalizeExact(weights: readonly bigint[]): Float64Array {
  const parts = apportion(ONE_BIG, weights);
  const out = new Float64Array(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]!);
  return out;
}

/** Integer-valued numbers (each below 2^53) as BigInts, for apportion() and normalizeExact(). */
export function toBigInts(values: ArrayLike<number>): bigint[] {
  const out: bigint[] = new Array<bigint>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]!);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Deterministic 2^(−t) for halving-based decay (registration burn, network lock cost).

/** Scale of the decay constants: 2^64. */
const DECAY_BITS = 64n;
const DECAY_ONE = 1n << DECAY_BITS;
/** Fraction bits of the exponent resolved; the exponent error is below 2^−32. */
const EXP_FRACTION_BITS = 32;

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // Newton's method from a power of two above the root: decreasing, ends at floor(√n).
  let x = 1n << BigInt((n.toString(2).length + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** ROOTS[k] = floor(2^64 · 2^(−2^(−(k+1)))): 2^−1/2, 2^−1/4, ... built by integer square roots. */
const ROOTS: readonly bigint[] = (() => {
  const roots: bigint[] = [];
  let c = isqrt((DECAY_ONE * DECAY_ONE) / 2n); // 2^64 / √2
  for (let k = 0; k < EXP_FRACTION_BITS; k++) {
    roots.push(c);
    c = isqrt(c * DECAY_ONE);
  }
  return roots;
})();

/**
 * value · 2^(−elapsed/halfLife), rounded down, using integers only: whole half-lives shift
 * right; the remaining fraction f = rem/halfLife is expanded bit by bit (long division) and
 * 2^(−f) is the product of the precomputed square-root constants for its set bits.
 */
export function halfLifeDecay(value: bigint, elapsed: number, halfLife: number): bigint {
  if (!Number.isSafeInteger(elapsed) || elapsed < 0)
    throw new RangeError(`halfLifeDecay: bad elapsed ${elapsed}`);
  if (!Number.isSafeInteger(halfLife) || halfLife < 1 || halfLife > 2 ** 52)
    throw new RangeError(`halfLifeDecay: bad halfLife ${halfLife}`);
  if (value <= 0n || elapsed === 0) return value < 0n ? 0n : value;
  const whole = Math.floor(elapsed / halfLife);
  if (whole >= 256) return 0n; // beyond any wei amount (< 2^256)
  let rem = elapsed - whole * halfLife;
  let v = value >> BigInt(whole);
  if (rem === 0 || v === 0n) return v;
  let factor = DECAY_ONE;
  for (let k = 0; k < EXP_FRACTION_BITS && rem > 0; k++) {
    rem *= 2;
    if (rem >= halfLife) {
      rem -= halfLife;
      factor = (factor * ROOTS[k]!) >> DECAY_BITS;
    }
  }
  v = (v * factor) >> DECAY_BITS;
  return v;
}
