// The optimized epoch (typed arrays, tiled quickselect consensus, split products) against a
// naive reference written straight from PROTOCOL.md with BigInt everywhere: same rounding rules
// (floor per product, apportion for every normalization), no shared code besides apportion.
import { describe, expect, it } from "vitest";
import { runEpoch, type EpochInput } from "./epoch.js";
import { ONE_BIG, apportion } from "./fixed.js";
import { prng } from "./test-prng.js";
import { plainEpochOutput, randomSubnet } from "./test-subnets.js";

const U16 = 65535n;

function referenceEpoch(input: EpochInput): unknown {
  const { params: p, neurons: N } = input;
  const n = N.length;
  const norm = (ws: bigint[]): bigint[] => apportion(ONE_BIG, ws);
  const sum = (xs: bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);
  const active = N.map((nr) => nr.lastUpdate + p.activityCutoff >= input.currentBlock);
  const sw = N.map((nr) => (nr.stake < p.stakeThreshold ? 0n : nr.stake));
  const stake = norm(sw);
  const cand = [...N.keys()]
    .filter((i) => sw[i]! > 0n)
    .sort((a, b) => (sw[b]! > sw[a]! ? 1 : sw[b]! < sw[a]! ? -1 : b - a));
  const permit = N.map((_, i) => cand.slice(0, p.maxValidators).includes(i));
  const aw = sw.map((s, i) => (active[i] && N[i]!.validatorPermit ? s : 0n));
  const a = norm(aw);
  const W: bigint[][] = N.map((nr, i) => {
    const row: bigint[] = new Array<bigint>(n).fill(0n);
    if (!nr.validatorPermit) return row;
    nr.weights.uids.forEach((j, k) => {
      if (j !== i && nr.lastUpdate > N[j]!.registeredAt) row[j] = BigInt(nr.weights.values[k]!);
    });
    const s = sum(row);
    return s === 0n ? row : row.map((v) => (v * ONE_BIG) / s);
  });
  const total = sum(a);
  const C = [...Array(n).keys()].map((j) => {
    if (total === 0n) return 0n;
    const xs = [
      ...new Set(
        W.filter((_, i) => a[i]! > 0n)
          .map((row) => row[j]!)
          .filter((x) => x > 0n),
      ),
    ].sort((x, y) => (y > x ? 1 : -1));
    for (const x of xs) {
      const support = sum(W.map((row, i) => (a[i]! > 0n && row[j]! >= x ? a[i]! : 0n)));
      if (support * U16 >= BigInt(p.kappa) * total) return x;
    }
    return 0n;
  });
  const Wc = W.map((row) => row.map((x, j) => (x < C[j]! ? x : C[j]!)));
  const rowSet = [...N.keys()].filter((i) => N[i]!.validatorPermit || N[i]!.bonds.uids.length > 0);
  const trust = N.map((_, i) => (rowSet.includes(i) ? sum(Wc[i]!) : 0n));
  const inc = norm([...Array(n).keys()].map((j) => sum(Wc.map((row, i) => (a[i]! * row[j]!) / ONE_BIG))));
  const B = new Map<number, bigint[]>();
  for (const i of rowSet) {
    const prev: bigint[] = new Array<bigint>(n).fill(0n);
    N[i]!.bonds.uids.forEach((j, k) => {
      if (N[j]!.registeredAt <= input.lastEpochBlock) prev[j] = BigInt(N[i]!.bonds.values[k]!);
    });
    const beta = BigInt(p.bondsMovingAverage);
    B.set(
      i,
      Wc[i]!.map((x, j) => ((U16 - beta) * x + beta * prev[j]!) / U16),
    );
  }
  const S = [...Array(n).keys()].map((j) => sum(rowSet.map((i) => B.get(i)![j]!)));
  const div = norm(
    N.map((_, i) => {
      if (!B.has(i) || a[i] === 0n) return 0n;
      return (
        a[i]! * sum(B.get(i)!.map((x, j) => (x === 0n ? 0n : (((x * ONE_BIG) / S[j]!) * inc[j]!) / ONE_BIG)))
      );
    }),
  );
  const E = input.emission;
  const owner = (E * BigInt(p.ownerCutPercent)) / 100n;
  const R = E - owner;
  let shares: bigint[];
  if (sum(inc) > 0n && sum(div) > 0n) {
    const mp = R / 2n;
    shares = inc.map((x, i) => mp * x + (R - mp) * div[i]!);
  } else if (sum(inc) > 0n) shares = inc;
  else if (sum(aw) > 0n) shares = aw;
  else shares = sw;
  const em = apportion(R, shares);
  return {
    ownerEmission: owner,
    unminted: sum(shares) > 0n ? 0n : R,
    neurons: N.map((_, i) => {
      const row = permit[i] && B.has(i) ? B.get(i)! : [];
      const uids = [...row.keys()].filter((j) => row[j]! > 0n);
      return {
        stake: Number(stake[i]),
        validatorTrust: Number(trust[i]),
        consensus: Number(C[i]),
        incentive: Number(inc[i]),
        dividends: Number(div[i]),
        emission: em[i],
        active: active[i],
        validatorPermit: permit[i],
        bonds: { uids, values: uids.map((j) => Number(row[j])) },
      };
    }),
  };
}

describe("optimized epoch = naive BigInt reference", () => {
  it("on 150 random subnets, including ones wider than a consensus tile (32 columns)", () => {
    const rand = prng(424242);
    for (let k = 0; k < 150; k++) {
      const input = randomSubnet(rand, k < 120 ? 16 : 80);
      expect(plainEpochOutput(runEpoch(input))).toEqual(referenceEpoch(input));
    }
  });
});
