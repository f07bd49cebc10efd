import { describe, expect, it } from "vitest";
import { DEFAULT_HYPERPARAMS, DEFAULT_PROTOCOL_PARAMS, TEN } from "./params.js";
import {
  RegistrationError,
  burnAfterRegistration,
  choosePruneUid,
  currentBurn,
  initialBurnState,
  isImmune,
  networkLockAfterRegistration,
  networkLockCost,
  type PruningCandidate,
} from "./registration.js";

const P = DEFAULT_HYPERPARAMS;

describe("registration burn", () => {
  it("starts at burnStart, rises ×1.26 per registration and halves every half-life", () => {
    let s = initialBurnState(P, 100);
    expect(currentBurn(s, P, 100)).toBe(TEN);
    s = burnAfterRegistration(s, P, 100);
    expect(currentBurn(s, P, 100)).toBe((TEN * 126n) / 100n);
    s = burnAfterRegistration(s, P, 100);
    expect(currentBurn(s, P, 100)).toBe((TEN * 126n * 126n) / 10000n);
    expect(currentBurn(s, P, 100 + 360)).toBe((TEN * 126n * 126n) / 20000n);
    // Half a half-life later: ×1/√2, to well within a wei per TEN of rounding.
    const half = Number(currentBurn(s, P, 100 + 180)) / 1e18;
    expect(half).toBeCloseTo((1.26 * 1.26) / Math.SQRT2, 9);
  });

  it("is clamped to [minBurn, maxBurn] and decays monotonically", () => {
    let s = initialBurnState(P, 0);
    for (let k = 0; k < 40; k++) s = burnAfterRegistration(s, P, 0);
    expect(currentBurn(s, P, 0)).toBe(P.maxBurn);
    let prev = currentBurn(s, P, 0);
    for (let b = 1; b < 360 * 20; b += 97) {
      const c = currentBurn(s, P, b);
      expect(c <= prev).toBe(true);
      prev = c;
    }
    expect(currentBurn(s, P, 360 * 40)).toBe(P.minBurn);
    expect(() => currentBurn(s, P, -1)).toThrow(RegistrationError);
  });
});

describe("subnet lock cost", () => {
  const NP = DEFAULT_PROTOCOL_PARAMS;
  it("starts at networkLockStart, doubles per registration, halves over the half-life, floors at the minimum", () => {
    let s = null as ReturnType<typeof networkLockAfterRegistration>;
    expect(networkLockCost(s, NP, 0)).toBe(100n * TEN);
    s = networkLockAfterRegistration(s, NP, 0);
    expect(networkLockCost(s, NP, 0)).toBe(200n * TEN);
    s = networkLockAfterRegistration(s, NP, 0);
    expect(networkLockCost(s, NP, 0)).toBe(400n * TEN);
    expect(networkLockCost(s, NP, NP.networkLockHalfLife)).toBe(200n * TEN);
    expect(networkLockCost(s, NP, NP.networkLockHalfLife * 10)).toBe(NP.networkLockMin);
  });
});

describe("pruning", () => {
  const c = (uid: number, registeredAt: number, emission: bigint): PruningCandidate => ({
    uid,
    registeredAt,
    emission,
  });

  it("replaces the non-immune UID with the lowest emission; ties: earliest registered, then lowest UID", () => {
    const block = 10_000;
    const immunity = 5000;
    expect(choosePruneUid([c(0, 0, 5n), c(1, 0, 3n), c(2, 0, 4n)], immunity, block)).toBe(1);
    // UID 3 has the lowest emission but is immune (registered 1000 blocks ago).
    expect(choosePruneUid([c(0, 0, 5n), c(1, 0, 3n), c(3, 9000, 0n)], immunity, block)).toBe(1);
    // Equal emission: earliest registered wins, then the lowest UID.
    expect(choosePruneUid([c(0, 200, 3n), c(1, 100, 3n), c(2, 100, 3n)], immunity, block)).toBe(1);
    expect(choosePruneUid([c(5, 100, 3n), c(4, 100, 3n)], immunity, block)).toBe(4);
  });

  it("falls back to the same rule over immune UIDs when every UID is immune", () => {
    expect(choosePruneUid([c(0, 9000, 2n), c(1, 9500, 1n), c(2, 9100, 1n)], 5000, 10_000)).toBe(2);
    expect(choosePruneUid([], 5000, 10_000)).toBeNull();
  });

  it("ends immunity exactly immunityPeriod blocks after registration", () => {
    expect(isImmune(100, 50, 149)).toBe(true);
    expect(isImmune(100, 50, 150)).toBe(false);
  });
});
