// Live reads against a real dev node: balances and code, and the revert reason of a
// transaction that failed on chain.
import { createPublicClient, createWalletClient, http, type Chain, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RPC_OPTS, startDevNode, type DevNode } from "@/chain/test/helpers/devnode";
import { testTokenAbi, testTokenBytecode } from "@/contracts/abi/TestToken";
import { MULTICALL3_ADDRESS } from "@/contracts/system-contracts";
import { tensorchainChain } from "@/lib/chain/chain";
import { readLiveAccount, readRevertReason } from "./live";

describe("live reads from the node", () => {
  let node: DevNode;
  let client: PublicClient;
  let chain: Chain;

  beforeAll(async () => {
    node = await startDevNode({ blockTimeMs: 200 });
    chain = tensorchainChain({ id: node.chainId, name: "dev", rpcUrl: node.rpcUrl });
    client = createPublicClient({
      chain,
      transport: http(node.rpcUrl, RPC_OPTS),
    });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it("reads balance, nonce and code size", async () => {
    const eoa = await readLiveAccount(client, node.accounts[1]!.address as Hex);
    expect(eoa.ok && eoa.value.balance > 0n && eoa.value.codeSize === 0).toBe(true);
    const contract = await readLiveAccount(client, MULTICALL3_ADDRESS);
    expect(contract.ok && contract.value.codeSize > 0).toBe(true);
  });

  it("decodes why a mined transaction reverted", async () => {
    const account = privateKeyToAccount(node.accounts[2]!.privateKey as Hex);
    const wallet = createWalletClient({
      account,
      chain,
      transport: http(node.rpcUrl, RPC_OPTS),
    });
    const deploy = await wallet.deployContract({
      abi: testTokenAbi,
      bytecode: testTokenBytecode,
      args: ["Test", "TST", 1000n],
    });
    const token = (await client.waitForTransactionReceipt({ hash: deploy, timeout: 60_000 }))
      .contractAddress!;
    // More than the supply: reverts with ERC20InsufficientBalance. An explicit gas limit skips
    // estimation, which would refuse to send a reverting call.
    const hash = await wallet.writeContract({
      address: token,
      abi: testTokenAbi,
      functionName: "transfer",
      args: [node.accounts[3]!.address as Hex, 5000n],
      gas: 200_000n,
    });
    const receipt = await client.waitForTransactionReceipt({ hash, timeout: 60_000 });
    expect(receipt.status).toBe("reverted");
    const tx = await client.getTransaction({ hash });
    const reason = await readRevertReason(client, {
      from: tx.from,
      to: tx.to,
      input: tx.input,
      value: tx.value.toString(),
      gas: Number(tx.gas),
      blockNumber: Number(receipt.blockNumber),
    });
    expect(reason.ok).toBe(true);
    if (reason.ok)
      expect(reason.value?.description).toBe(`ERC20InsufficientBalance(${account.address}, 1000, 5000)`);
  });

  it("reports an unreachable node instead of throwing", async () => {
    const down = createPublicClient({
      transport: http("http://127.0.0.1:9", { retryCount: 0, timeout: 2_000 }),
    });
    const r = await readLiveAccount(down, MULTICALL3_ADDRESS);
    expect(r.ok).toBe(false);
    const rr = await readRevertReason(down, {
      from: MULTICALL3_ADDRESS,
      to: MULTICALL3_ADDRESS,
      input: "0x",
      value: "0",
      gas: 21000,
      blockNumber: 1,
    });
    expect(rr.ok).toBe(false);
  });
});
