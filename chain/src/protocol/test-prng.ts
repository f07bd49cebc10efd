// Seeded PRNG (mulberry32) for property tests and benchmarks: the same seed gives the same
// random subnets on every machine, so a failing case can be replayed from its seed.
export interface Prng {
  /** Uniform 32-bit unsigned integer. */
  u32(): number;
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [0, n), n ≤ 2^32. */
  int(n: number): number;
}

export function prng(seed: number): Prng {
  let a = seed >>> 0;
  const u32 = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const float = (): number => u32() / 4294967296;
  return { u32, float, int: (n) => Math.floor(float() * n) };
}
