// Public REST API latency: the route handlers called as functions (no HTTP server, so the
// figure is the handler + Prisma + database) over a database holding ONE MILLION transactions
// (generated inside the database with generate_series, secondary indexes dropped during the
// load and rebuilt after it): the embedded PGlite server, and the Postgres of TEST_DATABASE_URL
// when set. p50 and p95 per endpoint over sequential requests: the list, detail and address
// endpoints, first pages and pages deep in the cursor chain.
import type { BenchContext, BenchFigure } from "../../scripts/bench-types";
import type { PrismaClient } from "@prisma/client";
import * as blocksRoute from "@/app/api/v1/blocks/route";
import * as blockRoute from "@/app/api/v1/blocks/[number]/route";
import * as addressRoute from "@/app/api/v1/addresses/[address]/route";
import * as validatorsRoute from "@/app/api/v1/validators/route";
import * as txsRoute from "@/app/api/v1/txs/route";
import * as txRoute from "@/app/api/v1/txs/[hash]/route";
import * as addressTxsRoute from "@/app/api/v1/addresses/[address]/txs/route";
import * as statsRoute from "@/app/api/v1/stats/route";
import { getConfig } from "@/lib/config";
import { startTestPglite, startTestPostgres, type TestDatabase } from "@/lib/indexer/test-db";

const TX_PER_BLOCK = 100;
const ACCOUNTS = 1_000;
const hex = (expr: string, width: number) => `'0x' || lpad(to_hex(${expr}), ${width}, '0')`;

/** Runs `load` with the table's secondary indexes dropped, then rebuilds them (a bulk load's usual trick). */
async function withoutIndexes(prisma: PrismaClient, table: string, load: () => Promise<void>): Promise<void> {
  const defs = await prisma.$queryRawUnsafe<{ indexname: string; indexdef: string }[]>(
    `SELECT i.indexname::text AS indexname, i.indexdef::text AS indexdef FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = $1
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    table,
  );
  for (const d of defs) await prisma.$executeRawUnsafe(`DROP INDEX "${d.indexname}"`);
  await load();
  for (const d of defs) await prisma.$executeRawUnsafe(d.indexdef);
}

export async function seed(prisma: PrismaClient, txs: number): Promise<void> {
  const blocks = Math.ceil(txs / TX_PER_BLOCK);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Block" ("number", "hash", "parentHash", "timestamp", "miner", "gasUsed", "gasLimit", "baseFeePerGas", "stateRoot", "size", "txCount")
    SELECT n, ${hex("n + 1000000", 64)}, ${hex("n + 999999", 64)}, to_timestamp(1700000000 + n), ${hex("1", 40)},
           2100000, 300000000, 1000000000, ${hex("7", 64)}, 50000, ${TX_PER_BLOCK}
    FROM generate_series(0, ${blocks - 1}) AS n`);
  await withoutIndexes(prisma, "Transaction", () =>
    prisma
      .$executeRawUnsafe(
        `
    INSERT INTO "Transaction" ("hash", "blockNumber", "blockHash", "transactionIndex", "timestamp", "from", "to", "value", "nonce", "type", "gas",
      "maxFeePerGas", "maxPriorityFeePerGas", "input", "status", "gasUsed", "cumulativeGasUsed", "effectiveGasPrice")
    SELECT ${hex("i + 1", 64)}, i / ${TX_PER_BLOCK}, ${hex(`i / ${TX_PER_BLOCK} + 1000000`, 64)}, i % ${TX_PER_BLOCK}, to_timestamp(1700000000 + i / ${TX_PER_BLOCK}),
           ${hex(`i % ${ACCOUNTS} + 16`, 40)}, ${hex(`(i * 7) % ${ACCOUNTS} + 16`, 40)}, 1000000000000000000, i / ${ACCOUNTS}, 2, 21000,
           2000000000, 1000000000, '0x', 1, 21000, 21000 * (i % ${TX_PER_BLOCK} + 1), 1000000001
    FROM generate_series(0, ${txs - 1}) AS i`,
      )
      .then(() => undefined),
  );
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Account" ("address", "txCount", "firstSeenBlock", "lastSeenBlock", "updatedAt")
    SELECT ${hex("a + 16", 40)}, ${(2 * txs) / ACCOUNTS}, 0, ${blocks - 1}, now()
    FROM generate_series(0, ${ACCOUNTS - 1}) AS a`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Validator" ("hotkey", "coldkey", "status", "stake", "votingPower", "firstSeenBlock", "updatedAtBlock", "updatedAt")
    SELECT ${hex("v + 100000", 40)}, ${hex("v + 200000", 40)}, 'active', (v + 1) * 1000000000000000000000, (v + 1) * 1000, 0, 0, now()
    FROM generate_series(0, 99) AS v`);
  await prisma.$executeRawUnsafe(`ANALYZE`);
}

/**
 * p50/p95 of wall time per call and of this process's CPU time per call (user + system). With
 * the embedded PGlite the database runs in this process, so the CPU time is the whole request's
 * work: what its latency would be on an idle machine, whatever else the machine is running.
 */
async function measure(
  name: string,
  n: number,
  call: (i: number) => Promise<Response>,
): Promise<{ p50: number; p95: number; cpuP50: number; cpuP95: number }> {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const res = await call(i);
    await res.text();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
  }
  const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]!;
  return { p50: pct(times, 0.5), p95: pct(times, 0.95), cpuP50: pct(cpu, 0.5), cpuP95: pct(cpu, 0.95) };
}

async function run(ctx: BenchContext, db: TestDatabase, label: string): Promise<BenchFigure[]> {
  const txs = ctx.quick ? 20_000 : 1_000_000;
  const n = ctx.quick ? 50 : 200;
  const g = globalThis as typeof globalThis & { __tensorchainPrisma?: PrismaClient };
  g.__tensorchainPrisma = db.prisma;
  try {
    const t0 = performance.now();
    await seed(db.prisma, txs);
    ctx.log(`${label}: seeded ${txs} transactions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const blocks = Math.ceil(txs / TX_PER_BLOCK);
    const req = (path: string) => new Request(`http://localhost${path}`);
    const hashOf = (i: number) => `0x${(((i * 7919) % txs) + 1).toString(16).padStart(64, "0")}`;
    const addrOf = (i: number) => `0x${((i % ACCOUNTS) + 16).toString(16).padStart(40, "0")}`;
    // A cursor deep in the chain: `<block>-<index>` of a random point of history.
    const deep = (i: number) => `${(i * 7919) % blocks}-50`;
    const cases: [string, (i: number) => Promise<Response>][] = [
      ["blocks_list", () => blocksRoute.GET(req("/api/v1/blocks?limit=25"))],
      [
        "blocks_list_deep_cursor",
        (i) => blocksRoute.GET(req(`/api/v1/blocks?limit=25&cursor=${(i * 7919) % blocks}`)),
      ],
      [
        "block_by_number",
        (i) => blockRoute.GET(req("/"), { params: Promise.resolve({ number: String((i * 7919) % blocks) }) }),
      ],
      ["txs_list", () => txsRoute.GET(req("/api/v1/txs?limit=25"))],
      ["txs_list_deep_cursor", (i) => txsRoute.GET(req(`/api/v1/txs?limit=25&cursor=${deep(i)}`))],
      ["tx_by_hash", (i) => txRoute.GET(req("/"), { params: Promise.resolve({ hash: hashOf(i) }) })],
      ["address", (i) => addressRoute.GET(req("/"), { params: Promise.resolve({ address: addrOf(i) }) })],
      [
        "address_txs",
        (i) => addressTxsRoute.GET(req("/?limit=25"), { params: Promise.resolve({ address: addrOf(i) }) }),
      ],
      [
        "address_txs_deep_cursor",
        (i) =>
          addressTxsRoute.GET(req(`/?limit=25&cursor=${deep(i)}`), {
            params: Promise.resolve({ address: addrOf(i) }),
          }),
      ],
      ["validators", () => validatorsRoute.GET()],
      ["stats", () => statsRoute.GET()],
    ];
    const figures: BenchFigure[] = [];
    for (const [name, call] of cases) {
      await measure(name, 5, call); // warm-up: plans and caches
      const { p50, p95, cpuP50, cpuP95 } = await measure(name, n, call);
      ctx.log(
        `${label} ${name}: p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms; ` +
          `CPU per call p50 ${cpuP50.toFixed(2)} ms, p95 ${cpuP95.toFixed(2)} ms`,
      );
      const notes = `${txs} txs in ${blocks} blocks, ${ACCOUNTS} accounts, ${n} sequential calls, ${label}`;
      const id = label === "pglite" ? name : `${name}_${label}`;
      figures.push({ name: `api.${id}_p50`, value: p50, unit: "ms", better: "lower", notes });
      figures.push({ name: `api.${id}_p95`, value: p95, unit: "ms", better: "lower", target: 50, notes });
      // The in-process database's work per request (meaningful for PGlite only).
      if (label === "pglite")
        figures.push({
          name: `api.${id}_cpu_p95`,
          value: cpuP95,
          unit: "ms",
          better: "lower",
          target: 50,
          notes,
        });
    }
    return figures;
  } finally {
    delete g.__tensorchainPrisma;
  }
}

export default async function apiBench(ctx: BenchContext): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const pglite = await startTestPglite(4);
  try {
    figures.push(...(await run(ctx, pglite, "pglite")));
  } finally {
    await pglite.stop();
  }
  const pgUrl = getConfig().db.testUrl;
  if (pgUrl !== undefined) {
    const pg = await startTestPostgres(pgUrl);
    try {
      figures.push(...(await run(ctx, pg, "postgres")));
    } finally {
      await pg.stop();
    }
  }
  return figures;
}
