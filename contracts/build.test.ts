import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { toEventSignature, toFunctionSignature, type Abi, type AbiFunction, type AbiParameter } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContracts, ContractsBuildError, type BuildManifest } from "./build";

const CONTRACTS_DIR = import.meta.dirname;

function signatures(abi: Abi) {
  const fns = new Map<string, string>();
  const events = new Set<string>();
  const errors = new Set<string>();
  for (const item of abi) {
    if (item.type === "function") fns.set(toFunctionSignature(item), item.stateMutability);
    if (item.type === "event") events.add(toEventSignature(item));
    if (item.type === "error") errors.add(`${item.name}(${item.inputs.map((i) => i.type).join(",")})`);
  }
  return { fns, events, errors };
}

function componentNames(p: AbiParameter | undefined): string[] | undefined {
  return p && "components" in p ? p.components.map((c) => c.name ?? "") : undefined;
}

function componentsOf(p: AbiParameter | undefined): readonly AbiParameter[] {
  return p && "components" in p ? p.components : [];
}

const HYPERPARAMS =
  "(uint32,uint16,uint16,uint32,uint32,uint32,uint16,uint16,uint16,bool,uint32,uint256,uint16,uint32,uint256,uint256,uint64)";
const TASK_SPEC = "(uint8,string,string,string,bytes32,string)";

describe("contracts build", () => {
  let manifest: BuildManifest;
  beforeAll(() => {
    manifest = buildContracts().manifest;
  });

  it("writes a manifest with one module per contract and bytecode only for deployable ones", () => {
    const byName = new Map(manifest.contracts.map((c) => [c.name, c]));
    for (const name of ["IStaking", "IMetagraph", "ISubnets", "INeurons"]) {
      expect(byName.get(name)).toMatchObject({ kind: "interface", module: `${name}.ts` });
      expect(byName.get(name)?.bytecodeExport).toBeUndefined();
    }
    expect(byName.get("IStaking")?.abiExport).toBe("iStakingAbi");
    for (const name of ["TokenDistributor", "TestToken", "Multicall3"]) {
      const camel = name.charAt(0).toLowerCase() + name.slice(1);
      expect(byName.get(name)).toMatchObject({
        kind: "contract",
        abiExport: `${camel}Abi`,
        bytecodeExport: `${camel}Bytecode`,
        deployedBytecodeExport: `${camel}DeployedBytecode`,
      });
    }
    expect(manifest.evmVersion).toBe("cancun");
    expect(manifest.compiler).toMatch(/^0\.8\.30/);
  });

  it("generates modules whose exports match the manifest", async () => {
    const mod = await import("./abi/TokenDistributor");
    expect(mod.tokenDistributorBytecode).toMatch(/^0x[0-9a-f]{100,}$/);
    expect(mod.tokenDistributorDeployedBytecode).toMatch(/^0x[0-9a-f]{100,}$/);
    const iface = await import("./abi/IStaking");
    expect(Object.keys(iface).sort()).toEqual(["iStakingAbi", "iStakingSlashReason"]);
    const { iSubnetsTaskType } = await import("./abi/ISubnets");
    expect(iSubnetsTaskType).toEqual(["Classification", "Regression", "Embedding", "TextAnswer"]);
    expect(manifest.contracts.find((c) => c.name === "ISubnets")?.enumExports).toEqual({
      TaskType: "iSubnetsTaskType",
    });
  });

  it("IStaking exposes the staking operations, events and errors of PROTOCOL.md", async () => {
    const { iStakingAbi } = await import("./abi/IStaking");
    const { fns, events, errors } = signatures(iStakingAbi);
    expect(fns.get("addStake(address)")).toBe("payable");
    expect(fns.get("removeStake(address,uint256)")).toBe("nonpayable");
    for (const f of ["claimUnbonded()", "setTake(address,uint16)", "registerValidator(bytes)", "unjail()"]) {
      expect(fns.get(f)).toBe("nonpayable");
    }
    for (const f of [
      "getStake(address,address)",
      "getTotalStake(address)",
      "getUnbonding(address)",
      "getTake(address)",
      "getValidator(address)",
      "getValidators()",
    ]) {
      expect(fns.get(f)).toBe("view");
    }
    for (const e of [
      "StakeAdded(address,address,uint256,uint256)",
      "StakeRemoved(address,address,uint256,uint64)",
      "UnbondedClaimed(address,uint256)",
      "TakeSet(address,uint16)",
      "ValidatorRegistered(address,address,bytes)",
      "ValidatorUnjailed(address)",
    ]) {
      expect(events).toContain(e);
    }
    for (const e of [
      "InsufficientStake(uint256,uint256)",
      "BelowMinStake(uint256)",
      "TakeTooHigh(uint16)",
      "TakeRateLimited(uint64)",
      "UnbondingNotFinished(uint64)",
      "ValidatorJailed(uint64)",
      "Tombstoned()",
    ]) {
      expect(errors).toContain(e);
    }
    const validator = iStakingAbi.find((i) => i.type === "function" && i.name === "getValidator");
    expect(validator?.type === "function" && validator.outputs[0]?.components?.map((c) => c.name)).toEqual([
      "hotkey",
      "coldkey",
      "consensusKey",
      "votingPower",
      "selfStake",
      "jailedUntil",
      "tombstoned",
      "active",
    ]);
  });

  it("ISubnets exposes registration, task spec and typed hyperparameters", async () => {
    const { iSubnetsAbi } = await import("./abi/ISubnets");
    const { fns, events, errors } = signatures(iSubnetsAbi);
    expect(fns.get(`registerNetwork(string,string,${TASK_SPEC})`)).toBe("payable");
    expect(fns.get(`setHyperparameters(uint16,${HYPERPARAMS})`)).toBe("nonpayable");
    expect(fns.get(`setTaskSpec(uint16,string,${TASK_SPEC})`)).toBe("nonpayable");
    for (const f of [
      "getLockCost()",
      "getHyperparameters(uint16)",
      "getSubnet(uint16)",
      "getSubnets()",
      "getTaskSpec(uint16)",
    ]) {
      expect(fns.get(f)).toBe("view");
    }
    expect(events).toContain("NetworkRegistered(uint16,address,string,uint256)");
    expect(events).toContain(`HyperparametersSet(uint16,${HYPERPARAMS})`);
    for (const e of [
      "NotSubnetOwner()",
      "SubnetNotFound(uint16)",
      "HyperparameterOutOfBounds(string,uint256,uint256)",
      "LockCostTooLow(uint256)",
    ]) {
      expect(errors).toContain(e);
    }
  });

  it("ISubnets hyperparameters carry the field names of SubnetHyperparams in params.ts", async () => {
    const { iSubnetsAbi } = await import("./abi/ISubnets");
    const { DEFAULT_HYPERPARAMS } = await import("../chain/src/protocol/params");
    const getter = iSubnetsAbi.find((i) => i.type === "function" && i.name === "getHyperparameters");
    const names = getter?.type === "function" ? getter.outputs[0]?.components?.map((c) => c.name) : undefined;
    expect(names).toEqual(Object.keys(DEFAULT_HYPERPARAMS));
  });

  it("INeurons exposes registration, axon, model and weights operations", async () => {
    const { iNeuronsAbi } = await import("./abi/INeurons");
    const { fns, events, errors } = signatures(iNeuronsAbi);
    expect(fns.get("burnedRegister(uint16,address)")).toBe("payable");
    for (const f of [
      "serveAxon(uint16,string)",
      "publishModel(uint16,bytes32,string,bytes32)",
      "setWeights(uint16,uint16[],uint16[],uint64)",
      "commitWeights(uint16,bytes32,bytes32)",
      "revealWeights(uint16,uint16[],uint16[],bytes32,uint64)",
    ]) {
      expect(fns.get(f)).toBe("nonpayable");
    }
    expect(fns.get("getBurn(uint16)")).toBe("view");
    for (const e of [
      "NeuronRegistered(uint16,uint16,address,address,uint256,address)",
      "WeightsSet(uint16,uint16,address,uint16[],uint16[],uint64)",
      "WeightsCommitted(uint16,uint16,address,bytes32,bytes32,uint64,uint64)",
      "ModelPublished(uint16,address,bytes32,uint16,string,bytes32)",
    ]) {
      expect(events).toContain(e);
    }
    for (const e of [
      "WeightsRateLimited(uint64)",
      "CommitNotFound()",
      "RevealTooEarly(uint64)",
      "RevealTooLate()",
      "InvalidCommitHash()",
      "NotRegistered(uint16,address)",
      "SubnetFull()",
      "BurnTooLow(uint256)",
    ]) {
      expect(errors).toContain(e);
    }
  });

  it("IMetagraph returns a neuron struct and the whole subnet as a struct of arrays", async () => {
    const { iMetagraphAbi } = await import("./abi/IMetagraph");
    const fn = (name: string) => {
      const item = (iMetagraphAbi as Abi).find((i) => i.type === "function" && i.name === name);
      return item?.type === "function" ? (item as AbiFunction) : undefined;
    };
    expect(componentNames(fn("getNeuron")?.outputs[0])).toEqual([
      "hotkey",
      "coldkey",
      "uid",
      "stake",
      "rank",
      "trust",
      "consensus",
      "incentive",
      "dividends",
      "emission",
      "lastUpdate",
      "registeredAt",
      "active",
      "validatorPermit",
      "axon",
      "modelHash",
      "modelURI",
      "parentModelHash",
    ]);
    const arrays = componentsOf(fn("getMetagraph")?.outputs[0])
      .filter((c) => c.type.endsWith("[]"))
      .map((c) => c.name);
    expect(arrays).toEqual([
      "hotkeys",
      "coldkeys",
      "stakes",
      "ranks",
      "trust",
      "consensus",
      "incentive",
      "dividends",
      "emission",
      "lastUpdate",
      "registeredAt",
      "active",
      "validatorPermit",
      "axons",
      "modelHashes",
      "modelURIs",
      "parentModelHashes",
    ]);
    expect(fn("getMetagraph")?.stateMutability).toBe("view");
  });

  it("collects every custom error into one ABI, once per signature", async () => {
    const { allErrorsAbi } = await import("./abi/errors");
    const names = allErrorsAbi.map((e) => e.name);
    expect(names).toContain("NotOwner");
    expect(names).toContain("WeightsRateLimited");
    expect(names.filter((n) => n === "SubnetNotFound")).toHaveLength(1);
  });
});

describe("contracts build in a scratch folder", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "contracts-build-"));
    cpSync(path.join(CONTRACTS_DIR, "interfaces"), path.join(dir, "interfaces"), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("skips an unchanged tree, recompiles a changed one and drops modules of removed contracts", () => {
    expect(buildContracts({ contractsDir: dir }).compiled).toBe(true);
    expect(buildContracts({ contractsDir: dir }).compiled).toBe(false);
    const file = path.join(dir, "interfaces", "IERC20.sol");
    writeFileSync(file, readFileSync(file, "utf8").replace("interface IERC20", "interface IERC20Renamed"));
    const rebuilt = buildContracts({ contractsDir: dir });
    expect(rebuilt.compiled).toBe(true);
    const modules = rebuilt.manifest.contracts.map((c) => c.module);
    expect(modules).toContain("IERC20Renamed.ts");
    expect(modules).not.toContain("IERC20.ts");
    expect(() => readFileSync(path.join(dir, "abi", "IERC20.ts"))).toThrow();
  });

  it("fails with the compiler's message and keeps the previous outputs", () => {
    const before = readFileSync(path.join(dir, "abi", "index.json"), "utf8");
    writeFileSync(
      path.join(dir, "interfaces", "Broken.sol"),
      "pragma solidity ^0.8.24;\ninterface Broken { function f() external returns (Missing); }\n",
    );
    let caught: unknown;
    try {
      buildContracts({ contractsDir: dir });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ContractsBuildError);
    expect((caught as ContractsBuildError).message).toMatch(
      /Identifier not found.*interfaces\/Broken\.sol:2/s,
    );
    expect(readFileSync(path.join(dir, "abi", "index.json"), "utf8")).toBe(before);
    rmSync(path.join(dir, "interfaces", "Broken.sol"));
  });
});
