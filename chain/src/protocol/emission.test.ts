import { describe, expect, it } from "vitest";
import { accumulateEmission, splitBlockEmission, subnetEmissionShares, takeDueEmission } from "./emission.js";
import { EpochInputError } from "./epoch.js";
import { ONE } from "./fixed.js";
import { TEN } from "./params.js";
import { prng } from "./test-prng.js";
import { isEpochBlock, nextEpochBlock, tempoIndex } from "./schedule.js";

const none = { uids: [], values: [] };

describe("subnet emission shares (root subnet)", () => {
  it("splits equally without root weights", () => {
    const shares = subnetEmissionShares({
      netuids: [3, 1, 2],
      validators: [{ stake: TEN, weights: none }],
      kappa: 32767,
    });
    expect([...shares.entries()]).toEqual([
      [1, 1431655766],
      [2, 1431655765],
      [3, 1431655765],
    ]);
  });

  it("follows the stake-weighted consensus of the chain validators", () => {
    // V0 (stake 3) puts 3:1 on subnets 1 and 2, V1 (stake 1) puts 1:3: consensus is V0's (75% ≥ kappa)
    // for subnet 1 (0.75) and the common floor for subnet 2 (0.25); incentive 0.625 : 0.25 → 5/7, 2/7.
    const shares = subnetEmissionShares({
      netuids: [1, 2],
      validators: [
        { stake: 3n * TEN, weights: { uids: [1, 2], values: [3, 1] } },
        { stake: 1n * TEN, weights: { uids: [2, 1], values: [3, 1] } },
      ],
      kappa: 32767,
    });
    expect(shares.get(1)).toBe(3067833783);
    expect(shares.get(2)).toBe(1227133513);
  });

  it("ignores weights on the root and on dissolved subnets, and rejects malformed rows", () => {
    const shares = subnetEmissionShares({
      netuids: [1, 2],
      validators: [{ stake: TEN, weights: { uids: [0, 9, 2], values: [65535, 65535, 1] } }],
      kappa: 32767,
    });
    expect(shares.get(2)).toBe(ONE);
    expect(shares.get(1)).toBe(0);
    expect(() =>
      subnetEmissionShares({
        netuids: [1],
        validators: [{ stake: TEN, weights: { uids: [1, 1], values: [1, 1] } }],
        kappa: 1,
      }),
    ).toThrow(EpochInputError);
    expect(() => subnetEmissionShares({ netuids: [0], validators: [], kappa: 1 })).toThrow(EpochInputError);
    expect(subnetEmissionShares({ netuids: [], validators: [], kappa: 1 }).size).toBe(0);
  });
});

describe("per-block emission", () => {
  it("splits exactly to the wei for random shares and emissions", () => {
    const r = prng(3);
    for (let k = 0; k < 200; k++) {
      const count = 1 + r.int(20);
      const netuids = Array.from({ length: count }, (_, i) => i + 1);
      const validators = Array.from({ length: r.int(6) }, () => ({
        stake: BigInt(r.int(1000)) * TEN,
        weights: { uids: netuids.filter(() => r.float() < 0.5), values: [] as number[] },
      }));
      for (const v of validators) v.weights.values = v.weights.uids.map(() => r.int(65536));
      const shares = subnetEmissionShares({ netuids, validators, kappa: 32767 });
      expect([...shares.values()].reduce((a, b) => a + b, 0)).toBe(ONE);
      const block = BigInt(r.u32()) * BigInt(1 + r.int(1e9));
      const split = splitBlockEmission(block, shares);
      expect([...split.values()].reduce((a, b) => a + b, 0n)).toBe(block);
    }
  });

  it("accumulates per subnet and pays each subnet's pending amount at its epoch block", () => {
    const subnets = [
      { netuid: 1, tempo: 4 },
      { netuid: 2, tempo: 9 },
    ];
    const shares = new Map([
      [1, ONE / 2],
      [2, ONE / 2],
    ]);
    let pending = new Map<number, bigint>();
    const paid = new Map<number, bigint>([
      [1, 0n],
      [2, 0n],
    ]);
    for (let block = 0; block < 40; block++) {
      pending = accumulateEmission(pending, splitBlockEmission(10n, shares));
      const res = takeDueEmission(pending, subnets, block);
      pending = res.pending;
      for (const [netuid, amount] of res.due) {
        expect(isEpochBlock(netuid, subnets.find((s) => s.netuid === netuid)!.tempo, block)).toBe(true);
        paid.set(netuid, paid.get(netuid)! + amount);
      }
    }
    // Everything minted is either paid or still pending.
    const total = [...paid.values(), ...pending.values()].reduce((a, b) => a + b, 0n);
    expect(total).toBe(400n);
    // Subnet 1 (tempo 4) has epochs at blocks 3, 8, ..., 38: paid 5 per block through block 38.
    expect(paid.get(1)).toBe(5n * 39n);
  });
});

describe("epoch schedule", () => {
  it("runs an epoch every tempo + 1 blocks, staggered by netuid", () => {
    const blocks = (netuid: number): number[] =>
      Array.from({ length: 30 }, (_, b) => b).filter((b) => isEpochBlock(netuid, 9, b));
    expect(blocks(0)).toEqual([9, 19, 29]);
    expect(blocks(1)).toEqual([8, 18, 28]);
    expect(nextEpochBlock(1, 9, 9)).toBe(18);
    expect(nextEpochBlock(1, 9, 8)).toBe(8);
    // The epoch block closes its tempo; the next block opens the next one.
    expect(tempoIndex(1, 9, 8)).toBe(0);
    expect(tempoIndex(1, 9, 9)).toBe(1);
    expect(() => isEpochBlock(1, 0, 5)).toThrow(RangeError);
  });
});
