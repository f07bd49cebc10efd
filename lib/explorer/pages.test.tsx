// The explorer's route files rendered to HTML against a real database (embedded PGlite, migrated)
// seeded with a few rows, and with the node unreachable (live reads must degrade, not fail).
// Each page's server component is called as Next calls it (params as promises) and its element
// tree rendered with react-dom/server.
import { renderToStaticMarkup } from "react-dom/server";
import type { ReactElement } from "react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPglite, type TestDatabase } from "@/lib/indexer/test-db";
import { SEED, seedExplorer } from "./test-seed";

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestPglite();
  // Pages read the database and the node through the config module; port 9 (discard) is closed.
  process.env.DATABASE_URL = db.url;
  process.env.CHAIN_RPC_URL = "http://127.0.0.1:9";
  process.env.CHAIN_RPC_TIMEOUT_MS = "2000";
});

afterAll(async () => {
  const { getPrisma } = await import("@/lib/db/client");
  await getPrisma().$disconnect();
  await db?.stop();
});

const p = <T,>(v: T) => Promise.resolve(v);
async function html(page: Promise<ReactElement> | ReactElement): Promise<string> {
  return renderToStaticMarkup(await page);
}
/** What Next's notFound()/redirect() throw, as "404" or "redirect:<url>". */
async function signal(page: Promise<unknown>): Promise<string> {
  try {
    await page;
    return "rendered";
  } catch (err) {
    const digest = String((err as { digest?: string }).digest ?? "");
    if (digest.startsWith("NEXT_HTTP_ERROR_FALLBACK;404")) return "404";
    if (digest.startsWith("NEXT_REDIRECT")) return `redirect:${digest.split(";")[2]}`;
    throw err;
  }
}

describe("explorer pages on a fresh database", () => {
  it("render their empty states", async () => {
    const [blocks, block, validators, subnets, charts, search] = await Promise.all([
      import("@/app/blocks/page"),
      import("@/app/blocks/[number]/page"),
      import("@/app/validators/page"),
      import("@/app/subnets/page"),
      import("@/app/charts/page"),
      import("@/app/search/page"),
    ]);
    expect(await html(blocks.default({ searchParams: p({}) }))).toContain("No blocks indexed yet.");
    expect(await html(block.default({ params: p({ number: "1" }) }))).toContain("Block not indexed");
    expect(await html(validators.default())).toContain("No validators indexed yet.");
    expect(await html(subnets.default())).toContain("No subnets registered yet.");
    const c = await html(charts.default());
    expect(c).toContain('data-testid="tps-chart-empty"');
    expect(c).toContain('data-testid="emission-total-chart-empty"');
    const s = await html(search.default({ searchParams: p({ q: "12345" }) }));
    expect(s).toContain('data-testid="search-nothing"');
  });
});

describe("explorer pages on seeded data", () => {
  beforeAll(async () => {
    await seedExplorer(db.prisma);
  });

  it("/blocks lists blocks newest first", async () => {
    const { default: Page } = await import("@/app/blocks/page");
    const out = await html(Page({ searchParams: p({}) }));
    expect(out.indexOf('href="/blocks/2"')).toBeLessThan(out.indexOf('href="/blocks/1"'));
  });

  it("/blocks/[number] shows header fields, the proposer, transactions and neighbours", async () => {
    const { default: Page } = await import("@/app/blocks/[number]/page");
    const out = await html(Page({ params: p({ number: "1" }) }));
    expect(out).toContain(SEED.blockHash(1));
    expect(out).toContain(`href="/tx/${SEED.transferHash}"`);
    expect(out).toContain("alpha"); // proposer's moniker
    expect(out).toContain('href="/blocks/0"');
    expect(out).toContain('href="/blocks/2"');
    expect(await signal(Page({ params: p({ number: "abc" }) }))).toBe("404");
  });

  it("/tx/[hash] shows fee = gasUsed × effectiveGasPrice, value and logs", async () => {
    const { default: Page } = await import("@/app/tx/[hash]/page");
    const out = await html(Page({ params: p({ hash: SEED.transferHash }) }));
    // 21000 gas × 2 gwei = 0.000042 TEN
    expect(out).toMatch(/data-testid="tx-fee"[^>]*>0\.000042 TEN</);
    expect(out).toContain("5 TEN");
    expect(out).toContain("StakeAdded");
    expect(out).toContain("success");
  });

  it("/tx/[hash] decodes a precompile call and reports a reverted status even with the node down", async () => {
    const { default: Page } = await import("@/app/tx/[hash]/page");
    const out = await html(Page({ params: p({ hash: SEED.stakeHash.toUpperCase().replace("0X", "0x") }) }));
    expect(out).toContain('data-testid="decoded-call"');
    expect(out).toContain("addStake");
    expect(out).toContain(SEED.hotkeyA);
    expect(out).toContain("reverted");
    expect(out).toContain("Revert reason");
    expect(out).toContain("unavailable (node:");
    expect(await html(Page({ params: p({ hash: `0x${"ee".repeat(32)}` }) }))).toContain(
      "Transaction not indexed",
    );
  });

  it("/address/[address] shows indexed transactions, validator role and neurons; balance falls back to the index", async () => {
    const { default: Page } = await import("@/app/address/[address]/page");
    const out = await html(Page({ params: p({ address: SEED.alice }), searchParams: p({}) }));
    expect(out).toContain(`href="/tx/${SEED.transferHash}"`);
    expect(out).toContain(`href="/tx/${SEED.stakeHash}"`);
    expect(out).toContain("90 TEN"); // indexed snapshot, the node being unreachable
    expect(out).toContain("node unreachable");
    expect(out).toContain('href="/subnets/1/neurons/0"');
    expect(out).toContain("Validators owned (coldkey)");
    expect(await signal(Page({ params: p({ address: "0x123" }), searchParams: p({}) }))).toBe("404");
  });

  it("/address paginates with a cursor", async () => {
    const { loadAddressPage } = await import("./queries");
    const first = await loadAddressPage(db.prisma, SEED.alice, undefined, 1);
    expect(first.txs.items.map((t) => t.hash)).toEqual([SEED.stakeHash]);
    expect(first.txs.nextCursor).toBe("2-0");
    const second = await loadAddressPage(db.prisma, SEED.alice, { blockNumber: 2n, transactionIndex: 0 }, 1);
    expect(second.txs.items.map((t) => t.hash)).toEqual([SEED.transferHash]);
    expect(second.txs.nextCursor).toBeNull();
  });

  it("/validators shows voting power share, uptime, jail and slashes", async () => {
    const { loadValidatorsPage } = await import("./queries");
    const data = await loadValidatorsPage(db.prisma);
    expect(data.validators.map((v) => [v.moniker, v.votingPowerShare, v.uptime, v.slashCount])).toEqual([
      ["alpha", 0.75, 0.99, 0],
      ["beta", 0.25, 0.75, 1],
    ]);
    const { default: Page } = await import("@/app/validators/page");
    const out = await html(Page());
    expect(out).toContain("99.00%");
    expect(out).toContain("until 2027-01-15 08:00:00 UTC");
    expect(out).toContain("jailed");
    // Slashing history: the downtime slash of beta, with its block and penalty.
    expect(data.slashing).toEqual([
      expect.objectContaining({ blockNumber: 40, kind: "downtime", amount: (10n ** 18n).toString() }),
    ]);
    expect(out).toContain("Slashing history");
    expect(out).toContain("jailed until 2027-01-15 08:00:00 UTC");
  });

  it("/subnets and /subnets/[netuid] with a metagraph sorted by query parameter", async () => {
    const list = await html((await import("@/app/subnets/page")).default());
    expect(list).toContain("Image Classification");
    expect(list).toContain("2 TEN"); // latest epoch's emission

    const { default: Page } = await import("@/app/subnets/[netuid]/page");
    const byStake = await html(
      Page({ params: p({ netuid: "1" }), searchParams: p({ sort: "stake", dir: "desc" }) }),
    );
    const byIncentive = await html(
      Page({ params: p({ netuid: "1" }), searchParams: p({ sort: "incentive" }) }),
    );
    const row = (out: string, uid: number) => out.indexOf(`href="/subnets/1/neurons/${uid}"`);
    expect(row(byStake, 0)).toBeLessThan(row(byStake, 1));
    expect(row(byIncentive, 1)).toBeLessThan(row(byIncentive, 0));
    expect(byStake).toContain('href="/subnets/1?sort=stake&amp;dir=asc"'); // clicking again flips
    expect(byStake).toContain("maxAllowedUids");
    expect(byStake).toContain("accuracy");
    expect(await html(Page({ params: p({ netuid: "9" }), searchParams: p({}) }))).toContain(
      "Subnet not found",
    );

    const { loadSubnetPage } = await import("./queries");
    const data = await loadSubnetPage(db.prisma, 1);
    expect(data?.emissionHistory).toEqual([
      { blockNumber: 10, epoch: 1, emission: "1000000000000000000" },
      { blockNumber: 20, epoch: 2, emission: "2000000000000000000" },
    ]);
  });

  it("/subnets/[netuid]/neurons/[uid] shows the neuron and its history", async () => {
    const { loadNeuronPage } = await import("./queries");
    const data = await loadNeuronPage(db.prisma, 1, 0);
    expect(data?.history.map((h) => h.blockNumber)).toEqual([10, 20]);
    expect(data?.history[1]?.incentive).toBeCloseTo(0.15, 12);
    const { default: Page } = await import("@/app/subnets/[netuid]/neurons/[uid]/page");
    const out = await html(Page({ params: p({ netuid: "1", uid: "1" }) }));
    expect(out).toContain(SEED.hotkeyB);
    expect(out).toContain('data-testid="neuron-incentive"');
    expect(await html(Page({ params: p({ netuid: "1", uid: "7" }) }))).toContain("Neuron not found");
    // The receipts slot: absent without receipts, a table once the worker has scored the model.
    expect(out).not.toContain("Evaluation receipts");
    const job = await db.prisma.job.create({ data: { kind: "evaluate", payload: {} } });
    await db.prisma.evaluationReceipt.create({
      data: {
        jobId: job.id,
        netuid: 1,
        uid: 1,
        minerHotkey: SEED.hotkeyB,
        validatorHotkey: SEED.hotkeyA,
        modelHash: `0x${"ab".repeat(32)}`,
        datasetHash: `0x${"cd".repeat(32)}`,
        metric: "accuracy",
        value: 0.9731,
        workerAddress: SEED.alice,
        signature: "0x00",
        blockNumber: 20n,
      },
    });
    const withReceipt = await html(Page({ params: p({ netuid: "1", uid: "1" }) }));
    expect(withReceipt).toContain("Evaluation receipts");
    expect(withReceipt).toContain("0.9731");
  });

  it("/charts computes tx/s and block time per window", async () => {
    const { loadChartsPage } = await import("./queries");
    const data = await loadChartsPage(db.prisma);
    expect(data.blockCount).toBe(3);
    expect(data.emission.map((e) => e.emission)).toEqual(["1000000000000000000", "2000000000000000000"]);
  });

  it("/search redirects on one hit and lists several", async () => {
    const { default: Page } = await import("@/app/search/page");
    const go = (q: string) => signal(Page({ searchParams: p({ q }) }));
    expect(await go("2")).toBe("redirect:/blocks/2");
    expect(await go(SEED.transferHash)).toBe(`redirect:/tx/${SEED.transferHash}`);
    expect(await go(SEED.blockHash(2))).toBe("redirect:/blocks/2");
    expect(await go(SEED.bob.toUpperCase().replace("0X", "0x"))).toBe(`redirect:/address/${SEED.bob}`);
    expect(await go("1/1")).toBe("redirect:/subnets/1/neurons/1");
    expect(await go("image")).toBe("redirect:/subnets/1");
    // "1" is both block #1 and subnet 1.
    const both = await html(Page({ searchParams: p({ q: "1" }) }));
    expect(both).toContain('href="/blocks/1"');
    expect(both).toContain('href="/subnets/1"');
    expect(await html(Page({ searchParams: p({ q: "1/42" }) }))).toContain("Nothing matches");
  });
});
