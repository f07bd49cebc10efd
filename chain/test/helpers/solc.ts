// Compile a single Solidity source with solc-js for tests (EVM version cancun, our hardfork).
import { createRequire } from "node:module";
import type { Abi, Hex } from "viem";

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

export function compileSolidity(source: string, contract: string): { abi: Abi; bytecode: Hex } {
  const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: { "Test.sol": { content: source } },
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const c = out.contracts["Test.sol"]?.[contract];
  if (!c) throw new Error(`contract ${contract} not in the compiler output`);
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}
