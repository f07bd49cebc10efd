// The database layer against real servers: the embedded PGlite server always, the machine's
// Postgres when TEST_DATABASE_URL is set (in a schema of its own, dropped afterwards).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "./client";
import { startEmbeddedDatabase, EmbeddedDatabaseError, type EmbeddedDatabase } from "./embedded";
import { migrate, readMigrations } from "./migrate";
import { parseDatabaseUrl, pgConnectionConfig } from "./url";

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;

function blockData(n: number) {
  return {
    number: BigInt(n),
    hash: hash(1000 + n),
    parentHash: hash(1000 + n - 1),
    timestamp: new Date(1_700_000_000_000 + n * 1000),
    miner: addr(1),
    gasUsed: 42_000n,
    gasLimit: 300_000_000n,
    baseFeePerGas: "1000000000",
    stateRoot: hash(7),
    size: 1234,
    txCount: 2,
  };
}

function txData(n: number, i: number) {
  return {
    hash: hash(n * 100 + i),
    blockHash: hash(1000 + n),
    transactionIndex: i,
    timestamp: new Date(1_700_000_000_000 + n * 1000),
    from: addr(2),
    to: addr(3),
    // More than 2^64: wei amounts must survive as exact decimals.
    value: "123456789012345678901234567890",
    nonce: BigInt(i),
    type: 2,
    gas: 21_000n,
    maxFeePerGas: "2000000000",
    maxPriorityFeePerGas: "1",
    input: "0x",
    status: 1,
    gasUsed: 21_000n,
    cumulativeGasUsed: BigInt(21_000 * (i + 1)),
    effectiveGasPrice: "1000000001",
  };
}

function databaseSuite(name: string, setup: () => Promise<{ url: string; teardown: () => Promise<void> }>) {
  describe(name, () => {
    let url: string;
    let teardown: () => Promise<void>;
    let prisma: PrismaClient;

    beforeAll(async () => {
      ({ url, teardown } = await setup());
      prisma = createPrisma({ url, poolMax: 4 });
    });
    afterAll(async () => {
      await prisma?.$disconnect();
      await teardown?.();
    });

    it("applies every migration once, and a second run applies nothing", async () => {
      const all = (await readMigrations()).map((m) => m.name);
      expect(all.length).toBeGreaterThan(0);
      const first = await migrate(url);
      expect(first.applied).toEqual(all);
      const second = await migrate(url);
      expect(second).toEqual({ applied: [], skipped: all });
    });

    it("stores a block with its transactions and reads them back exactly", async () => {
      await prisma.block.create({
        data: { ...blockData(1), transactions: { create: [txData(1, 0), txData(1, 1)] } },
      });
      const block = await prisma.block.findUniqueOrThrow({
        where: { number: 1n },
        include: { transactions: { orderBy: { transactionIndex: "asc" } } },
      });
      expect(block.hash).toBe(hash(1001));
      expect(block.transactions.map((t) => t.hash)).toEqual([hash(100), hash(101)]);
      expect(block.transactions[0]!.value.toFixed()).toBe("123456789012345678901234567890");
      const byFrom = await prisma.transaction.findMany({
        where: { from: addr(2) },
        orderBy: [{ blockNumber: "desc" }, { transactionIndex: "desc" }],
      });
      expect(byFrom.map((t) => t.transactionIndex)).toEqual([1, 0]);
    });

    it("upserts idempotently", async () => {
      const write = () =>
        prisma.indexerCursor.upsert({
          where: { name: "blocks" },
          create: { name: "blocks", blockNumber: 1n, blockHash: hash(1001) },
          update: { blockNumber: 1n, blockHash: hash(1001) },
        });
      await write();
      await write();
      expect(await prisma.indexerCursor.count()).toBe(1);
      expect((await prisma.indexerCursor.findUniqueOrThrow({ where: { name: "blocks" } })).blockNumber).toBe(1n);
    });

    it("keeps concurrent parameterised queries from different connections apart", async () => {
      await prisma.block.createMany({ data: Array.from({ length: 12 }, (_, i) => ({ ...blockData(10 + i), txCount: 0 })) });
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => prisma.block.findUnique({ where: { number: BigInt(10 + (i % 12)) } })),
      );
      results.forEach((b, i) => expect(b?.number).toBe(BigInt(10 + (i % 12))));
    });

    it("rolls back a transaction whose client disconnects, and other clients never see it", async () => {
      const target = parseDatabaseUrl(url);
      const a = new pg.Client(pgConnectionConfig(target));
      await a.connect();
      await a.query("BEGIN");
      await a.query(`INSERT INTO "IndexerCursor" (name, "blockNumber", "blockHash", "updatedAt") VALUES ('ghost', 1, $1, now())`, [hash(1)]);
      await a.end();
      const ghost = await prisma.indexerCursor.findUnique({ where: { name: "ghost" } });
      expect(ghost).toBeNull();
      // The backend is free again: a transaction through Prisma commits normally.
      await prisma.$transaction([prisma.indexerCursor.create({ data: { name: "after", blockNumber: 2n, blockHash: hash(2) } })]);
      expect(await prisma.indexerCursor.count({ where: { name: "after" } })).toBe(1);
    });
  });
}

databaseSuite("embedded PGlite server", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tc-pglite-"));
  const db = await startEmbeddedDatabase({ dataDir: path.join(dir, "pglite"), port: 0 });
  return {
    url: db.url,
    teardown: async () => {
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

const testDatabaseUrl = process.env.TEST_DATABASE_URL;
describe.skipIf(!testDatabaseUrl)("TEST_DATABASE_URL", () => {
  databaseSuite("real Postgres", async () => {
    const schema = `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const base = new URL(testDatabaseUrl!);
    base.searchParams.set("schema", schema);
    return {
      url: base.toString(),
      teardown: async () => {
        const admin = new pg.Client({ connectionString: testDatabaseUrl });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      },
    };
  });
});

describe("embedded database data directory", () => {
  let dir: string;
  let db: EmbeddedDatabase | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tc-pglite-lock-"));
  });
  afterAll(async () => {
    await db?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses a second server on a directory that is already open, and keeps data across restarts", async () => {
    const dataDir = path.join(dir, "pglite");
    db = await startEmbeddedDatabase({ dataDir, port: 0 });
    // A pid file naming a live process (this one's parent) is a lock held by someone else.
    const { writeFileSync } = await import("node:fs");
    await db.stop();
    writeFileSync(path.join(dataDir, "tensorchain.pid"), String(process.ppid));
    await expect(startEmbeddedDatabase({ dataDir, port: 0 })).rejects.toBeInstanceOf(EmbeddedDatabaseError);
    writeFileSync(path.join(dataDir, "tensorchain.pid"), "999999999");

    db = await startEmbeddedDatabase({ dataDir, port: 0 });
    await migrate(db.url);
    const prisma = createPrisma({ url: db.url, poolMax: 2 });
    await prisma.indexerCursor.create({ data: { name: "persist", blockNumber: 5n, blockHash: hash(5) } });
    await prisma.$disconnect();
    await db.stop();

    db = await startEmbeddedDatabase({ dataDir, port: 0 });
    const again = createPrisma({ url: db.url, poolMax: 2 });
    expect((await again.indexerCursor.findUniqueOrThrow({ where: { name: "persist" } })).blockNumber).toBe(5n);
    expect((await migrate(db.url)).applied).toEqual([]);
    await again.$disconnect();
  });
});
