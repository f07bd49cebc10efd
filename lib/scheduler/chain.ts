// The validator scheduler's view of the chain: subnets and metagraphs over the node's
// tensorchain_* RPC, and the hotkey's weight transactions (commitWeights / revealWeights /
// setWeights on the INeurons precompile). Each write is simulated first, so a revert comes back
// as the protocol's named custom error (e.g. `WeightsRateLimited(120)`) without spending gas.
import {
  createPublicClient,
  createWalletClient,
  decodeEventLog,
  http,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { decodeContractErrorFrom } from "@/contracts/errors";
import { neuronsPrecompile } from "@/contracts/system-contracts";

/** tensorchain_getSubnets element (chain/src/protocol/state/rpc.ts subnetJson), the fields used here. */
export interface SubnetJson {
  netuid: number;
  name: string;
  taskSpecURI: string;
  taskSpec: { taskType: number; metric: string; datasetHash: Hex; datasetURI: string };
  hyperparameters: {
    tempo: number;
    commitRevealEnabled: boolean;
    commitRevealPeriod: number;
    weightsVersionKey: string;
  };
}

/** tensorchain_getMetagraph (struct of arrays, element i = UID i), the fields used here. */
export interface MetagraphJson {
  netuid: number;
  n: number;
  hotkeys: Address[];
  incentive: number[];
  validatorPermit: boolean[];
  axons: string[];
  modelHashes: Hex[];
  modelURIs: string[];
  parentModelHashes: Hex[];
}

export interface SentTx {
  txHash: Hex;
  blockNumber: bigint;
}

export interface ValidatorChain {
  /** The validator hotkey, lowercase. */
  readonly hotkey: Address;
  blockNumber(): Promise<bigint>;
  subnets(): Promise<SubnetJson[]>;
  metagraph(netuid: number): Promise<MetagraphJson>;
  commitWeights(
    netuid: number,
    commitHash: Hex,
    receiptsRoot: Hex,
  ): Promise<SentTx & { revealFromBlock: bigint; revealUntilBlock: bigint }>;
  revealWeights(
    netuid: number,
    uids: number[],
    values: number[],
    salt: Hex,
    versionKey: bigint,
  ): Promise<SentTx>;
  setWeights(netuid: number, uids: number[], values: number[], versionKey: bigint): Promise<SentTx>;
}

/** A weight transaction the chain refused; `shortMessage` names the protocol error. */
export class WeightsTxError extends Error {
  override name = "WeightsTxError";
  constructor(
    readonly shortMessage: string,
    readonly errorName: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(shortMessage, options);
  }
}

export function createValidatorChain(o: {
  rpcUrl: string;
  chain: Chain;
  privateKey: Hex;
  timeoutMs?: number;
}): ValidatorChain {
  const account = privateKeyToAccount(o.privateKey);
  const transport = http(o.rpcUrl, { timeout: o.timeoutMs ?? 30_000, retryCount: 0 });
  const client: PublicClient = createPublicClient({ chain: o.chain, transport, pollingInterval: 100 });
  const wallet = createWalletClient({ chain: o.chain, account, transport });
  const rpc = <T>(method: string, params: unknown[]): Promise<T> =>
    client.request({ method: method as never, params: params as never }) as Promise<T>;

  async function write(functionName: string, args: readonly unknown[]): Promise<SentTx & { logs: unknown[] }> {
    let hash: Hex;
    try {
      const { request } = await client.simulateContract({
        ...neuronsPrecompile,
        functionName,
        args,
        account,
      } as never);
      hash = await wallet.writeContract(request as never);
    } catch (err) {
      const decoded = decodeContractErrorFrom(err);
      throw new WeightsTxError(
        `${functionName} refused: ${decoded?.description ?? (err as { shortMessage?: string }).shortMessage ?? String(err)}`,
        decoded?.name,
        { cause: err },
      );
    }
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 100, timeout: 60_000 });
    if (receipt.status !== "success")
      throw new WeightsTxError(`${functionName} reverted in block ${receipt.blockNumber}`, undefined);
    return { txHash: hash, blockNumber: receipt.blockNumber, logs: receipt.logs };
  }

  return {
    hotkey: account.address.toLowerCase() as Address,
    blockNumber: () => client.getBlockNumber({ cacheTime: 0 }),
    subnets: () => rpc<SubnetJson[]>("tensorchain_getSubnets", []),
    metagraph: (netuid) => rpc<MetagraphJson>("tensorchain_getMetagraph", [netuid]),
    async commitWeights(netuid, commitHash, receiptsRoot) {
      const sent = await write("commitWeights", [netuid, commitHash, receiptsRoot]);
      for (const log of sent.logs as { address: string; data: Hex; topics: [Hex, ...Hex[]] }[]) {
        if (log.address.toLowerCase() !== neuronsPrecompile.address.toLowerCase()) continue;
        const ev = decodeEventLog({ abi: neuronsPrecompile.abi, data: log.data, topics: log.topics });
        if (ev.eventName === "WeightsCommitted") {
          const a = ev.args as { revealFromBlock: bigint; revealUntilBlock: bigint };
          return {
            txHash: sent.txHash,
            blockNumber: sent.blockNumber,
            revealFromBlock: a.revealFromBlock,
            revealUntilBlock: a.revealUntilBlock,
          };
        }
      }
      throw new WeightsTxError("commitWeights emitted no WeightsCommitted event", undefined);
    },
    async revealWeights(netuid, uids, values, salt, versionKey) {
      const { txHash, blockNumber } = await write("revealWeights", [netuid, uids, values, salt, versionKey]);
      return { txHash, blockNumber };
    },
    async setWeights(netuid, uids, values, versionKey) {
      const { txHash, blockNumber } = await write("setWeights", [netuid, uids, values, versionKey]);
      return { txHash, blockNumber };
    },
  };
}
