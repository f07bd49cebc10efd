import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  EpochInputError,
  runEpoch,
  stakeWeightedConsensus,
  weightedUpperQuantile,
  type EpochInput,
} from "./epoch.js";
import { ONE } from "./fixed.js";
import { prng } from "./test-prng.js";
import { plainEpochOutput, randomSubnet } from "./test-subnets.js";

const decimal = z
  .string()
  .regex(/^\d+$/)
  .transform((s) => BigInt(s));
const row = z.object({ uids: z.array(z.number().int()), values: z.array(z.number().int()) });
const vectorFile = z.object({
  scale: z.literal(ONE),
  vectors: z.array(
    z.object({
      name: z.string(),
      comment: z.string().min(40),
      input: z.object({
        currentBlock: z.number().int(),
        lastEpochBlock: z.number().int(),
        emission: decimal,
        params: z.object({
          kappa: z.number().int(),
          bondsMovingAverage: z.number().int(),
          maxValidators: z.number().int(),
          activityCutoff: z.number().int(),
          stakeThreshold: decimal,
          ownerCutPercent: z.number().int(),
        }),
        neurons: z.array(
          z.object({
            stake: decimal,
            registeredAt: z.number().int(),
            lastUpdate: z.number().int(),
            validatorPermit: z.boolean(),
            weights: row,
            bonds: row,
          }),
        ),
      }),
      expected: z.object({
        ownerEmission: decimal,
        unminted: decimal,
        neurons: z.array(
          z.object({
            stake: z.number(),
            validatorTrust: z.number(),
            consensus: z.number(),
            incentive: z.number(),
            dividends: z.number(),
            emission: decimal,
            active: z.boolean(),
            validatorPermit: z.boolean(),
            bonds: row,
          }),
        ),
      }),
    }),
  ),
});

const plain = plainEpochOutput;

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const sumBig = (xs: bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

describe("epoch vectors (epoch-vectors.json, worked out by hand)", () => {
  const file = vectorFile.parse(
    JSON.parse(readFileSync(new URL("./epoch-vectors.json", import.meta.url), "utf8")),
  );
  it("has the hand-checked cases", () => {
    expect(file.vectors.length).toBeGreaterThanOrEqual(10);
  });
  for (const v of file.vectors) {
    it(v.name, () => {
      expect(plain(runEpoch(v.input))).toEqual(v.expected);
    });
  }
});

describe("epoch properties over random subnets", () => {
  const N = 300;
  const subnets: EpochInput[] = [];
  const rand = prng(20261121);
  for (let k = 0; k < N; k++) subnets.push(randomSubnet(rand));
  const outputs = subnets.map(runEpoch);

  it("incentives and dividends each sum to exactly ONE when non-zero; proportions stay in [0, ONE]", () => {
    const bad: string[] = [];
    let nonZero = 0;
    outputs.forEach((out, k) => {
      for (const key of ["incentive", "dividends", "stake"] as const) {
        const s = sum(out.neurons.map((nr) => nr[key]));
        if (s !== 0 && s !== ONE) bad.push(`subnet ${k}: ${key} sums to ${s}`);
        if (key === "dividends" && s === ONE) nonZero++;
      }
      out.neurons.forEach((nr, i) => {
        for (const key of ["stake", "validatorTrust", "consensus", "incentive", "dividends"] as const) {
          if (!(Number.isInteger(nr[key]) && nr[key] >= 0 && nr[key] <= ONE))
            bad.push(`subnet ${k} uid ${i}: ${key} = ${nr[key]}`);
        }
        for (const b of nr.bonds.values)
          if (!(b > 0 && b <= ONE)) bad.push(`subnet ${k} uid ${i}: bond ${b}`);
      });
    });
    expect(bad).toEqual([]);
    expect(nonZero).toBeGreaterThan(N / 4); // the random subnets do exercise dividends
  });

  it("conserves emission to the last wei and pays the owner floor(E·cut/100)", () => {
    subnets.forEach((input, k) => {
      const out = outputs[k]!;
      expect(out.ownerEmission).toBe((input.emission * BigInt(input.params.ownerCutPercent)) / 100n);
      expect(sumBig(out.neurons.map((nr) => nr.emission)) + out.ownerEmission + out.unminted).toBe(
        input.emission,
      );
      for (const nr of out.neurons) expect(nr.emission >= 0n).toBe(true);
      // Nothing goes unminted while anyone holds stake above the threshold.
      const anyStake = input.neurons.some((nr) => nr.stake > 0n && nr.stake >= input.params.stakeThreshold);
      if (anyStake) expect(out.unminted).toBe(0n);
    });
  });

  it("gives at most maxValidators permits, never to zero stake, and keeps bond rows only for permits", () => {
    subnets.forEach((input, k) => {
      const out = outputs[k]!;
      expect(out.neurons.filter((nr) => nr.validatorPermit).length).toBeLessThanOrEqual(
        input.params.maxValidators,
      );
      out.neurons.forEach((nr) => {
        if (nr.validatorPermit) expect(nr.stake).toBeGreaterThan(0);
        else expect(nr.bonds.uids.length).toBe(0);
      });
    });
  });

  it("is deterministic and independent of the order of sparse rows", () => {
    const r = prng(7);
    subnets.slice(0, 100).forEach((input, k) => {
      const shuffled: EpochInput = {
        ...input,
        neurons: input.neurons.map((nr) => {
          const perm = (len: number): number[] => {
            const p = Array.from({ length: len }, (_, i) => i);
            for (let a = len - 1; a > 0; a--) {
              const b = r.int(a + 1);
              [p[a], p[b]] = [p[b]!, p[a]!];
            }
            return p;
          };
          const pw = perm(nr.weights.uids.length);
          const pb = perm(nr.bonds.uids.length);
          return {
            ...nr,
            weights: {
              uids: pw.map((i) => nr.weights.uids[i]!),
              values: pw.map((i) => nr.weights.values[i]!),
            },
            bonds: { uids: pb.map((i) => nr.bonds.uids[i]!), values: pb.map((i) => nr.bonds.values[i]!) },
          };
        }),
      };
      const again = plain(runEpoch(input));
      expect(again).toEqual(plain(outputs[k]!));
      expect(plain(runEpoch(shuffled))).toEqual(again);
    });
  });

  it("ignores weights set at or before the target's registration", () => {
    const r = prng(11);
    let checked = 0;
    subnets.forEach((input, k) => {
      input.neurons.forEach((nr, i) => {
        const idx = Array.from(nr.weights.uids).findIndex(
          (j) => nr.lastUpdate <= input.neurons[j]!.registeredAt,
        );
        if (idx < 0) return;
        const values = Array.from(nr.weights.values);
        values[idx] = (values[idx]! + 1 + r.int(65535)) % 65536;
        const changed: EpochInput = {
          ...input,
          neurons: input.neurons.map((x, u) =>
            u === i ? { ...x, weights: { uids: x.weights.uids, values } } : x,
          ),
        };
        expect(plain(runEpoch(changed))).toEqual(plain(outputs[k]!));
        checked++;
      });
    });
    expect(checked).toBeGreaterThan(50);
  });

  it("excludes inactive validators: no dividends, no emission share as validator, no say in consensus or incentive", () => {
    const r = prng(13);
    let checked = 0;
    subnets.forEach((input, k) => {
      const out = outputs[k]!;
      input.neurons.forEach((nr, i) => {
        if (nr.lastUpdate + input.params.activityCutoff >= input.currentBlock) return;
        expect(out.neurons[i]!.active).toBe(false);
        expect(out.neurons[i]!.dividends).toBe(0);
        if (nr.weights.uids.length === 0) return;
        const values = Array.from(nr.weights.values, () => r.int(65536));
        const changed = runEpoch({
          ...input,
          neurons: input.neurons.map((x, u) =>
            u === i ? { ...x, weights: { uids: x.weights.uids, values } } : x,
          ),
        });
        expect(changed.neurons.map((x) => x.consensus)).toEqual(out.neurons.map((x) => x.consensus));
        expect(changed.neurons.map((x) => x.incentive)).toEqual(out.neurons.map((x) => x.incentive));
        checked++;
      });
    });
    expect(checked).toBeGreaterThan(20);
  });

  it("validators holding less than kappa of active stake cannot move consensus off a united majority", () => {
    const r = prng(17);
    let checked = 0;
    for (let t = 0; t < 200; t++) {
      const validators = 2 + r.int(8);
      const miners = 1 + r.int(12);
      const n = validators + miners;
      // A majority group holding ≥ kappa of the stake sets one identical row over the miners.
      const majority = 1 + r.int(validators - 1);
      const stakes = Array.from(
        { length: validators },
        (_, i) => BigInt(1 + r.int(1000)) * (i < majority ? 10n : 1n),
      );
      const total = sumBig(stakes);
      const majorityStake = sumBig(stakes.slice(0, majority));
      const kappa = 32767;
      if (
        (total - majorityStake) * 65535n >= BigInt(kappa) * total ||
        majorityStake * 65535n < BigInt(kappa) * total
      )
        continue;
      const minerUids = Array.from({ length: miners }, (_, m) => validators + m);
      const shared = minerUids.map(() => r.int(65536));
      const build = (minorityRows: number[][]): EpochInput => ({
        currentBlock: 1000,
        lastEpochBlock: 900,
        emission: 10n ** 18n,
        params: {
          kappa,
          bondsMovingAverage: 58982,
          maxValidators: validators,
          activityCutoff: 5000,
          stakeThreshold: 0n,
          ownerCutPercent: 18,
        },
        neurons: Array.from({ length: n }, (_, i) => ({
          stake: i < validators ? stakes[i]! : 0n,
          registeredAt: 0,
          lastUpdate: 950,
          validatorPermit: i < validators,
          weights:
            i < majority
              ? { uids: minerUids, values: shared }
              : i < validators
                ? { uids: minerUids, values: minorityRows[i - majority]! }
                : { uids: [], values: [] },
          bonds: { uids: [], values: [] },
        })),
      });
      const minority = (): number[][] =>
        Array.from({ length: validators - majority }, () => minerUids.map(() => r.int(65536)));
      const a = runEpoch(build(minority()));
      const b = runEpoch(build(minority()));
      expect(b.neurons.map((x) => x.consensus)).toEqual(a.neurons.map((x) => x.consensus));
      // And the consensus is the majority's own (normalized) weight.
      const s = sum(shared);
      if (s > 0)
        minerUids.forEach((j, m) => expect(a.neurons[j]!.consensus).toBe(Math.floor((shared[m]! * ONE) / s)));
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

/** The stake-weighted upper quantile by sorting: the largest value whose support·65535 reaches `need`. */
function sortingMedian(v: number[], s: number[], need: number): number {
  const xs = [...new Set(v)].sort((a, b) => b - a);
  for (const x of xs) if (sum(v.map((w, i) => (w >= x ? s[i]! : 0))) * 65535 >= need) return x;
  return 0;
}

describe("stake-weighted median", () => {
  it("counts support exactly equal to kappa, and takes all rows with the same weight together", () => {
    // Stakes 1/4 each (of ONE = 4 units here); need = kappa·total.
    const vals = (): Float64Array => Float64Array.from([40, 30, 30, 10]);
    const stks = (): Float64Array => Float64Array.from([1, 1, 1, 1]);
    // need exactly 1/4·65535 → the top weight alone (support 1 of 4) suffices.
    expect(weightedUpperQuantile(vals(), stks(), 0, 4, 65535)).toBe(40);
    expect(weightedUpperQuantile(vals(), stks(), 0, 4, 65536)).toBe(30); // support 3 (both 30s at once)
    expect(weightedUpperQuantile(vals(), stks(), 0, 4, 3 * 65535)).toBe(30);
    expect(weightedUpperQuantile(vals(), stks(), 0, 4, 3 * 65535 + 1)).toBe(10);
    expect(weightedUpperQuantile(vals(), stks(), 0, 4, 4 * 65535 + 1)).toBe(0);
    expect(weightedUpperQuantile(vals(), stks(), 0, 4, 0)).toBe(40);
  });

  it("agrees with a sorting median on adversarial (sorted, constant, alternating) columns", () => {
    const r = prng(5);
    const patterns = [
      (i: number) => i + 1,
      (i: number) => 1000 - i,
      () => 7,
      (i: number) => (i % 2 ? 1 : 1000),
      () => 1 + r.int(5),
      () => 1 + r.int(1e9),
    ];
    for (const pattern of patterns) {
      for (const len of [1, 2, 3, 10, 257]) {
        const v = Array.from({ length: len }, (_, i) => pattern(i));
        const s = Array.from({ length: len }, () => 1 + r.int(1000));
        const total = sum(s);
        for (const kappa of [0, 1, 32767, 65534, 65535]) {
          const need = kappa * total;
          expect(weightedUpperQuantile(Float64Array.from(v), Float64Array.from(s), 0, len, need)).toBe(
            sortingMedian(v, s, need),
          );
        }
      }
    }
  });

  it("long columns (the histogram pass) agree with a sorting median, values up to ONE", () => {
    const r = prng(11);
    const patterns = [
      (i: number) => i + 1,
      (i: number) => ONE - i,
      () => ONE,
      () => 1 + r.int(3),
      (i: number) => (i % 2 ? 1 : ONE),
      (i: number) => (i % 7 ? ONE - 1 : ONE),
      () => 1 + r.int(ONE),
      () => 2 ** 20 + r.int(64), // clustered, as when validators agree
      (i: number) => (i < 3 ? ONE : 1 + r.int(100)), // a few outliers stretch the range
    ];
    let checked = 0;
    for (const pattern of patterns) {
      for (const rows of [49, 64, 300, 1000]) {
        const v = Array.from({ length: rows }, (_, i) => pattern(i));
        // Stakes summing to at most ONE, as normalized stake does; some rows unstaked.
        const raw = Array.from({ length: rows }, () => (r.int(5) === 0 ? 0 : 1 + r.int(1000)));
        const rawSum = Math.max(1, sum(raw));
        const s = raw.map((x) => Math.floor((x * ONE) / rawSum));
        const total = sum(s);
        for (const kappa of [0, 1, 32767, 65534, 65535]) {
          const staked = v.filter((_, i) => s[i]! > 0);
          const stakes = s.filter((x) => x > 0);
          const got = stakeWeightedConsensus(Float64Array.from(v), rows, 1, Float64Array.from(s), kappa)[0];
          expect(got).toBe(sortingMedian(staked, stakes, kappa * total));
          checked++;
        }
      }
    }
    expect(checked).toBe(patterns.length * 4 * 5);
  });
});

describe("epoch input validation", () => {
  const base = (): EpochInput => ({
    currentBlock: 10,
    lastEpochBlock: 5,
    emission: 100n,
    params: {
      kappa: 32767,
      bondsMovingAverage: 58982,
      maxValidators: 4,
      activityCutoff: 100,
      stakeThreshold: 0n,
      ownerCutPercent: 18,
    },
    neurons: [
      {
        stake: 1n,
        registeredAt: 0,
        lastUpdate: 9,
        validatorPermit: true,
        weights: { uids: [1], values: [1] },
        bonds: { uids: [], values: [] },
      },
      {
        stake: 0n,
        registeredAt: 0,
        lastUpdate: 0,
        validatorPermit: false,
        weights: { uids: [], values: [] },
        bonds: { uids: [], values: [] },
      },
    ],
  });
  const withRow = (
    weights: { uids: number[]; values: number[] },
    bonds = { uids: [] as number[], values: [] as number[] },
  ): EpochInput => {
    const input = base();
    return { ...input, neurons: [{ ...input.neurons[0]!, weights, bonds }, input.neurons[1]!] };
  };

  it("rejects corrupt rows and parameters with EpochInputError", () => {
    expect(() => runEpoch(withRow({ uids: [1, 1], values: [1, 2] }))).toThrow(/duplicate uid 1/);
    expect(() => runEpoch(withRow({ uids: [2], values: [1] }))).toThrow(/out of range/);
    expect(() => runEpoch(withRow({ uids: [1], values: [65536] }))).toThrow(/out of range/);
    expect(() => runEpoch(withRow({ uids: [1], values: [] }))).toThrow(/1 uids but 0 values/);
    expect(() => runEpoch(withRow({ uids: [1], values: [1] }, { uids: [1], values: [ONE + 1] }))).toThrow(
      EpochInputError,
    );
    expect(() => runEpoch({ ...base(), params: { ...base().params, kappa: 70000 } })).toThrow(
      EpochInputError,
    );
    expect(() => runEpoch({ ...base(), emission: -1n })).toThrow(EpochInputError);
    expect(() =>
      runEpoch({ ...base(), neurons: Array.from({ length: 4097 }, () => base().neurons[1]!) }),
    ).toThrow(/more than 4096/);
  });

  it("accepts an empty subnet", () => {
    const out = runEpoch({ ...base(), neurons: [] });
    expect(out.neurons).toEqual([]);
    expect(out.ownerEmission + out.unminted).toBe(100n);
  });
});
