// The home page's data: from the index when it has blocks, from the node (with receipts) while
// it has none, and an explicit "none" when neither answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicClient, createWalletClient, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { RPC_OPTS, startDevNode, type DevNode } from "@/chain/test/helpers/devnode";
import { tensorchainChain } from "@/lib/chain/chain";
import { SEED, seedExplorer } from "@/lib/explorer/test-seed";
import { startTestPglite, type TestDatabase } from "@/lib/indexer/test-db";
import { loadHomeOverview, throughput } from "./overview";

describe("home overview", () => {
  let node: DevNode;
  let empty: TestDatabase;
  let seeded: TestDatabase;

  beforeAll(async () => {
    [node, empty, seeded] = await Promise.all([
      // 1 s blocks: the home page shows the latest 10 blocks, so the transaction sent below stays
      // in that window for ~10 s even when a loaded machine delays the read.
      startDevNode({ blockTimeMs: 1_000, startTimeoutMs: 180_000 }),
      startTestPglite(2),
      startTestPglite(2),
    ]);
    await seedExplorer(seeded.prisma);
  }, 240_000);
  afterAll(async () => {
    await Promise.all([node?.stop(), empty?.stop(), seeded?.stop()]);
  });

  const clientOf = (url: string) =>
    createPublicClient({
      chain: tensorchainChain({ id: node.chainId, name: "dev", rpcUrl: url }),
      transport: http(url, RPC_OPTS),
    });

  it("reads the indexed blocks and transactions first", async () => {
    const o = await loadHomeOverview(seeded.prisma, clientOf(node.rpcUrl));
    expect(o.source).toBe("index");
    expect(o.blocks.map((b) => b.number)).toEqual([2, 1, 0]);
    expect(o.txs.map((t) => t.hash)).toEqual([SEED.stakeHash, SEED.transferHash]);
    expect(o.blockTimeMs).toBe(2000);
    expect(o.subnets).toBe(1);
    expect(o.notes).toEqual([]);
  });

  it("falls back to the node's latest blocks and transactions while nothing is indexed", async () => {
    const account = privateKeyToAccount(node.accounts[1]!.privateKey as `0x${string}`);
    const chain = tensorchainChain({ id: node.chainId, name: "dev", rpcUrl: node.rpcUrl });
    const wallet = createWalletClient({ account, chain, transport: http(node.rpcUrl, RPC_OPTS) });
    const client = clientOf(node.rpcUrl);
    // A full window of 10 blocks exists before the transaction goes in.
    while ((await client.getBlockNumber()) < 10n) await new Promise((r) => setTimeout(r, 200));
    const hash = await wallet.sendTransaction({
      to: node.accounts[2]!.address as `0x${string}`,
      value: parseEther("1.5"),
    });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 100, timeout: 60_000 });
    // The receipt can be served a moment before eth_blockNumber reports its block.
    while ((await client.getBlockNumber()) < receipt.blockNumber) await new Promise((r) => setTimeout(r, 50));
    const o = await loadHomeOverview(empty.prisma, client);
    expect(o.source).toBe("node");
    expect(o.notes[0]).toContain("has not stored any block yet");
    expect(o.blocks).toHaveLength(10);
    expect(o.blocks[0]!.number).toBeGreaterThanOrEqual(Number(receipt.blockNumber));
    const tx = o.txs.find((t) => t.hash === hash);
    expect(tx).toMatchObject({
      status: "success",
      value: parseEther("1.5").toString(),
      from: account.address.toLowerCase(),
      blockNumber: Number(receipt.blockNumber),
    });
    expect(tx!.fee).toBe((receipt.gasUsed * receipt.effectiveGasPrice).toString());
    expect(o.blockTimeMs).toBeGreaterThan(0);
  }, 90_000);

  it("says so when neither the database nor the node answers", async () => {
    const broken = await startTestPglite(1);
    await broken.stop();
    const o = await loadHomeOverview(broken.prisma, clientOf("http://127.0.0.1:9/"));
    expect(o.source).toBe("none");
    expect(o.notes[0]).toMatch(/^Database unavailable/);
    expect(o.notes[1]).toMatch(/^Node unavailable/);
  }, 30_000);

  it("computes block time and throughput over blocks newest first", () => {
    const at = (s: number) => new Date(s * 1000).toISOString();
    expect(
      throughput([
        { timestamp: at(10), txCount: 4 },
        { timestamp: at(8), txCount: 2 },
        { timestamp: at(6), txCount: 9 },
      ]),
    ).toEqual({ blockTimeMs: 2000, txPerSec: 1.5 });
    expect(throughput([{ timestamp: at(1), txCount: 1 }])).toEqual({ blockTimeMs: null, txPerSec: null });
  });
});
