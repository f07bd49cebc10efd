/* eslint-disable @typescript-eslint/no-explicit-any -- the tests read untyped JSON response bodies */
// The public REST API's route handlers called as functions (a Request in, a Response out)
// against a migrated database: the embedded PGlite server always, Postgres when
// TEST_DATABASE_URL is set. Data is seeded directly; the indexer has its own test.
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as blocksRoute from "@/app/api/v1/blocks/route";
import * as blockRoute from "@/app/api/v1/blocks/[number]/route";
import * as txsRoute from "@/app/api/v1/txs/route";
import * as txRoute from "@/app/api/v1/txs/[hash]/route";
import * as addressRoute from "@/app/api/v1/addresses/[address]/route";
import * as addressTxsRoute from "@/app/api/v1/addresses/[address]/txs/route";
import * as validatorsRoute from "@/app/api/v1/validators/route";
import * as subnetsRoute from "@/app/api/v1/subnets/route";
import * as subnetRoute from "@/app/api/v1/subnets/[netuid]/route";
import * as metagraphRoute from "@/app/api/v1/subnets/[netuid]/metagraph/route";
import * as epochsRoute from "@/app/api/v1/subnets/[netuid]/epochs/route";
import * as slashingRoute from "@/app/api/v1/validators/slashing/route";
import * as statsRoute from "@/app/api/v1/stats/route";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import { startTestPglite, startTestPostgres, type TestDatabase } from "@/lib/indexer/test-db";

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const BLOCKS = 30;
const ALICE = addr(0xa11ce);
const BOB = addr(0xb0b);

const get = (path: string) => new Request(`http://localhost${path}`);
const params = <T>(p: T) => ({ params: Promise.resolve(p) });
async function body(res: Response): Promise<any> {
  return res.json();
}

async function seed(prisma: PrismaClient) {
  const txs: any[] = [];
  await prisma.block.createMany({
    data: Array.from({ length: BLOCKS }, (_, n) => ({
      number: BigInt(n),
      hash: hash(1_000_000 + n),
      parentHash: hash(1_000_000 + n - 1),
      timestamp: new Date(1_700_000_000_000 + n * 2000),
      miner: addr(1),
      gasUsed: BigInt(21_000 * (n % 3)),
      gasLimit: 300_000_000n,
      baseFeePerGas: "1000000000",
      stateRoot: hash(7),
      size: 600,
      txCount: n % 3,
    })),
  });
  for (let n = 0; n < BLOCKS; n++) {
    for (let i = 0; i < n % 3; i++) {
      txs.push({
        hash: hash(n * 10 + i),
        blockNumber: BigInt(n),
        blockHash: hash(1_000_000 + n),
        transactionIndex: i,
        timestamp: new Date(1_700_000_000_000 + n * 2000),
        from: i === 0 ? ALICE : BOB,
        to: i === 0 ? BOB : ALICE,
        value: "123456789012345678901234567890",
        nonce: BigInt(n),
        type: 2,
        gas: 21_000n,
        maxFeePerGas: "2000000000",
        maxPriorityFeePerGas: "1",
        input: "0x",
        status: 1,
        gasUsed: 21_000n,
        cumulativeGasUsed: BigInt(21_000 * (i + 1)),
        effectiveGasPrice: "1000000001",
      });
    }
  }
  await prisma.transaction.createMany({ data: txs });
  await prisma.log.create({
    data: {
      blockNumber: 2n,
      logIndex: 0,
      transactionHash: hash(20),
      transactionIndex: 0,
      address: addr(0x801),
      topic0: hash(99),
      data: "0x",
      eventName: "Staked",
      args: { hotkey: ALICE, amount: "5" },
    },
  });
  await prisma.account.createMany({
    data: [
      { address: ALICE, txCount: txs.length, firstSeenBlock: 1n, lastSeenBlock: 29n },
      { address: BOB, txCount: txs.length, firstSeenBlock: 1n, lastSeenBlock: 29n },
    ],
  });
  await prisma.validator.createMany({
    data: [
      {
        hotkey: addr(0x11),
        coldkey: addr(0x12),
        status: "active",
        stake: "1000",
        votingPower: 10n,
        firstSeenBlock: 0n,
        updatedAtBlock: 5n,
      },
      {
        hotkey: addr(0x21),
        coldkey: addr(0x22),
        status: "jailed",
        stake: "5000",
        votingPower: 0n,
        firstSeenBlock: 0n,
        updatedAtBlock: 5n,
      },
    ],
  });
  await prisma.subnet.create({
    data: {
      netuid: 1,
      name: "mnist",
      owner: ALICE,
      registeredAt: 3n,
      hyperparams: { tempo: 100 },
      updatedAtBlock: 3n,
    },
  });
  await prisma.neuron.create({
    data: {
      netuid: 1,
      uid: 0,
      hotkey: addr(0x11),
      coldkey: addr(0x12),
      registeredAt: 4n,
      updatedAtBlock: 4n,
    },
  });
  const snap = await prisma.metagraphSnapshot.create({
    data: { netuid: 1, blockNumber: 20n, epoch: 2n, neuronCount: 1, totalStake: "1000", emission: "77" },
  });
  await prisma.neuronEpoch.create({
    data: {
      snapshotId: snap.id,
      uid: 0,
      netuid: 1,
      blockNumber: 20n,
      hotkey: addr(0x11),
      stake: "1000",
      rank: 0.5,
      trust: 1,
      validatorTrust: 0,
      consensus: 0.25,
      incentive: 1,
      dividends: 0,
      emission: "77",
      active: true,
      validatorPermit: true,
    },
  });
  // Two earlier epochs of subnet 1 and the slashing history of the jailed validator.
  for (const b of [5n, 10n])
    await prisma.metagraphSnapshot.create({
      data: { netuid: 1, blockNumber: b, epoch: b / 10n, neuronCount: 1, totalStake: "1000", emission: "5" },
    });
  await prisma.slashingEvent.createMany({
    data: [
      {
        validatorHotkey: addr(0x21),
        blockNumber: 7n,
        kind: "downtime",
        amount: "50",
        jailedUntil: 1_800_000_000n,
      },
      { validatorHotkey: addr(0x21), blockNumber: 9n, kind: "double_sign", amount: "450", tombstoned: true },
    ],
  });
  await prisma.validatorUptime.createMany({
    data: [
      {
        validatorHotkey: addr(0x11),
        fromBlock: 0n,
        toBlock: 99n,
        signedBlocks: 90,
        missedBlocks: 10,
        proposedBlocks: 30,
      },
    ],
  });
  return txs.length;
}

function apiSuite(name: string, start: () => Promise<TestDatabase>) {
  describe(name, () => {
    let db: TestDatabase;
    let txCount: number;
    beforeAll(async () => {
      db = await start();
      // The route handlers use the process-wide client (lib/db/client.ts): point it at this database.
      (globalThis as { __tensorchainPrisma?: PrismaClient }).__tensorchainPrisma = db.prisma;
      txCount = await seed(db.prisma);
    });
    afterAll(async () => {
      delete (globalThis as { __tensorchainPrisma?: PrismaClient }).__tensorchainPrisma;
      await db?.stop();
    });

    it("pages through every block exactly once, newest first", async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 10; i++) {
        const res = await blocksRoute.GET(get(`/api/v1/blocks?limit=7${cursor ? `&cursor=${cursor}` : ""}`));
        expect(res.status).toBe(200);
        expect(res.headers.get("cache-control")).toMatch(/max-age=\d+/);
        const page = await body(res);
        seen.push(...page.items.map((b: { number: number }) => b.number));
        cursor = page.nextCursor;
        if (cursor === null) break;
      }
      expect(seen).toEqual(Array.from({ length: BLOCKS }, (_, i) => BLOCKS - 1 - i));
    });

    it("serves one block immutably, 404 for a missing one and 400 for a malformed one", async () => {
      const res = await blockRoute.GET(get("/api/v1/blocks/5"), params({ number: "5" }));
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toContain("immutable");
      const b = await body(res);
      expect(b).toMatchObject({ number: 5, hash: hash(1_000_005), txCount: 2, baseFeePerGas: "1000000000" });
      expect(b.transactions).toEqual([hash(50), hash(51)]);

      const missing = await blockRoute.GET(get("/api/v1/blocks/999"), params({ number: "999" }));
      expect(missing.status).toBe(404);
      expect(missing.headers.get("cache-control")).toBe("no-store");
      expect((await body(missing)).error.code).toBe("NOT_FOUND");

      const bad = await blockRoute.GET(get("/api/v1/blocks/abc"), params({ number: "abc" }));
      expect(bad.status).toBe(400);
      expect(await body(bad)).toEqual({
        error: { code: "BAD_REQUEST", message: expect.stringContaining("block number") },
      });
    });

    it("pages through transactions across blocks with a compound cursor", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await body(
          await txsRoute.GET(get(`/api/v1/txs?limit=4${cursor ? `&cursor=${cursor}` : ""}`)),
        );
        seen.push(...page.items.map((t: { hash: string }) => t.hash));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toHaveLength(txCount);
      expect(new Set(seen).size).toBe(txCount);
      expect(seen[0]).toBe(hash(291)); // block 29, index 1
      expect((await txsRoute.GET(get("/api/v1/txs?limit=1000"))).status).toBe(400);
      expect((await txsRoute.GET(get("/api/v1/txs?cursor=zzz"))).status).toBe(400);
    });

    it("serves a transaction with its receipt fields and decoded logs", async () => {
      const res = await txRoute.GET(
        get(`/api/v1/txs/${hash(20)}`),
        params({ hash: hash(20).toUpperCase().replace("0X", "0x") }),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toContain("immutable");
      const t = await body(res);
      expect(t).toMatchObject({
        hash: hash(20),
        blockNumber: 2,
        from: ALICE,
        to: BOB,
        value: "123456789012345678901234567890",
        status: "success",
        gasUsed: 21000,
      });
      expect(t.fee).toBe((21_000n * 1_000_000_001n).toString());
      expect(t.logs).toEqual([
        {
          logIndex: 0,
          address: addr(0x801),
          topics: [hash(99)],
          data: "0x",
          eventName: "Staked",
          args: { hotkey: ALICE, amount: "5" },
        },
      ]);
      expect((await txRoute.GET(get("/"), params({ hash: hash(12345) }))).status).toBe(404);
      expect((await txRoute.GET(get("/"), params({ hash: "0x12" }))).status).toBe(400);
    });

    it("serves an address and its transactions in both directions", async () => {
      const a = await body(
        await addressRoute.GET(get("/"), params({ address: ALICE.toUpperCase().replace("0X", "0x") })),
      );
      expect(a).toMatchObject({ address: ALICE, txCount, isContract: false });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await body(
          await addressTxsRoute.GET(
            get(`/x?limit=3${cursor ? `&cursor=${cursor}` : ""}`),
            params({ address: ALICE }),
          ),
        );
        seen.push(...page.items.map((t: { hash: string }) => t.hash));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toHaveLength(txCount);
      expect(new Set(seen).size).toBe(txCount);
      expect((await addressRoute.GET(get("/"), params({ address: addr(0xdead) }))).status).toBe(404);
      expect((await addressRoute.GET(get("/"), params({ address: "0xnothex" }))).status).toBe(400);
    });

    it("serves validators, subnets and the latest metagraph", async () => {
      const v = await body(await validatorsRoute.GET());
      expect(v.items.map((x: { hotkey: string }) => x.hotkey)).toEqual([addr(0x21), addr(0x11)]);
      const s = await body(await subnetsRoute.GET());
      expect(s.items).toEqual([
        expect.objectContaining({ netuid: 1, name: "mnist", neuronCount: 1, hyperparams: { tempo: 100 } }),
      ]);
      expect((await subnetRoute.GET(get("/"), params({ netuid: "1" }))).status).toBe(200);
      expect((await subnetRoute.GET(get("/"), params({ netuid: "2" }))).status).toBe(404);
      expect((await subnetRoute.GET(get("/"), params({ netuid: "70000" }))).status).toBe(400);
      const m = await body(await metagraphRoute.GET(get("/"), params({ netuid: "1" })));
      expect(m.snapshot).toEqual({
        blockNumber: 20,
        epoch: 2,
        neuronCount: 1,
        totalStake: "1000",
        emission: "77",
      });
      expect(m.neurons[0]).toMatchObject({ uid: 0, consensus: 0.25, emission: "77", validatorPermit: true });
    });

    it("serves validators' uptime, the slashing history and a subnet's epochs, with cursors", async () => {
      const v = await body(await validatorsRoute.GET());
      expect(v.items.find((x: { hotkey: string }) => x.hotkey === addr(0x11))).toMatchObject({
        uptime: 0.9,
        proposedBlocks: 30,
        slashCount: 0,
      });
      expect(v.items.find((x: { hotkey: string }) => x.hotkey === addr(0x21))).toMatchObject({
        uptime: null,
        slashCount: 2,
      });
      const first = await body(await slashingRoute.GET(get("/?limit=1")));
      expect(first.items).toEqual([
        expect.objectContaining({ blockNumber: 9, kind: "double_sign", amount: "450", tombstoned: true }),
      ]);
      const second = await body(await slashingRoute.GET(get(`/?limit=1&cursor=${first.nextCursor}`)));
      expect(second.items).toEqual([
        expect.objectContaining({ blockNumber: 7, kind: "downtime", jailedUntil: 1_800_000_000 }),
      ]);
      expect(second.nextCursor).toBeNull();
      const none = await body(await slashingRoute.GET(get(`/?hotkey=${addr(0x11)}`)));
      expect(none.items).toEqual([]);
      expect((await slashingRoute.GET(get("/?hotkey=0x12"))).status).toBe(400);

      const e1 = await body(await epochsRoute.GET(get("/?limit=2"), params({ netuid: "1" })));
      expect(e1.items.map((e: { blockNumber: number }) => e.blockNumber)).toEqual([20, 10]);
      const e2 = await body(
        await epochsRoute.GET(get(`/?limit=2&cursor=${e1.nextCursor}`), params({ netuid: "1" })),
      );
      expect(e2.items).toEqual([
        { blockNumber: 5, epoch: 0, neuronCount: 1, totalStake: "1000", emission: "5" },
      ]);
      expect(e2.nextCursor).toBeNull();
      const missing = await epochsRoute.GET(get("/"), params({ netuid: "9" }));
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({
        error: { code: "NOT_FOUND", message: "subnet 9 does not exist" },
      });
    });

    it("reports head, block time and throughput", async () => {
      const s = await body(await statsRoute.GET());
      expect(s.head).toBe(BLOCKS - 1);
      expect(s.blockTimeMs).toBe(2000);
      // Blocks 1..29 carry the window's transactions over 28 × 2 s... minus block 0's (none).
      expect(s.txPerSec).toBeCloseTo(txCount / ((BLOCKS - 1) * 2), 5);
    });

    it("documents every route in the OpenAPI document", async () => {
      const doc = await body(openapiRoute.GET());
      expect(doc.openapi).toBe("3.1.0");
      for (const p of [
        "/blocks",
        "/blocks/{number}",
        "/txs",
        "/txs/{hash}",
        "/addresses/{address}",
        "/addresses/{address}/txs",
        "/validators",
        "/subnets",
        "/subnets/{netuid}",
        "/subnets/{netuid}/metagraph",
        "/subnets/{netuid}/epochs",
        "/subnets/{netuid}/neurons/{uid}/receipts",
        "/subnets/{netuid}/neurons/{uid}/lineage",
        "/subnets/{netuid}/infer",
        "/validators/slashing",
        "/stats",
        "/faucet",
        "/faucet/challenge",
        "/faucet/stats",
      ]) {
        expect(doc.paths[p], p).toBeDefined();
      }
      const refs = JSON.stringify(doc).match(/#\/components\/schemas\/(\w+)/g) ?? [];
      for (const r of refs) expect(doc.components.schemas[r.split("/").pop()!], r).toBeDefined();
    });
  });
}

apiSuite("REST API on the embedded PGlite server", () => startTestPglite());
const testDatabaseUrl = process.env.TEST_DATABASE_URL;
describe.skipIf(!testDatabaseUrl)("TEST_DATABASE_URL", () => {
  apiSuite("REST API on Postgres", () => startTestPostgres(testDatabaseUrl!));
});
