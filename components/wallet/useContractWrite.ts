"use client";
// Every chain write in the portals goes through this: simulate first (a revert is shown with
// its decoded custom error before the wallet is even asked), then the wallet signs, then
// pending until the receipt, then confirmed (or reverted on chain) with the transaction hash.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import type { Abi, ContractFunctionArgs, ContractFunctionName, Hash } from "viem";
import { useAccount, useConfig } from "wagmi";
import { simulateContract, waitForTransactionReceipt, writeContract } from "wagmi/actions";
import { describeWalletError, type DescribedError } from "@/lib/wallet/errors";

export type WriteState = (
  | { status: "idle" }
  | { status: "simulating" }
  | { status: "signing" }
  | { status: "pending"; hash: Hash }
  | { status: "confirmed"; hash: Hash; blockNumber: bigint }
  | { status: "failed"; error: DescribedError; hash?: Hash }
) & {
  /** Counts the writes of this hook: tells a new outcome from the same outcome of the last one. */
  attempt?: number;
};

export interface WriteRequest<
  abi extends Abi,
  fn extends ContractFunctionName<abi, "nonpayable" | "payable">,
> {
  address: `0x${string}`;
  abi: abi;
  functionName: fn;
  args: ContractFunctionArgs<abi, "nonpayable" | "payable", fn>;
  value?: bigint;
}

export function useContractWrite() {
  const config = useConfig();
  const queryClient = useQueryClient();
  const { address } = useAccount();
  const [state, setAttemptState] = useState<WriteState>({ status: "idle" });
  const attempts = useRef(0);

  const write = useCallback(
    async <abi extends Abi, fn extends ContractFunctionName<abi, "nonpayable" | "payable">>(
      req: WriteRequest<abi, fn>,
    ): Promise<boolean> => {
      if (address === undefined) {
        setAttemptState({ status: "failed", error: { kind: "other", message: "Connect a wallet first." } });
        return false;
      }
      const attempt = ++attempts.current;
      const setState = (st: WriteState) => setAttemptState({ ...st, attempt });
      let hash: Hash | undefined;
      try {
        setState({ status: "simulating" });
        // The generic request is checked against the ABI at the call site; wagmi's own
        // overloads cannot follow a generic through, hence the widening here.
        const sim = await simulateContract(config, {
          ...(req as WriteRequest<Abi, string>),
          account: address,
        } as never);
        setState({ status: "signing" });
        hash = await writeContract(config, sim.request as never);
        setState({ status: "pending", hash });
        const receipt = await waitForTransactionReceipt(config, { hash });
        if (receipt.status !== "success") {
          setState({
            status: "failed",
            hash,
            error: { kind: "revert", message: "The transaction reverted on chain." },
          });
          return false;
        }
        setState({ status: "confirmed", hash, blockNumber: receipt.blockNumber });
        // The write changed chain state: every read on the page refetches now, not at its next poll.
        await queryClient.invalidateQueries();
        return true;
      } catch (err) {
        setState({ status: "failed", error: describeWalletError(err), ...(hash ? { hash } : {}) });
        return false;
      }
    },
    [config, address, queryClient],
  );

  const reset = useCallback(() => setAttemptState({ status: "idle" }), []);
  return {
    state,
    write,
    reset,
    busy: state.status === "simulating" || state.status === "signing" || state.status === "pending",
  };
}
