// Decodes a transaction's calldata when it calls one of the protocol precompiles
// (contracts/system-contracts.ts), so the transaction page can show `addStake(hotkey=0x…)`
// instead of raw hex.
import { decodeFunctionData, type Abi, type AbiFunction, type Hex } from "viem";
import {
  metagraphPrecompile,
  neuronsPrecompile,
  stakingPrecompile,
  subnetsPrecompile,
} from "@/contracts/system-contracts";
import { toJson, type JsonValue } from "@/lib/indexer/decode";

const PRECOMPILES: ReadonlyMap<string, { name: string; abi: Abi }> = new Map(
  [
    { name: "Staking", c: stakingPrecompile },
    { name: "Metagraph", c: metagraphPrecompile },
    { name: "Subnets", c: subnetsPrecompile },
    { name: "Neurons", c: neuronsPrecompile },
  ].map(({ name, c }) => [c.address.toLowerCase(), { name, abi: c.abi as Abi }]),
);

/** The precompile's name ("Staking", ...) when `address` is one. */
export function precompileName(address: string | null): string | null {
  return address === null ? null : (PRECOMPILES.get(address.toLowerCase())?.name ?? null);
}

export interface DecodedCall {
  contract: string;
  functionName: string;
  /** Named arguments in declaration order, values as JSON (bigints as decimal strings). */
  args: { name: string; type: string; value: JsonValue }[];
}

/** Null when `to` is not a precompile or the data does not match its ABI. */
export function decodePrecompileCall(to: string | null, input: string): DecodedCall | null {
  const p = to === null ? undefined : PRECOMPILES.get(to.toLowerCase());
  if (p === undefined || input.length < 10) return null;
  try {
    const d = decodeFunctionData({ abi: p.abi, data: input as Hex });
    const fn = p.abi.find(
      (x): x is AbiFunction =>
        x.type === "function" && x.name === d.functionName && x.inputs.length === (d.args?.length ?? 0),
    );
    const values = d.args ?? [];
    return {
      contract: p.name,
      functionName: d.functionName,
      args: values.map((v, i) => ({
        name: fn?.inputs[i]?.name || `arg${i}`,
        type: fn?.inputs[i]?.type ?? "unknown",
        value: toJson(v),
      })),
    };
  } catch {
    return null;
  }
}
