// Decoding of revert data from any of our contracts and precompiles into a named custom error,
// using the combined error ABI the build generates (every contract's errors, deduplicated).
import {
  BaseError,
  ContractFunctionRevertedError,
  RawContractError,
  decodeErrorResult,
  isHex,
  type Hex,
} from "viem";
import { allErrorsAbi } from "./abi/errors";

export interface DecodedContractError {
  /** Error name: a custom error's, or "Error" (revert string) / "Panic" (assertion, overflow). */
  name: string;
  args: readonly unknown[];
  /** `Name(arg, ...)` with the argument values, for logs and user-facing messages. */
  description: string;
}

function describe(name: string, args: readonly unknown[]): string {
  // Hex values (addresses, hashes) read better bare; other strings are quoted.
  const shown = args.map((a) => (typeof a === "string" && !isHex(a) ? JSON.stringify(a) : String(a)));
  return `${name}(${shown.join(", ")})`;
}

/**
 * Decodes revert data. Returns undefined for empty data or a selector none of our contracts
 * declares (the caller then shows the raw data).
 */
export function decodeContractError(data: Hex): DecodedContractError | undefined {
  if (data.length < 10) return undefined;
  try {
    const { errorName, args } = decodeErrorResult({ abi: allErrorsAbi, data });
    const list: readonly unknown[] = args ?? [];
    return { name: errorName, args: list, description: describe(errorName, list) };
  } catch {
    return undefined;
  }
}

/** Finds the revert data inside a viem error (a failed call, simulation or gas estimate). */
export function revertDataOf(err: unknown): Hex | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError && reverted.raw) return reverted.raw;
  const raw = err.walk((e) => e instanceof RawContractError);
  if (raw instanceof RawContractError) {
    const data = typeof raw.data === "object" ? raw.data.data : raw.data;
    if (data && isHex(data)) return data;
  }
  return undefined;
}

/** Decodes the custom error behind a viem error, when it is one of ours. */
export function decodeContractErrorFrom(err: unknown): DecodedContractError | undefined {
  const data = revertDataOf(err);
  return data ? decodeContractError(data) : undefined;
}
