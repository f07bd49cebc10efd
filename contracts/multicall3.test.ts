// Multicall3 executed in a real EVM (EthereumJS VM, Cancun), predeployed the way genesis places it,
// and driven by viem's own `multicall` action.
import {
  createPublicClient,
  custom,
  decodeErrorResult,
  decodeFunctionResult,
  defineChain,
  encodeDeployData,
  encodeFunctionData,
  multicall3Abi as viemMulticall3Abi,
  parseAbi,
  toFunctionSelector,
  toFunctionSignature,
  type Abi,
  type AbiFunction,
  type Address,
  type Hex,
} from "viem";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildContracts } from "./build";
import { TestEvm, type TestAccount } from "./test/evm";

type Mc = typeof import("./abi/Multicall3");
type Token = typeof import("./abi/TestToken");
type System = typeof import("./system-contracts");

let mc: Mc;
let tokenMod: Token;
let system: System;
beforeAll(async () => {
  buildContracts();
  mc = await import("./abi/Multicall3");
  tokenMod = await import("./abi/TestToken");
  system = await import("./system-contracts");
});

// The published Multicall3 interface, written out from its documentation.
const CANONICAL_MULTICALL3 = parseAbi([
  "struct Call { address target; bytes callData; }",
  "struct Call3 { address target; bool allowFailure; bytes callData; }",
  "struct Call3Value { address target; bool allowFailure; uint256 value; bytes callData; }",
  "struct Result { bool success; bytes returnData; }",
  "function aggregate(Call[] calls) payable returns (uint256 blockNumber, bytes[] returnData)",
  "function aggregate3(Call3[] calls) payable returns (Result[] returnData)",
  "function aggregate3Value(Call3Value[] calls) payable returns (Result[] returnData)",
  "function blockAndAggregate(Call[] calls) payable returns (uint256 blockNumber, bytes32 blockHash, Result[] returnData)",
  "function getBasefee() view returns (uint256 basefee)",
  "function getBlockHash(uint256 blockNumber) view returns (bytes32 blockHash)",
  "function getBlockNumber() view returns (uint256 blockNumber)",
  "function getChainId() view returns (uint256 chainid)",
  "function getCurrentBlockCoinbase() view returns (address coinbase)",
  "function getCurrentBlockDifficulty() view returns (uint256 difficulty)",
  "function getCurrentBlockGasLimit() view returns (uint256 gaslimit)",
  "function getCurrentBlockTimestamp() view returns (uint256 timestamp)",
  "function getEthBalance(address addr) view returns (uint256 balance)",
  "function getLastBlockHash() view returns (bytes32 blockHash)",
  "function tryAggregate(bool requireSuccess, Call[] calls) payable returns (Result[] returnData)",
  "function tryBlockAndAggregate(bool requireSuccess, Call[] calls) payable returns (uint256 blockNumber, bytes32 blockHash, Result[] returnData)",
]);

function shape(fn: AbiFunction) {
  const types = (ps: readonly { type: string; components?: readonly unknown[] }[]): string =>
    toFunctionSignature({
      type: "function",
      name: "",
      inputs: ps as AbiFunction["inputs"],
      outputs: [],
      stateMutability: "view",
    });
  return { signature: toFunctionSignature(fn), mutability: fn.stateMutability, outputs: types(fn.outputs) };
}

function functionsOf(abi: Abi) {
  return new Map(
    abi.filter((i): i is AbiFunction => i.type === "function").map((f) => [toFunctionSignature(f), shape(f)]),
  );
}

describe("Multicall3 ABI", () => {
  it("matches the canonical interface function for function", () => {
    const ours = functionsOf(mc.multicall3Abi);
    const canonical = functionsOf(CANONICAL_MULTICALL3);
    expect([...ours.keys()].sort()).toEqual([...canonical.keys()].sort());
    for (const [sig, expected] of canonical) expect(ours.get(sig)).toEqual(expected);
  });

  it("covers everything viem's own multicall3 ABI uses", () => {
    const ours = functionsOf(mc.multicall3Abi);
    // viem declares aggregate3 `view` so it can eth_call it; only inputs and outputs must agree.
    for (const [sig, { outputs }] of functionsOf(viemMulticall3Abi))
      expect(ours.get(sig)?.outputs).toBe(outputs);
  });

  it("has the selectors tooling hard-codes", () => {
    const selector = (name: string) => {
      const fn = mc.multicall3Abi.find((i) => i.type === "function" && i.name === name);
      return fn?.type === "function" ? toFunctionSelector(fn as AbiFunction) : undefined;
    };
    expect(selector("aggregate")).toBe("0x252dba42");
    expect(selector("aggregate3")).toBe("0x82ad56cb");
    expect(selector("tryAggregate")).toBe("0xbce38bd7");
  });
});

describe("Multicall3 in the EVM", () => {
  let evm: TestEvm;
  let owner: TestAccount;
  let token: Address;
  let address: Address;

  const tokenCall = (functionName: "balanceOf" | "symbol" | "transfer", args: readonly unknown[] = []): Hex =>
    encodeFunctionData({ abi: tokenMod.testTokenAbi, functionName, args } as never);

  async function read<
    F extends
      | "aggregate"
      | "aggregate3"
      | "tryAggregate"
      | "getBlockNumber"
      | "getChainId"
      | "getBasefee"
      | "getCurrentBlockTimestamp"
      | "getCurrentBlockCoinbase"
      | "getCurrentBlockGasLimit"
      | "getEthBalance",
  >(functionName: F, args: readonly unknown[] = []) {
    const data = encodeFunctionData({ abi: mc.multicall3Abi, functionName, args } as never);
    const outcome = await evm.call({ to: address, data });
    if (!outcome.success)
      return { reverted: decodeErrorResult({ abi: [], data: outcome.returnData }).args?.[0] };
    return {
      result: decodeFunctionResult({
        abi: mc.multicall3Abi,
        functionName,
        data: outcome.returnData,
      } as never) as unknown,
    };
  }

  beforeEach(async () => {
    evm = await TestEvm.create();
    owner = evm.accounts[0]!;
    address = system.MULTICALL3_ADDRESS;
    await evm.setCode(address, system.multicall3Predeploy.deployedBytecode);
    token = await evm.deploy(
      owner,
      encodeDeployData({
        abi: tokenMod.testTokenAbi,
        bytecode: tokenMod.testTokenBytecode,
        args: ["Test", "TST", 500n],
      }),
    );
  });

  it("aggregate3 returns each result and tolerates failures only where allowed", async () => {
    // From Multicall3, a transfer fails: the contract holds no tokens.
    const failing = tokenCall("transfer", [owner.address, 1n]);
    const ok = await read("aggregate3", [
      [
        { target: token, allowFailure: false, callData: tokenCall("balanceOf", [owner.address]) },
        { target: token, allowFailure: true, callData: failing },
      ],
    ]);
    const results = ok.result as { success: boolean; returnData: Hex }[];
    expect(results).toHaveLength(2);
    expect(results[0]?.success).toBe(true);
    expect(
      decodeFunctionResult({
        abi: tokenMod.testTokenAbi,
        functionName: "balanceOf",
        data: results[0]!.returnData,
      }),
    ).toBe(500n);
    expect(results[1]?.success).toBe(false);
    expect(decodeErrorResult({ abi: tokenMod.testTokenAbi, data: results[1]!.returnData }).errorName).toBe(
      "ERC20InsufficientBalance",
    );

    const strict = await read("aggregate3", [[{ target: token, allowFailure: false, callData: failing }]]);
    expect(strict.reverted).toBe("Multicall3: call failed");
  });

  it("aggregate and tryAggregate follow the canonical success rules", async () => {
    const balance = tokenCall("balanceOf", [owner.address]);
    const failing = tokenCall("transfer", [owner.address, 1n]);
    const agg = await read("aggregate", [[{ target: token, callData: balance }]]);
    expect((agg.result as [bigint, Hex[]])[0]).toBe(100n);
    expect((await read("aggregate", [[{ target: token, callData: failing }]])).reverted).toBe(
      "Multicall3: call failed",
    );

    const tried = await read("tryAggregate", [
      false,
      [
        { target: token, callData: balance },
        { target: token, callData: failing },
      ],
    ]);
    expect((tried.result as { success: boolean }[]).map((r) => r.success)).toEqual([true, false]);
    const required = await read("tryAggregate", [true, [{ target: token, callData: failing }]]);
    expect(required.reverted).toBe("Multicall3: call failed");
  });

  it("aggregate3Value forwards each value and requires the exact total", async () => {
    const a: Address = "0x2000000000000000000000000000000000000001";
    const b: Address = "0x2000000000000000000000000000000000000002";
    const calls = [
      { target: a, allowFailure: false, value: 3n, callData: "0x" as Hex },
      { target: b, allowFailure: false, value: 4n, callData: "0x" as Hex },
    ];
    const data = encodeFunctionData({
      abi: mc.multicall3Abi,
      functionName: "aggregate3Value",
      args: [calls],
    });
    const short = await evm.send({ from: owner, to: address, value: 6n, data });
    expect(short.success).toBe(false);
    expect(decodeErrorResult({ abi: [], data: short.returnData }).args?.[0]).toBe(
      "Multicall3: value mismatch",
    );
    const exact = await evm.send({ from: owner, to: address, value: 7n, data });
    expect(exact.success).toBe(true);
    expect([await evm.balance(a), await evm.balance(b), await evm.balance(address)]).toEqual([3n, 4n, 0n]);
  });

  it("reports the block and account context", async () => {
    expect((await read("getBlockNumber")).result).toBe(100n);
    expect((await read("getChainId")).result).toBe(1n);
    expect((await read("getBasefee")).result).toBe(7n);
    expect((await read("getCurrentBlockTimestamp")).result).toBe(1_700_000_000n);
    expect((await read("getCurrentBlockGasLimit")).result).toBe(30_000_000n);
    expect(((await read("getCurrentBlockCoinbase")).result as string).toLowerCase()).toBe(
      "0x00000000000000000000000000000000000000c0",
    );
    expect((await read("getEthBalance", [owner.address])).result).toBe(await evm.balance(owner.address));
  });

  it("serves viem's multicall action", async () => {
    const chain = defineChain({
      id: 1,
      name: "test",
      nativeCurrency: { name: "TEN", symbol: "TEN", decimals: 18 },
      rpcUrls: { default: { http: ["http://127.0.0.1:1"] } },
      contracts: { multicall3: { address: system.MULTICALL3_ADDRESS } },
    });
    const calls: string[] = [];
    const client = createPublicClient({
      chain,
      transport: custom({
        async request({ method, params }: { method: string; params?: unknown }) {
          calls.push(method);
          if (method === "eth_chainId") return "0x1";
          if (method !== "eth_call") throw new Error(`unexpected RPC method ${method}`);
          const [tx] = params as [{ to: Address; data: Hex }];
          const outcome = await evm.call({ to: tx.to, data: tx.data });
          if (!outcome.success)
            throw Object.assign(new Error("execution reverted"), { code: 3, data: outcome.returnData });
          return outcome.returnData;
        },
      }),
    });
    const tokenContract = { address: token, abi: tokenMod.testTokenAbi } as const;
    const results = await client.multicall({
      contracts: [
        { ...tokenContract, functionName: "balanceOf", args: [owner.address] },
        { ...tokenContract, functionName: "symbol" },
        { ...tokenContract, functionName: "transfer", args: [owner.address, 1n] },
      ],
    });
    expect(calls.filter((m) => m === "eth_call")).toHaveLength(1);
    expect(results[0]).toEqual({ status: "success", result: 500n });
    expect(results[1]).toEqual({ status: "success", result: "TST" });
    expect(results[2]?.status).toBe("failure");
    expect(String(results[2]?.error)).toContain("ERC20InsufficientBalance");
  });
});
