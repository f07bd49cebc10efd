// Precompile gas must depend on the operation, not on whether a written value happens to equal
// the stored one: eth_estimateGas runs a call in the latest block, the transaction executes in a
// later one, and a registration estimated in the block of the previous registration (its burn
// block unchanged) used to come out one write cheaper than it then cost, so the transaction
// sent with that estimate ran out of gas.
import type { Abi, Address } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { iNeuronsAbi } from "../../../../contracts/abi/INeurons.js";
import { iSubnetsAbi } from "../../../../contracts/abi/ISubnets.js";
import { ProtocolTestChain } from "../../execution/precompiles/test-chain.js";
import { DEV_PROTOCOL_PARAMS, PRECOMPILES, TEN } from "../params.js";

const neuronsAbi = iNeuronsAbi as Abi;
const SPEC = {
  taskType: 0,
  metric: "accuracy",
  inputSignature: "float32[1,4]",
  outputSignature: "float32[1,2]",
  datasetHash: `0x${"ee".repeat(32)}`,
  datasetURI: "ipfs://ds",
} as const;

const hotkey = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}`;

describe("precompile gas", () => {
  let chain: ProtocolTestChain;
  beforeAll(async () => {
    chain = await ProtocolTestChain.create(DEV_PROTOCOL_PARAMS, 2);
    await chain.write(
      chain.accounts[0]!,
      PRECOMPILES.subnets as Address,
      iSubnetsAbi as Abi,
      "registerNetwork",
      ["gas", "ipfs://spec", SPEC],
      100n * TEN,
    );
  });

  it("a registration costs the same in the block of the previous one as in a later block", async () => {
    const register = (n: number) =>
      chain.write(
        chain.accounts[1]!,
        PRECOMPILES.neurons as Address,
        neuronsAbi,
        "burnedRegister",
        [1, hotkey(n)],
        10n * TEN,
      );
    await register(0xa1);
    const sameBlock = await register(0xa2); // previous registration in this very block
    await chain.endBlock();
    const nextBlock = await register(0xa3);
    expect(sameBlock.gasUsed).toBe(nextBlock.gasUsed);
  });
});
