import { describe, expect, it } from "vitest";
import {
  incrementProposerPriority,
  nextHeightValidatorSet,
  proposerForRound,
  updateValidatorSet,
} from "./proposer.js";
import type { Hex, ValidatorSet } from "./types.js";
import { makeValidatorSet } from "./types.js";

const addr = (i: number): Hex => `0x${i.toString(16).padStart(40, "0")}` as Hex;
const key = (i: number): Uint8Array => {
  const k = new Uint8Array(33);
  k[0] = 2;
  k[32] = i;
  return k;
};
const setOf = (powers: number[]): ValidatorSet =>
  makeValidatorSet(powers.map((p, i) => ({ address: addr(i + 1), pubKey: key(i + 1), power: BigInt(p) })));

/** Proposers of `heights` consecutive heights, each at round 0. */
function schedule(set: ValidatorSet, heights: number): Hex[] {
  const out: Hex[] = [];
  let s = set;
  for (let h = 0; h < heights; h++) {
    out.push(proposerForRound(s, 0).address);
    s = nextHeightValidatorSet(s);
  }
  return out;
}

describe("weighted round-robin proposer selection", () => {
  it("gives each validator a share of proposals proportional to its power", () => {
    const powers = [1, 2, 3, 4, 10];
    const total = powers.reduce((a, b) => a + b, 0);
    const periods = 200;
    const picks = schedule(setOf(powers), total * periods);
    powers.forEach((p, i) => {
      const count = picks.filter((a) => a === addr(i + 1)).length;
      // Exact over whole periods up to the rounding of the start-up transient.
      expect(Math.abs(count - p * periods)).toBeLessThanOrEqual(1);
    });
  });

  it("rotates equal-power validators one after another, ties broken by lower address", () => {
    const picks = schedule(setOf([5, 5, 5, 5]), 8);
    expect(picks).toEqual([addr(1), addr(2), addr(3), addr(4), addr(1), addr(2), addr(3), addr(4)]);
  });

  it("moves to the next proposer in later rounds of one height", () => {
    const s = setOf([1, 1, 1]);
    expect([0, 1, 2, 3].map((r) => proposerForRound(s, r).address)).toEqual([
      addr(1),
      addr(2),
      addr(3),
      addr(1),
    ]);
  });

  it("keeps priorities centred and their spread within twice the total power", () => {
    let s = setOf([1, 1000, 3, 77]);
    for (let i = 0; i < 500; i++) {
      s = nextHeightValidatorSet(s);
      const ps = s.validators.map((v) => v.priority);
      const max = ps.reduce((a, b) => (b > a ? b : a));
      const min = ps.reduce((a, b) => (b < a ? b : a));
      expect(max - min).toBeLessThanOrEqual(2n * s.totalPower + s.totalPower); // after one increment
      const sum = ps.reduce((a, b) => a + b, 0n);
      expect(sum < 0n ? -sum : sum).toBeLessThanOrEqual(s.totalPower);
    }
  });

  it("does not mutate the input set", () => {
    const s = setOf([3, 4]);
    const before = s.validators.map((v) => v.priority);
    incrementProposerPriority(s, 5);
    expect(s.validators.map((v) => v.priority)).toEqual(before);
  });

  it("a newly joined validator waits instead of proposing at once", () => {
    const s = nextHeightValidatorSet(setOf([10, 10]));
    const joined = updateValidatorSet(s, [
      { address: addr(1), pubKey: key(1), power: 10n },
      { address: addr(2), pubKey: key(2), power: 10n },
      { address: addr(3), pubKey: key(3), power: 10n },
    ]);
    const picks = schedule(joined, 2);
    expect(picks).not.toContain(addr(3));
    // ...but gets its fair share afterwards.
    const later = schedule(joined, 300);
    expect(later.filter((a) => a === addr(3)).length).toBeGreaterThanOrEqual(99);
  });

  it("rejects a non-positive number of selections", () => {
    expect(() => incrementProposerPriority(setOf([1]), 0)).toThrow(RangeError);
  });
});
