import { denseSubnet } from "../bench/epoch.bench.js";
import { runEpoch, PH, type EpochInput } from "./epoch-inst.js";
function withPriorBonds(input: EpochInput): EpochInput {
  const out = runEpoch(input);
  return { ...input, currentBlock: input.currentBlock + 360, lastEpochBlock: input.currentBlock,
    neurons: input.neurons.map((nr, i) => ({ ...nr, lastUpdate: nr.lastUpdate + 360, validatorPermit: out.neurons[i]!.validatorPermit, bonds: { uids: Array.from(out.neurons[i]!.bonds.uids), values: Array.from(out.neurons[i]!.bonds.values) } })) };
}
const input = withPriorBonds(denseSubnet(4096, 256, 42));
for (let k = 0; k < 5; k++) runEpoch(input);
for (const k of Object.keys(PH)) PH[k] = 0;
const N = 10; const c0 = process.cpuUsage(); const t0 = performance.now();
for (let k = 0; k < N; k++) runEpoch(input);
const c = process.cpuUsage(c0);
console.log("avg wall", ((performance.now()-t0)/N).toFixed(1), "cpu", ((c.user+c.system)/1000/N).toFixed(1));
for (const [k, v] of Object.entries(PH)) console.log(k.padEnd(14), (v / N).toFixed(2));
