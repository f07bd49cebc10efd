import { denseSubnet } from "../bench/epoch.bench.js";
import * as NEW from "./epoch-inst.js";
import * as OLD from "./epoch-old-inst.js";
import type { EpochInput } from "../src/protocol/epoch.js";
function withPriorBonds(input: EpochInput): EpochInput {
  const out = NEW.runEpoch(input);
  return { ...input, currentBlock: input.currentBlock + 360, lastEpochBlock: input.currentBlock,
    neurons: input.neurons.map((nr, i) => ({ ...nr, lastUpdate: nr.lastUpdate + 360, validatorPermit: out.neurons[i]!.validatorPermit, bonds: { uids: Array.from(out.neurons[i]!.bonds.uids), values: Array.from(out.neurons[i]!.bonds.values) } })) };
}
const input = withPriorBonds(denseSubnet(4096, 256, 42));
const mods = { old: OLD, new: NEW };
for (const m of Object.values(mods)) for (let k = 0; k < 4; k++) m.runEpoch(input);
for (const m of Object.values(mods)) for (const k of Object.keys(m.PH)) m.PH[k] = 0;
const N = 12;
for (let k = 0; k < N; k++) for (const m of Object.values(mods)) { (globalThis as { gc?: () => void }).gc?.(); m.runEpoch(input); }
for (const [name, m] of Object.entries(mods)) {
  console.log(name, "total", (Object.values(m.PH).reduce((a, b) => a + b, 0) / N).toFixed(1));
  for (const [k, v] of Object.entries(m.PH)) console.log("  ", k.padEnd(16), (v / N).toFixed(2));
}
