import { decodeFunctionResult, encodeFunctionData, parseAbi, type Address, type Hex } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { compileSolidity } from "./build";
import { weightsCommitHash, type WeightsCommitInput } from "./commit-hash";
import { TestEvm } from "./test/evm";

// The same hash written in Solidity, as the protocol spec states it.
const REFERENCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
contract CommitHashReference {
    function hash(address hotkey, uint16 netuid, uint16[] calldata uids, uint16[] calldata values, bytes32 salt, uint64 versionKey)
        external pure returns (bytes32)
    {
        return keccak256(abi.encode(hotkey, netuid, uids, values, salt, versionKey));
    }
}
`;
const abi = parseAbi([
  "function hash(address hotkey, uint16 netuid, uint16[] uids, uint16[] values, bytes32 salt, uint64 versionKey) pure returns (bytes32)",
]);

describe("weightsCommitHash", () => {
  let evm: TestEvm;
  let reference: Address;
  beforeAll(async () => {
    const { output } = compileSolidity({ "CommitHashReference.sol": REFERENCE });
    const bytecode =
      output.contracts?.["CommitHashReference.sol"]?.["CommitHashReference"]?.evm.bytecode.object;
    evm = await TestEvm.create({ accounts: 1 });
    reference = await evm.deploy(evm.accounts[0]!, `0x${bytecode}`);
  });

  async function solidityHash(i: WeightsCommitInput): Promise<Hex> {
    const data = encodeFunctionData({
      abi,
      functionName: "hash",
      args: [i.hotkey, i.netuid, i.uids, i.values, i.salt, i.versionKey],
    });
    const { success, returnData } = await evm.call({ to: reference, data });
    expect(success).toBe(true);
    return decodeFunctionResult({ abi, functionName: "hash", data: returnData });
  }

  const base: WeightsCommitInput = {
    hotkey: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    netuid: 3,
    uids: [0, 4, 65535],
    values: [65535, 1, 0],
    salt: `0x${"ab".repeat(32)}`,
    versionKey: 2n ** 64n - 1n,
  };

  it("equals keccak256(abi.encode(...)) computed by the EVM", async () => {
    for (const input of [base, { ...base, uids: [], values: [] }, { ...base, netuid: 0, versionKey: 0n }]) {
      expect(weightsCommitHash(input)).toBe(await solidityHash(input));
    }
  });

  it("changes with every field, so a reveal must repeat all of them", () => {
    const h = weightsCommitHash(base);
    expect(weightsCommitHash({ ...base, hotkey: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" })).not.toBe(h);
    expect(weightsCommitHash({ ...base, netuid: 4 })).not.toBe(h);
    expect(weightsCommitHash({ ...base, values: [65535, 2, 0] })).not.toBe(h);
    expect(weightsCommitHash({ ...base, salt: `0x${"cd".repeat(32)}` })).not.toBe(h);
    expect(weightsCommitHash({ ...base, versionKey: 1n })).not.toBe(h);
  });
});
