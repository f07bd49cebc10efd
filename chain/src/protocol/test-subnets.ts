// Random subnets for the epoch's property tests and cross-checks: every field of EpochInput
// is drawn from a seeded PRNG, including the edge values (kappa 0 and 65535, α 0 and 1,
// zero stakes, empty rows, all-zero rows, registrations after the last epoch).
import type { EpochInput, EpochNeuronInput, EpochOutput } from "./epoch.js";
import { ONE } from "./fixed.js";
import type { Prng } from "./test-prng.js";

function pick<T>(rand: Prng, xs: readonly T[]): T {
  return xs[rand.int(xs.length)]!;
}

function randomSubset(rand: Prng, n: number, density: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < n; j++) if (rand.float() < density) out.push(j);
  // Random order: the epoch must not depend on the order of a sparse row.
  for (let k = out.length - 1; k > 0; k--) {
    const m = rand.int(k + 1);
    [out[k], out[m]] = [out[m]!, out[k]!];
  }
  return out;
}

export function randomSubnet(rand: Prng, maxN = 24): EpochInput {
  const n = 1 + rand.int(maxN);
  const currentBlock = 1000 + rand.int(5000);
  const lastEpochBlock = currentBlock - 1 - rand.int(400);
  const neurons: EpochNeuronInput[] = [];
  for (let i = 0; i < n; i++) {
    const registeredAt = rand.int(currentBlock);
    const lastUpdate = registeredAt + rand.int(currentBlock - registeredAt + 1);
    const permit = rand.float() < 0.5;
    const stake = rand.float() < 0.25 ? 0n : BigInt(rand.u32()) * BigInt(1 + rand.int(1_000_000_000));
    const wUids = permit || rand.float() < 0.2 ? randomSubset(rand, n, pick(rand, [0.2, 0.6, 1])) : [];
    const zeroRow = rand.float() < 0.05;
    const bUids = permit && rand.float() < 0.7 ? randomSubset(rand, n, 0.5) : [];
    neurons.push({
      stake,
      registeredAt,
      lastUpdate,
      validatorPermit: permit,
      weights: {
        uids: wUids,
        values: wUids.map(() => (zeroRow ? 0 : rand.float() < 0.1 ? 0 : rand.int(65536))),
      },
      bonds: { uids: bUids, values: bUids.map(() => rand.int(ONE + 1)) },
    });
  }
  return {
    currentBlock,
    lastEpochBlock,
    emission: BigInt(rand.u32()) * BigInt(rand.u32()) * BigInt(1 + rand.int(1000)),
    params: {
      kappa: pick(rand, [32767, 32767, 0, 65535, rand.int(65536)]),
      bondsMovingAverage: pick(rand, [58982, 58982, 0, 65535, rand.int(65536)]),
      maxValidators: 1 + rand.int(n + 2),
      activityCutoff: pick(rand, [100, 1000, 5000]),
      stakeThreshold: rand.float() < 0.7 ? 0n : BigInt(rand.u32()) * 1000n,
      ownerCutPercent: pick(rand, [18, 18, 0, 100, rand.int(101)]),
    },
    neurons,
  };
}

/** Plain, comparable form of an epoch output (the typed bond rows as plain arrays). */
export function plainEpochOutput(out: EpochOutput): unknown {
  return {
    ownerEmission: out.ownerEmission,
    unminted: out.unminted,
    neurons: out.neurons.map((nr) => ({
      ...nr,
      bonds: { uids: Array.from(nr.bonds.uids), values: Array.from(nr.bonds.values) },
    })),
  };
}
