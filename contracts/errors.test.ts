import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  RawContractError,
  encodeErrorResult,
  parseAbi,
  type Abi,
} from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { buildContracts } from "./build";

type Errors = typeof import("./errors");
let errors: Errors;
let iNeuronsAbi: Abi;
let iSubnetsAbi: Abi;
beforeAll(async () => {
  buildContracts();
  errors = await import("./errors");
  iNeuronsAbi = (await import("./abi/INeurons")).iNeuronsAbi;
  iSubnetsAbi = (await import("./abi/ISubnets")).iSubnetsAbi;
});

describe("decodeContractError", () => {
  it("names protocol custom errors with their arguments", () => {
    const data = encodeErrorResult({ abi: iNeuronsAbi, errorName: "WeightsRateLimited", args: [1234n] });
    expect(errors.decodeContractError(data)).toEqual({
      name: "WeightsRateLimited",
      args: [1234n],
      description: "WeightsRateLimited(1234)",
    });
    const bounds = encodeErrorResult({
      abi: iSubnetsAbi,
      errorName: "HyperparameterOutOfBounds",
      args: ["tempo", 10n, 7200n],
    });
    expect(errors.decodeContractError(bounds)?.description).toBe(
      'HyperparameterOutOfBounds("tempo", 10, 7200)',
    );
  });

  it("decodes revert strings and panics, and gives up on unknown selectors", () => {
    const reason = encodeErrorResult({
      abi: parseAbi(["error Error(string)"]),
      errorName: "Error",
      args: ["Multicall3: call failed"],
    });
    expect(errors.decodeContractError(reason)?.args).toEqual(["Multicall3: call failed"]);
    expect(errors.decodeContractError("0xdeadbeef")).toBeUndefined();
    expect(errors.decodeContractError("0x")).toBeUndefined();
  });

  it("finds the revert data inside viem's errors", () => {
    const data = encodeErrorResult({ abi: iSubnetsAbi, errorName: "NotSubnetOwner" });
    const reverted = new ContractFunctionExecutionError(
      new ContractFunctionRevertedError({ abi: [], data, functionName: "setTaskSpec" }),
      {
        abi: iSubnetsAbi,
        functionName: "setTaskSpec",
        args: [
          1,
          "ipfs://spec",
          {
            taskType: 0,
            metric: "accuracy",
            inputSignature: "",
            outputSignature: "",
            datasetHash: `0x${"00".repeat(32)}`,
            datasetURI: "",
          },
        ],
      },
    );
    expect(errors.decodeContractErrorFrom(reverted)?.name).toBe("NotSubnetOwner");
    expect(errors.decodeContractErrorFrom(new RawContractError({ data: { data } }))?.name).toBe(
      "NotSubnetOwner",
    );
    expect(errors.decodeContractErrorFrom(new Error("network down"))).toBeUndefined();
  });
});
