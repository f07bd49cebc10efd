// One line a user can act on for any failure of a wallet action: a rejected request, a revert
// decoded from our contracts' custom errors, a missing protocol contract, or viem's own short
// message. Client-safe (no Node imports).
import { BaseError, ContractFunctionZeroDataError, UserRejectedRequestError } from "viem";
import { decodeContractErrorFrom } from "@/contracts/errors";

export function isUserRejection(err: unknown): boolean {
  if (
    err instanceof BaseError &&
    err.walk((e) => e instanceof UserRejectedRequestError) instanceof UserRejectedRequestError
  )
    return true;
  // Wallets that bypass viem's error mapping still use EIP-1193's 4001.
  for (let e: unknown = err; e !== null && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === 4001) return true;
  }
  return false;
}

export interface DescribedError {
  kind: "rejected" | "revert" | "not-deployed" | "other";
  message: string;
}

export function describeWalletError(err: unknown): DescribedError {
  if (isUserRejection(err)) return { kind: "rejected", message: "You rejected the request in your wallet." };
  const decoded = decodeContractErrorFrom(err);
  if (decoded !== undefined) return { kind: "revert", message: `Reverted: ${decoded.description}` };
  if (
    err instanceof BaseError &&
    err.walk((e) => e instanceof ContractFunctionZeroDataError) instanceof ContractFunctionZeroDataError
  ) {
    return {
      kind: "not-deployed",
      message: "The protocol contract answered nothing: it is not live on this network yet.",
    };
  }
  if (err instanceof BaseError) return { kind: "other", message: err.shortMessage };
  return { kind: "other", message: err instanceof Error ? err.message : String(err) };
}
