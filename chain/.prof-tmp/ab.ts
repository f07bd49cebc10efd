import { denseSubnet } from "../bench/epoch.bench.js";
import { runEpoch as runNew, type EpochInput } from "../src/protocol/epoch.js";
import { runEpoch as runOld } from "./epoch-old.js";
function withPriorBonds(input: EpochInput): EpochInput {
  const out = runNew(input);
  return { ...input, currentBlock: input.currentBlock + 360, lastEpochBlock: input.currentBlock,
    neurons: input.neurons.map((nr, i) => ({ ...nr, lastUpdate: nr.lastUpdate + 360, validatorPermit: out.neurons[i]!.validatorPermit, bonds: { uids: Array.from(out.neurons[i]!.bonds.uids), values: Array.from(out.neurons[i]!.bonds.values) } })) };
}
const [n, v] = (process.argv[2] ?? "4096x256").split("x").map(Number) as [number, number];
const input = withPriorBonds(denseSubnet(n, v, 42));
const only = process.argv[3];
const all = { old: runOld as (i: EpochInput) => unknown, new: runNew as (i: EpochInput) => unknown };
const fns = Object.fromEntries(Object.entries(all).filter(([k]) => !only || k === only));
for (const f of Object.values(fns)) for (let k = 0; k < 5; k++) f(input);
const res: Record<string, { wall: number[]; cpu: number[] }> = { old: { wall: [], cpu: [] }, new: { wall: [], cpu: [] } };
for (let round = 0; round < 21; round++) for (const [name, f] of Object.entries(fns)) {
  const c0 = process.cpuUsage(); const t0 = performance.now(); f(input);
  res[name]!.wall.push(performance.now() - t0); const c = process.cpuUsage(c0); res[name]!.cpu.push((c.user + c.system) / 1000);
}
const med = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!.toFixed(2);
for (const [name, r] of Object.entries(res)) if (r.wall.length) console.log(name, "wall med", med(r.wall), "min", Math.min(...r.wall).toFixed(2), "cpu med", med(r.cpu));
