// Reads the explorer makes from the node at render time (fresh values the index does not keep:
// balances, code, delegate takes, revert reasons). Each returns a result instead of throwing,
// so a page still renders its indexed data when the node is down.
import { BaseError, ExecutionRevertedError, isHex, type Hex, type PublicClient } from "viem";
import { stakingPrecompile } from "@/contracts/system-contracts";
import { decodeContractError, revertDataOf } from "@/contracts/errors";

export type Live<T> = { ok: true; value: T } | { ok: false; error: string };

function errorText(err: unknown): string {
  const e = err as { shortMessage?: string; message?: string };
  return e.shortMessage ?? e.message ?? String(err);
}

async function live<T>(f: () => Promise<T>): Promise<Live<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (err) {
    return { ok: false, error: errorText(err) };
  }
}

export interface LiveAccount {
  balance: bigint;
  /** Deployed code size in bytes; 0 for an externally owned account. */
  codeSize: number;
  nonce: number;
  /** Stake this address holds as a coldkey, per hotkey (IStaking.getColdkeyStakes). */
  stakes: { hotkey: string; amount: bigint }[];
}

export function readLiveAccount(client: PublicClient, address: Hex): Promise<Live<LiveAccount>> {
  return live(async () => {
    const [balance, code, nonce, stakes] = await Promise.all([
      client.getBalance({ address }),
      client.getCode({ address }),
      client.getTransactionCount({ address }),
      client.readContract({ ...stakingPrecompile, functionName: "getColdkeyStakes", args: [address] }),
    ]);
    return {
      balance,
      codeSize: code === undefined || code === "0x" ? 0 : (code.length - 2) / 2,
      nonce,
      stakes: stakes
        .filter((p) => p.amount > 0n)
        .map((p) => ({ hotkey: p.hotkey.toLowerCase(), amount: p.amount })),
    };
  });
}

/** Delegate take of each hotkey as a [0, 1] fraction (the precompile stores it as u16/65535). */
export async function readTakes(
  client: PublicClient,
  hotkeys: readonly string[],
): Promise<Map<string, Live<number>>> {
  const results = await Promise.all(
    hotkeys.map((h) =>
      live(
        async () =>
          Number(
            await client.readContract({ ...stakingPrecompile, functionName: "getTake", args: [h as Hex] }),
          ) / 65535,
      ),
    ),
  );
  return new Map(hotkeys.map((h, i) => [h, results[i]!]));
}

/**
 * eth_call's revert data, which viem keeps on the innermost cause (the JSON-RPC error's `data`)
 * of a failed `call` rather than on a contract error.
 */
function rpcErrorData(err: unknown): Hex | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const inner = err.walk() as { data?: unknown };
  const data =
    typeof inner.data === "object" && inner.data !== null
      ? (inner.data as { data?: unknown }).data
      : inner.data;
  return typeof data === "string" && isHex(data) ? data : undefined;
}

export interface RevertReason {
  /** `Name(args)` of a decoded custom error or revert string, else the raw revert data. */
  description: string;
}

/**
 * Why a reverted transaction failed: it is replayed with eth_call on the state before its block.
 * The replay skips earlier transactions of the same block, so the reason is a best effort.
 */
export function readRevertReason(
  client: PublicClient,
  tx: {
    from: string;
    to: string | null;
    input: string;
    value: string | null;
    gas: number;
    blockNumber: number;
  },
): Promise<Live<RevertReason | null>> {
  return live(async () => {
    try {
      await client.call({
        account: tx.from as Hex,
        to: (tx.to ?? undefined) as Hex | undefined,
        data: tx.input as Hex,
        value: BigInt(tx.value ?? "0"),
        gas: BigInt(tx.gas),
        blockNumber: BigInt(Math.max(0, tx.blockNumber - 1)),
      });
      return null;
    } catch (err) {
      const data = revertDataOf(err) ?? rpcErrorData(err);
      if (data !== undefined && data !== "0x")
        return { description: decodeContractError(data)?.description ?? data };
      // A revert without data still says so; anything else (transport, timeout) is not a reason.
      const reverted = err instanceof BaseError ? err.walk((e) => e instanceof ExecutionRevertedError) : null;
      if (reverted instanceof ExecutionRevertedError)
        return { description: reverted.details || reverted.shortMessage };
      throw err;
    }
  });
}
