// Yuma epoch time (chain/src/protocol/epoch.ts) on dense subnets: every validator weights
// every UID, and bonds come from a previous epoch, which is the worst case for each pass.
import os from "node:os";
import type { BenchContext, BenchFigure } from "../../scripts/bench-types.js";
import { runEpoch, type EpochInput, type EpochNeuronInput } from "../src/protocol/epoch.js";
import { prng } from "../src/protocol/test-prng.js";
import { DEFAULT_HYPERPARAMS, DEFAULT_PROTOCOL_PARAMS, TEN } from "../src/protocol/params.js";

export function denseSubnet(n: number, validators: number, seed: number): EpochInput {
  const rand = prng(seed).u32;
  const neurons: EpochNeuronInput[] = [];
  const allUids = Array.from({ length: n }, (_, j) => j);
  for (let i = 0; i < n; i++) {
    const isValidator = i < validators;
    neurons.push({
      stake: isValidator ? BigInt(1 + (rand() % 1000)) * TEN : BigInt(rand() % 1000) * 10n ** 15n,
      registeredAt: 0,
      lastUpdate: 900,
      validatorPermit: isValidator,
      weights: isValidator
        ? { uids: allUids, values: allUids.map(() => rand() % 65536) }
        : { uids: [], values: [] },
      bonds: { uids: [], values: [] },
    });
  }
  return {
    currentBlock: 1000,
    lastEpochBlock: 640,
    emission: 360n * TEN,
    params: {
      kappa: DEFAULT_HYPERPARAMS.kappa,
      bondsMovingAverage: DEFAULT_HYPERPARAMS.bondsMovingAverage,
      maxValidators: validators,
      activityCutoff: DEFAULT_HYPERPARAMS.activityCutoff,
      stakeThreshold: DEFAULT_PROTOCOL_PARAMS.stakeThreshold,
      ownerCutPercent: DEFAULT_PROTOCOL_PARAMS.ownerCutPercent,
    },
    neurons,
  };
}

/** Feeds one epoch's bonds back in, so the timed epoch has dense prior bonds. */
function withPriorBonds(input: EpochInput): EpochInput {
  const out = runEpoch(input);
  return {
    ...input,
    currentBlock: input.currentBlock + 360,
    lastEpochBlock: input.currentBlock,
    neurons: input.neurons.map((nr, i) => ({
      ...nr,
      lastUpdate: nr.lastUpdate + 360,
      validatorPermit: out.neurons[i]!.validatorPermit,
      // As the node reads them back from storage: plain arrays.
      bonds: {
        uids: Array.from(out.neurons[i]!.bonds.uids),
        values: Array.from(out.neurons[i]!.bonds.values),
      },
    })),
  };
}

/** Median wall time and median CPU time (user + system) of `runs` epochs, ms. */
function measure(input: EpochInput, runs: number): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let k = 0; k < runs; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    runEpoch(input);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: median(wall), cpu: median(cpu) };
}

export default async function epochBench(ctx: BenchContext): Promise<BenchFigure[]> {
  const cases = [
    { name: "protocol.epoch_256x64_ms", n: 256, v: 64, target: 5, runs: ctx.quick ? 5 : 51, warmup: 30 },
    { name: "protocol.epoch_4096x256_ms", n: 4096, v: 256, target: 100, runs: ctx.quick ? 3 : 11, warmup: 3 },
  ];
  const figures: BenchFigure[] = [];
  for (const c of cases) {
    const input = withPriorBonds(denseSubnet(c.n, c.v, 42));
    measure(input, c.warmup); // warm-up: let the JIT optimize, as in a long-running node
    const { wall, cpu } = measure(input, c.runs);
    ctx.log(
      `epoch ${c.n} UIDs × ${c.v} validators: ${wall.toFixed(2)} ms wall, ${cpu.toFixed(2)} ms CPU (medians of ${c.runs})`,
    );
    figures.push({
      name: c.name,
      value: Number(wall.toFixed(3)),
      unit: "ms",
      better: "lower",
      target: c.target,
      notes: `${c.n} UIDs, ${c.v} validators with dense weights and dense prior bonds; median of ${c.runs} runs after warm-up; median CPU time ${cpu.toFixed(2)} ms; 1-min load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores (the wall figure includes waiting for a core on a loaded machine)`,
    });
  }
  return figures;
}
