import { describe, expect, it } from "vitest";
import {
  ONE,
  ONE_BIG,
  apportion,
  floorDiv,
  fracDiv,
  fixedToU16,
  halfLifeDecay,
  mulFix,
  normalizeExact,
  u16ToFixed,
} from "./fixed.js";
import { prng } from "./test-prng.js";

const big = (x: number): bigint => BigInt(x);

describe("fixed-point primitives match exact BigInt arithmetic", () => {
  const rand = prng(1);
  const upTo = (bits: number): number => Math.floor(rand.float() * 2 ** bits);

  it("floorDiv is the exact floor for numerators below 2^53", () => {
    const bad: string[] = [];
    const check = (n: number, d: number): void => {
      if (floorDiv(n, d) !== Number(big(n) / big(d))) bad.push(`${n}/${d}`);
    };
    for (let k = 0; k < 20000; k++) check(k % 2 ? upTo(53) : upTo(48), 1 + upTo(k % 3 === 0 ? 50 : 28));
    // Quotients next to integers, where a naive rounding would tip over.
    for (let d = 1; d < 2000; d++) check(Math.floor((2 ** 53 - 1) / d) * d - 1, d);
    expect(bad).toEqual([]);
  });

  it("mulFix = floor(a·b / 2^32) for a ≤ 2^32, b ≤ 2^36", () => {
    const cases: [number, number][] = [
      [ONE, ONE],
      [ONE, 2 ** 36],
      [ONE - 1, ONE - 1],
      [0, ONE],
      [1, 1],
    ];
    for (let k = 0; k < 20000; k++) cases.push([upTo(32), k % 2 ? upTo(36) : upTo(32)]);
    expect(cases.filter(([a, b]) => mulFix(a, b) !== Number((big(a) * big(b)) / ONE_BIG))).toEqual([]);
  });

  it("fracDiv = floor(x·2^32 / s) for x ≤ s < 2^45, both paths", () => {
    const cases: [number, number][] = [
      [1, 1],
      [2 ** 44, 2 ** 44],
      [2 ** 21 - 1, 2 ** 44],
      [2 ** 21, 2 ** 21 + 1],
      [2 ** 32, 2 ** 45 - 1],
      [2 ** 32, 2 ** 32],
      [2 ** 32 + 1, 2 ** 45 - 1],
      [2 ** 32 - 1, 2 ** 32],
    ];
    for (let k = 0; k < 20000; k++) {
      const s = 1 + upTo(k % 2 ? 44 : 30);
      cases.push([Math.floor(rand.float() * (s + 1)), s]);
      // x ≤ ONE (bonds) against large column sums: the three-step path.
      const s2 = 2 ** 32 + upTo(44);
      if (s2 < 2 ** 45) cases.push([2 ** 21 + Math.floor(rand.float() * (2 ** 32 - 2 ** 21 + 1)), s2]);
    }
    expect(cases.filter(([x, s]) => fracDiv(x, s) !== Number((big(x) * ONE_BIG) / big(s)))).toEqual([]);
  });

  it("u16 conversions round-trip every u16 value", () => {
    const bad: number[] = [];
    for (let v = 0; v <= 65535; v++) if (fixedToU16(u16ToFixed(v)) !== v) bad.push(v);
    expect(bad).toEqual([]);
    expect(u16ToFixed(65535)).toBe(ONE);
  });
});

describe("apportion", () => {
  it("conserves the total, floors each share and breaks remainder ties to the lower index", () => {
    expect(apportion(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
    expect(apportion(2n, [1n, 1n, 1n])).toEqual([1n, 1n, 0n]);
    expect(apportion(7n, [0n, 0n])).toEqual([0n, 0n]);
    expect(apportion(0n, [3n, 1n])).toEqual([0n, 0n]);
    expect(apportion(100n, [1n, 2n, 3n, 0n])).toEqual([17n, 33n, 50n, 0n]); // 16.67, 33.33, 50 → +1 to the largest remainder
    expect(() => apportion(1n, [-1n])).toThrow(RangeError);
  });

  it("on random inputs: sum exact and every part within one of its exact share", () => {
    const rand = prng(2);
    for (let k = 0; k < 300; k++) {
      const n = 1 + rand.int(40);
      const weights = Array.from({ length: n }, () =>
        rand.int(4) === 0 ? 0n : BigInt(rand.int(2 ** 30)) * BigInt(1 + rand.int(1000)),
      );
      const total = BigInt(rand.int(2 ** 31)) * 10n ** BigInt(rand.int(10));
      const parts = apportion(total, weights);
      const sum = weights.reduce((a, b) => a + b, 0n);
      if (sum === 0n) continue;
      expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
      parts.forEach((p, i) => {
        const floor = (total * weights[i]!) / sum;
        expect(p === floor || p === floor + 1n).toBe(true);
      });
    }
  });

  it("normalizeExact sums to exactly ONE", () => {
    const v = normalizeExact([1n, 1n, 1n]);
    expect(Array.from(v)).toEqual([1431655766, 1431655765, 1431655765]);
    expect(v.reduce((a, b) => a + b, 0)).toBe(ONE);
    expect(Array.from(normalizeExact([0n, 0n]))).toEqual([0, 0]);
  });
});

describe("halfLifeDecay", () => {
  const TEN = 10n ** 18n;
  it("halves per whole half-life exactly and is 1 at zero elapsed", () => {
    expect(halfLifeDecay(TEN, 0, 360)).toBe(TEN);
    expect(halfLifeDecay(TEN, 360, 360)).toBe(TEN / 2n);
    expect(halfLifeDecay(TEN, 720, 360)).toBe(TEN / 4n);
    expect(halfLifeDecay(TEN, 360 * 300, 360)).toBe(0n);
  });

  it("matches 2^(−t/h) to 1e−9 relative and never increases with time", () => {
    let prev = TEN * 1000n;
    for (let t = 0; t <= 1500; t += 7) {
      const v = halfLifeDecay(TEN * 1000n, t, 360);
      expect(v <= prev).toBe(true);
      prev = v;
      const exact = 1000 * 2 ** (-t / 360);
      expect(Math.abs(Number(v) / 1e18 - exact) / exact).toBeLessThan(1e-9);
    }
    // Half a half-life: 1/√2.
    expect(Number(halfLifeDecay(TEN, 180, 360)) / 1e18).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it("rejects bad arguments", () => {
    expect(() => halfLifeDecay(TEN, -1, 360)).toThrow(RangeError);
    expect(() => halfLifeDecay(TEN, 1, 0)).toThrow(RangeError);
  });
});
