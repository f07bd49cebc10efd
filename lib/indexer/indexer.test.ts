// The indexer against a real dev node and the embedded PGlite server: blocks with transfers and
// a contract emitting events, resume after a stop mid-backfill, idempotent re-indexing, the
// parent-hash check, and the long-running loop following the head over newHeads.
import type { PrismaClient } from "@prisma/client";
import { createWalletClient, getContractAddress, http, parseEther, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevNode, type DevNode } from "@/chain/test/helpers/devnode";
import { tensorchainChain } from "@/lib/chain/chain";
import { testTokenAbi, testTokenBytecode } from "@/contracts/abi/TestToken";
import { BLOCKS_CURSOR, indexNewBlocks, ParentHashMismatchError } from "./index-blocks";
import { createIndexerClient } from "./rpc";
import { runIndexer } from "./run";
import { startTestPglite, startTestPostgres, type TestDatabase } from "./test-db";

const recipient = (i: number) => `0x${(0xabc000 + i).toString(16).padStart(40, "0")}` as const;

/** Everything the indexer wrote, minus the write timestamps: equal dumps mean equal content. */
async function dump(prisma: PrismaClient) {
  const [blocks, txs, logs, accounts] = await Promise.all([
    prisma.block.findMany({ orderBy: { number: "asc" }, omit: { indexedAt: true } }),
    prisma.transaction.findMany({ orderBy: [{ blockNumber: "asc" }, { transactionIndex: "asc" }] }),
    prisma.log.findMany({ orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }] }),
    prisma.account.findMany({ orderBy: { address: "asc" }, omit: { updatedAt: true } }),
  ]);
  return JSON.parse(
    JSON.stringify({ blocks, txs, logs, accounts }, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
  );
}

describe("indexer against a dev node", () => {
  let node: DevNode;
  let a: TestDatabase;
  let b: TestDatabase;
  let head: bigint;
  let tokenAddress: string;
  let sender: string;

  beforeAll(async () => {
    [node, a, b] = await Promise.all([
      startDevNode({ blockTimeMs: 200, startTimeoutMs: 150_000 }),
      startTestPglite(),
      startTestPglite(),
    ]);
    const chain = tensorchainChain({ id: node.chainId, name: "dev", rpcUrl: node.rpcUrl });
    const account = privateKeyToAccount(node.accounts[0]!.privateKey as Hex);
    sender = account.address.toLowerCase();
    const wallet = createWalletClient({ account, chain, transport: http(node.rpcUrl) });
    const client = createIndexerClient(node.rpcUrl);
    const hashes: Hex[] = [];
    // Explicit nonces: the pending nonce the node reports may lag right after a submission.
    let nonce = await client.getTransactionCount({ address: account.address, blockTag: "pending" });
    for (let i = 0; i < 12; i++)
      hashes.push(
        await wallet.sendTransaction({
          to: recipient(i),
          value: parseEther("1") + BigInt(i),
          nonce: nonce++,
        }),
      );
    // The token's address follows from the deployer's nonce: no need to wait for the deployment.
    tokenAddress = getContractAddress({ from: account.address, nonce: BigInt(nonce) }).toLowerCase();
    hashes.push(
      await wallet.deployContract({
        abi: testTokenAbi,
        bytecode: testTokenBytecode,
        args: ["Test", "TST", 10n ** 24n],
        nonce: nonce++,
      }),
    );
    for (let i = 0; i < 5; i++) {
      hashes.push(
        await wallet.writeContract({
          address: tokenAddress as Hex,
          abi: testTokenAbi,
          functionName: "transfer",
          args: [recipient(i), 1000n + BigInt(i)],
          nonce: nonce++,
          // Explicit gas: estimating would run against the not-yet-mined deployment.
          gas: 100_000n,
        }),
      );
    }
    for (const h of hashes) await waitReceipt(client, h);
    head = BigInt((await client.request({ method: "eth_blockNumber" })) as string);
  });

  afterAll(async () => {
    await Promise.all([node?.stop(), a?.stop(), b?.stop()]);
  });

  it("indexes blocks, transactions with receipts, decoded logs and accounts", async () => {
    const client = createIndexerClient(node.rpcUrl);
    const res = await indexNewBlocks({ prisma: a.prisma, client, batchSize: 7, toBlock: head });
    expect(res.fromBlock).toBe(0n);
    expect(res.toBlock).toBe(head);
    expect(await a.prisma.block.count()).toBe(Number(head) + 1);
    expect(res.txs).toBe(18);

    const transfers = await a.prisma.transaction.findMany({
      where: { from: sender, to: { startsWith: "0x0000000000000000000000000000000000abc" } },
    });
    expect(transfers.filter((t) => t.input === "0x")).toHaveLength(12);
    const t0 = transfers.find((t) => t.to === recipient(3))!;
    expect(t0.value.toFixed()).toBe((parseEther("1") + 3n).toString());
    expect(t0.status).toBe(1);
    expect(t0.gasUsed).toBe(21_000n);
    expect(BigInt(t0.effectiveGasPrice.toFixed())).toBeGreaterThan(0n);

    const creation = await a.prisma.transaction.findFirstOrThrow({
      where: { contractAddress: tokenAddress },
    });
    expect(creation.to).toBeNull();
    const logs = await a.prisma.log.findMany({
      where: { address: tokenAddress },
      orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }],
    });
    expect(logs).toHaveLength(6); // mint in the constructor + 5 transfers
    expect(logs.every((l) => l.eventName === "Transfer")).toBe(true);
    expect(logs[1]!.args).toEqual({ from: sender, to: recipient(0), value: "1000" });

    const me = await a.prisma.account.findUniqueOrThrow({ where: { address: sender } });
    expect(me.txCount).toBe(18);
    const token = await a.prisma.account.findUniqueOrThrow({ where: { address: tokenAddress } });
    expect(token.isContract).toBe(true);
    expect(token.txCount).toBe(6);
    expect((await a.prisma.account.findUniqueOrThrow({ where: { address: recipient(0) } })).txCount).toBe(1);
    expect(
      (await a.prisma.indexerCursor.findUniqueOrThrow({ where: { name: BLOCKS_CURSOR } })).blockNumber,
    ).toBe(head);
  });

  it("re-indexing a range changes nothing", async () => {
    const before = await dump(a.prisma);
    const client = createIndexerClient(node.rpcUrl);
    const res = await indexNewBlocks({
      prisma: a.prisma,
      client,
      batchSize: 5,
      fromBlock: 0n,
      toBlock: head,
    });
    expect(res.blocks).toBe(Number(head) + 1);
    expect(await dump(a.prisma)).toEqual(before);
  });

  it("resumes from its cursor after a stop mid-backfill and ends with the same content", async () => {
    const client = createIndexerClient(node.rpcUrl);
    const stop = new AbortController();
    const first = await indexNewBlocks({
      prisma: b.prisma,
      client,
      batchSize: 4,
      toBlock: head,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.blocks >= 8) stop.abort();
      },
    });
    expect(first.toBlock).toBe(7n);
    expect(
      (await b.prisma.indexerCursor.findUniqueOrThrow({ where: { name: BLOCKS_CURSOR } })).blockNumber,
    ).toBe(7n);
    const second = await indexNewBlocks({ prisma: b.prisma, client, batchSize: 4, toBlock: head });
    expect(second.fromBlock).toBe(8n);
    expect(await dump(b.prisma)).toEqual(await dump(a.prisma));
  });

  const testDatabaseUrl = process.env.TEST_DATABASE_URL;
  it.skipIf(!testDatabaseUrl)("writes the same content into Postgres (TEST_DATABASE_URL)", async () => {
    const pgDb = await startTestPostgres(testDatabaseUrl!);
    try {
      const client = createIndexerClient(node.rpcUrl);
      await indexNewBlocks({ prisma: pgDb.prisma, client, batchSize: 6, toBlock: head });
      await indexNewBlocks({ prisma: pgDb.prisma, client, batchSize: 9, fromBlock: 3n, toBlock: head });
      expect(await dump(pgDb.prisma)).toEqual(await dump(a.prisma));
    } finally {
      await pgDb.stop();
    }
  });

  it("follows the head over newHeads, and stops on a parent-hash mismatch", async () => {
    const client = createIndexerClient(node.rpcUrl);
    const ctl = new AbortController();
    const lines: string[] = [];
    const loop = runIndexer({
      prisma: b.prisma,
      client,
      batchSize: 10,
      pollIntervalMs: 60_000,
      wsUrl: node.wsUrl,
      signal: ctl.signal,
      log: (l) => lines.push(l),
    });
    // With a 60 s poll interval only the newHeads notifications can move the cursor this far.
    const target = BigInt((await client.request({ method: "eth_blockNumber" })) as string) + 3n;
    for (let i = 0; i < 400; i++) {
      const c = await b.prisma.indexerCursor.findUniqueOrThrow({ where: { name: BLOCKS_CURSOR } });
      if (c.blockNumber >= target) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    ctl.abort();
    await loop;
    const cursor = await b.prisma.indexerCursor.findUniqueOrThrow({ where: { name: BLOCKS_CURSOR } });
    expect(cursor.blockNumber).toBeGreaterThanOrEqual(target);

    await b.prisma.indexerCursor.update({
      where: { name: BLOCKS_CURSOR },
      data: { blockHash: `0x${"11".repeat(32)}` },
    });
    for (
      let i = 0;
      i < 100 &&
      BigInt((await client.request({ method: "eth_blockNumber" })) as string) <= cursor.blockNumber;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await expect(
      indexNewBlocks({ prisma: b.prisma, client, batchSize: 10, maxBlocks: 3 }),
    ).rejects.toBeInstanceOf(ParentHashMismatchError);
  });
});

async function waitReceipt(client: ReturnType<typeof createIndexerClient>, hash: Hex) {
  for (let i = 0; i < 200; i++) {
    const r = await client.getTransactionReceipt({ hash }).catch(() => null);
    if (r) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`no receipt for ${hash}`);
}
