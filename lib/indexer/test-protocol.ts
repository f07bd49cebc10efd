// Test support (not imported by app code): protocol activity on a real dev node through the
// precompiles, as a dApp would drive it: a subnet ("mnist", netuid 1) and one miner neuron
// (UID 0), then blocks until `epochs` epochs of the subnet have run. Used by the indexer's
// protocol-state test and the explorer's browser test.
import { createWalletClient, http, type Abi, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DEV_PROTOCOL_PARAMS, TEN } from "@/chain/src/protocol/params";
import { isEpochBlock } from "@/chain/src/protocol/schedule";
import { RPC_OPTS, type DevNode } from "@/chain/test/helpers/devnode";
import { MNIST_TASK_SPEC } from "@/chain/test/helpers/task-spec";
import { neuronsPrecompile, subnetsPrecompile } from "@/contracts/system-contracts";
import { tensorchainChain } from "@/lib/chain/chain";
import { createIndexerClient } from "./rpc";

export const SUBNET_TEMPO = DEV_PROTOCOL_PARAMS.subnetDefaults.tempo;

export interface ProtocolActivity {
  netuid: number;
  /** Block of the neuron's registration. */
  registeredAt: bigint;
  registerNetworkTx: Hex;
  owner: Address;
  miner: Address;
  /** Head once the epochs ran. */
  head: bigint;
}

/**
 * Sends a precompile call from a dev key and waits for its receipt; a revert throws. What a
 * dApp does for each protocol action.
 */
export function protocolSender(node: DevNode) {
  const chain = tensorchainChain({ id: node.chainId, name: "dev", rpcUrl: node.rpcUrl });
  const client = createIndexerClient(node.rpcUrl);
  return async (from: Hex, c: { address: Address; abi: Abi }, fn: string, args: unknown[], value = 0n) => {
    const account = privateKeyToAccount(from);
    const wallet = createWalletClient({ account, chain, transport: http(node.rpcUrl, RPC_OPTS) });
    const hash = await wallet.writeContract({ ...c, functionName: fn, args, value } as never);
    const r = await client.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 60_000 });
    if (r.status !== "success") throw new Error(`${fn} reverted in ${hash}`);
    return r;
  };
}

export async function driveProtocol(node: DevNode, epochs: number): Promise<ProtocolActivity> {
  const netuid = 1;
  const client = createIndexerClient(node.rpcUrl);
  const [owner, miner] = node.accounts.map((a) => privateKeyToAccount(a.privateKey as Hex));
  const send = protocolSender(node);
  const reg = await send(
    node.accounts[0]!.privateKey as Hex,
    subnetsPrecompile,
    "registerNetwork",
    ["mnist", "ipfs://mnist-spec", MNIST_TASK_SPEC],
    20n * TEN,
  );
  const r = await send(
    node.accounts[1]!.privateKey as Hex,
    neuronsPrecompile,
    "burnedRegister",
    [netuid, miner!.address],
    2n * TEN,
  );
  let seen = 0;
  let b = r.blockNumber;
  while (seen < epochs) if (isEpochBlock(netuid, SUBNET_TEMPO, Number(++b))) seen++;
  for (let i = 0; i < 1200; i++) {
    if ((await client.getBlockNumber({ cacheTime: 0 })) > b) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  return {
    netuid,
    registeredAt: r.blockNumber,
    registerNetworkTx: reg.transactionHash,
    owner: owner!.address.toLowerCase() as Address,
    miner: miner!.address.toLowerCase() as Address,
    head: await client.getBlockNumber({ cacheTime: 0 }),
  };
}
