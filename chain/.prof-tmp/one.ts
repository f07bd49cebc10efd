import { denseSubnet } from "../bench/epoch.bench.js";
import { runEpoch, type EpochInput } from "../src/protocol/epoch.js";
function withPriorBonds(input: EpochInput): EpochInput {
  const out = runEpoch(input);
  return { ...input, currentBlock: input.currentBlock + 360, lastEpochBlock: input.currentBlock,
    neurons: input.neurons.map((nr, i) => ({ ...nr, lastUpdate: nr.lastUpdate + 360, validatorPermit: out.neurons[i]!.validatorPermit, bonds: { uids: Array.from(out.neurons[i]!.bonds.uids), values: Array.from(out.neurons[i]!.bonds.values) } })) };
}
const input = withPriorBonds(denseSubnet(4096, 256, 42));
for (let k = 0; k < 15; k++) runEpoch(input);
