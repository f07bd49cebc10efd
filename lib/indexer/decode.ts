// Decodes event logs the indexer knows the ABI of: the protocol precompiles (by address) and,
// for any other contract, the ERC-20 Transfer/Approval events (the explorer's token view).
// A log that does not match is stored raw (eventName null); decoding never fails a batch.
import { decodeEventLog, type Abi, type Hex } from "viem";
import { iERC20Abi } from "@/contracts/abi/IERC20";
import { PRECOMPILES } from "@/chain/src/protocol/params";
import { iMetagraphAbi } from "@/contracts/abi/IMetagraph";
import { iNeuronsAbi } from "@/contracts/abi/INeurons";
import { iStakingAbi } from "@/contracts/abi/IStaking";
import { iSubnetsAbi } from "@/contracts/abi/ISubnets";

const PRECOMPILE_ABIS: ReadonlyMap<string, Abi> = new Map<string, Abi>([
  [PRECOMPILES.staking.toLowerCase(), iStakingAbi as Abi],
  [PRECOMPILES.metagraph.toLowerCase(), iMetagraphAbi as Abi],
  [PRECOMPILES.subnets.toLowerCase(), iSubnetsAbi as Abi],
  [PRECOMPILES.neurons.toLowerCase(), iNeuronsAbi as Abi],
]);

/** Logs of the protocol precompiles carry state the indexer derives tables from (protocol.ts). */
export function isPrecompile(address: string): boolean {
  return PRECOMPILE_ABIS.has(address.toLowerCase());
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** Event arguments as JSON: bigints become decimal strings, addresses lowercase. */
export function toJson(v: unknown): JsonValue {
  if (typeof v === "bigint") return v.toString(10);
  if (typeof v === "string") return /^0x[0-9a-fA-F]{40}$/.test(v) ? v.toLowerCase() : v;
  if (typeof v === "number" || typeof v === "boolean" || v === null) return v;
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === "object")
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toJson(x)]));
  return String(v);
}

export interface DecodedEvent {
  eventName: string;
  args: JsonValue;
}

function tryDecode(abi: Abi, topics: Hex[], data: Hex): DecodedEvent | null {
  try {
    const d = decodeEventLog({ abi, topics: topics as [Hex, ...Hex[]], data, strict: true });
    return { eventName: d.eventName ?? "", args: toJson(d.args ?? null) };
  } catch {
    return null;
  }
}

export function decodeLog(address: string, topics: readonly string[], data: string): DecodedEvent | null {
  if (topics.length === 0) return null;
  const abi = PRECOMPILE_ABIS.get(address.toLowerCase());
  if (abi !== undefined) return tryDecode(abi, topics as Hex[], data as Hex);
  return tryDecode(iERC20Abi as Abi, topics as Hex[], data as Hex);
}
