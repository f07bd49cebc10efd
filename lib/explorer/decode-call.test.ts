import { encodeFunctionData } from "viem";
import { describe, expect, it } from "vitest";
import { neuronsPrecompile, stakingPrecompile } from "@/contracts/system-contracts";
import { decodePrecompileCall, precompileName } from "./decode-call";

describe("decodePrecompileCall", () => {
  it("decodes a staking call with named arguments", () => {
    const data = encodeFunctionData({
      abi: stakingPrecompile.abi,
      functionName: "removeStake",
      args: ["0x00000000000000000000000000000000000000aa", 5n * 10n ** 18n],
    });
    expect(decodePrecompileCall(stakingPrecompile.address, data)).toEqual({
      contract: "Staking",
      functionName: "removeStake",
      args: [
        { name: "hotkey", type: "address", value: "0x00000000000000000000000000000000000000aa" },
        { name: "amount", type: "uint256", value: "5000000000000000000" },
      ],
    });
  });

  it("decodes array arguments of a neurons call", () => {
    const data = encodeFunctionData({
      abi: neuronsPrecompile.abi,
      functionName: "setWeights",
      args: [1, [0, 1], [100, 200], 7n],
    });
    const d = decodePrecompileCall(neuronsPrecompile.address.toUpperCase().replace("0X", "0x"), data);
    expect(d?.functionName).toBe("setWeights");
    expect(d?.args.map((a) => a.value)).toEqual([1, [0, 1], [100, 200], "7"]);
  });

  it("returns null for other contracts, plain transfers and garbage", () => {
    const data = encodeFunctionData({ abi: stakingPrecompile.abi, functionName: "claimUnbonded" });
    expect(decodePrecompileCall("0x00000000000000000000000000000000000000aa", data)).toBeNull();
    expect(decodePrecompileCall(null, data)).toBeNull();
    expect(decodePrecompileCall(stakingPrecompile.address, "0x")).toBeNull();
    expect(decodePrecompileCall(stakingPrecompile.address, "0xdeadbeef00")).toBeNull();
    expect(precompileName(stakingPrecompile.address)).toBe("Staking");
    expect(precompileName("0x00000000000000000000000000000000000000aa")).toBeNull();
  });
});
