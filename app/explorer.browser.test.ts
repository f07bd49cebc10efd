// The explorer's pages in a real browser over an index of a real dev node: a subnet and a
// miner registered through the precompiles and two of its epochs, indexed into the embedded
// database (genesis, validator, metagraph snapshots), then the app's production build (`next start`) and headless Chromium.
// Each page is checked for what a user looks for, in light and dark (prefers-color-scheme) and
// on a phone-sized screen; screenshots land in screenshots/ for review.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  SCREENSHOTS,
  hasChromium,
  launchChromium,
  startNextServer,
  type NextServer,
} from "../lib/test/browser";
import { createPublicClient, http } from "viem";
import { RPC_OPTS, startDevNode, type DevNode } from "../chain/test/helpers/devnode";
import { createPrisma } from "../lib/db/client";
import { formatTen } from "../lib/explorer/format";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { indexNewBlocks } from "../lib/indexer/index-blocks";
import { createIndexerClient } from "../lib/indexer/rpc";
import { driveProtocol, type ProtocolActivity } from "../lib/indexer/test-protocol";

describe.skipIf(!hasChromium)("explorer pages in Chromium", () => {
  let node: DevNode;
  let db: EmbeddedDatabase;
  let next: NextServer | undefined;
  let browser: Browser | undefined;
  let appUrl: string;
  let activity: ProtocolActivity;

  beforeAll(async () => {
    [node, db] = await Promise.all([
      // Under BFT consensus, so blocks have the commit certificates the light client checks.
      startDevNode({ blockTimeMs: 200, startTimeoutMs: 150_000, bft: true }),
      startEmbeddedDatabase({ dataDir: null, port: 0 }),
    ]);
    await migrate(db.url);
    activity = await driveProtocol(node, 2);
    const prisma = createPrisma({ url: db.url, poolMax: 1 });
    try {
      await indexNewBlocks({
        prisma,
        client: createIndexerClient(node.rpcUrl),
        batchSize: 50,
        toBlock: activity.head,
      });
    } finally {
      await prisma.$disconnect();
    }
    next = await startNextServer({
      readyPath: "/validators",
      env: { CHAIN_RPC_URL: node.rpcUrl, DATABASE_URL: db.url },
    });
    appUrl = next.url;
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 1_500_000);

  afterAll(async () => {
    await browser?.close();
    await next?.stop();
    await Promise.all([node?.stop(), db?.stop()]);
  });

  /**
   * Waits until the chart has drawn its line (recharts renders it after hydration). "attached":
   * a flat line (a lone miner earns nothing) has an empty box, which Playwright calls hidden.
   */
  const chartLine = (page: Page, testId: string) =>
    page
      .locator(`[data-testid="${testId}"] svg path.recharts-line-curve[d^="M"]`)
      .first()
      .waitFor({ state: "attached" });

  /** Opens `path` in a light and a dark page. */
  async function visit(route: string, name: string, check: (page: Page) => Promise<void>): Promise<void> {
    for (const scheme of ["light", "dark"] as const) {
      const page = await browser!.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
      page.setDefaultNavigationTimeout(600_000);
      page.setDefaultTimeout(120_000);
      await page.goto(appUrl + route, { waitUntil: "domcontentloaded" });
      await check(page);
      // The dark page really is dark: the body's background is not white.
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      if (scheme === "dark") expect(bg).not.toBe("rgb(255, 255, 255)");
      await page.screenshot({
        path: path.join(SCREENSHOTS, `explorer-${name}-${scheme}.png`),
        fullPage: true,
      });
      await page.close();
    }
  }

  it("block, transaction and address pages", async () => {
    await visit(`/blocks/${activity.registeredAt}`, "block", async (page) => {
      expect((await page.getByTestId("block-number").innerText()).replace(/,/g, "")).toBe(
        String(activity.registeredAt),
      );
      // The light client, run by the page in this browser against the node's RPC.
      await page.getByTestId("lc-verify-block").click();
      await page.locator('[data-testid="lc-verdict"][data-result="pass"]').waitFor();
      expect(await page.getByTestId("lc-signers").innerText()).toBe("1 of 1 validators");
      expect(await page.getByTestId("lc-power").innerText()).toContain("100.00%");
      expect(await page.getByTestId("lc-hash").innerText()).toContain("(matches this page)");
    });
    await visit(`/tx/${activity.registerNetworkTx}`, "tx", async (page) => {
      expect(await page.getByTestId("tx-status").innerText()).toMatch(/success/i);
      expect(await page.getByTestId("decoded-call").innerText()).toContain("registerNetwork");
      expect(await page.content()).toContain("NetworkRegistered");
    });
    await visit(`/address/${activity.owner}`, "address", async (page) => {
      expect((await page.getByTestId("address").innerText()).toLowerCase()).toContain(activity.owner);
      expect(await page.content()).toContain(`/tx/${activity.registerNetworkTx}`);
      await page.getByTestId("lc-verify-account").click();
      await page.locator('[data-testid="lc-verdict"][data-result="pass"]').waitFor();
      const at = (await page.getByTestId("lc-block").innerText()).replace(/,/g, "");
      const chain = createPublicClient({ transport: http(node.rpcUrl, RPC_OPTS) });
      const balance = await chain.getBalance({ address: activity.owner, blockNumber: BigInt(at) });
      expect(await page.getByTestId("lc-balance").innerText()).toBe(formatTen(balance));
    });
  }, 1_800_000);

  it("the light client rejects a block whose fields the node misreports", async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultNavigationTimeout(600_000);
    page.setDefaultTimeout(120_000);
    // The real node's answer with one header field changed on its way to the page.
    const rpcOrigin = new URL(node.rpcUrl).origin;
    await page.route(
      (url) => url.origin === rpcOrigin,
      async (route) => {
        const body =
          route.request().method() === "POST" ? (route.request().postDataJSON() as { method?: string }) : {};
        if (body.method !== "eth_getBlockByNumber") return route.continue();
        const response = await route.fetch();
        const json = (await response.json()) as { result: { gasUsed: string } };
        json.result.gasUsed = `0x${(BigInt(json.result.gasUsed) + 1n).toString(16)}`;
        await route.fulfill({ response, json });
      },
    );
    await page.goto(`${appUrl}/blocks/${activity.registeredAt}`, { waitUntil: "domcontentloaded" });
    await page.getByTestId("lc-verify-block").click();
    await page.locator('[data-testid="lc-verdict"][data-result="fail"]').waitFor();
    expect(await page.getByTestId("lc-reason").innerText()).toContain(
      "certificate is for a different block hash",
    );
    await page.screenshot({
      path: path.join(SCREENSHOTS, "explorer-block-light-client-fail.png"),
      fullPage: true,
    });
    await page.close();
  }, 1_800_000);

  it("validators, subnets, subnet, neuron and charts pages; search finds a neuron by netuid/uid", async () => {
    await visit("/validators", "validators", async (page) => {
      const text = await page.innerText("main");
      expect(text).toContain("100.00%"); // the dev validator proposed every block
      expect(text).toContain("Slashing history");
    });
    await visit("/subnets", "subnets", async (page) => {
      expect(await page.innerText("main")).toContain("mnist");
    });
    await visit(`/subnets/${activity.netuid}`, "subnet", async (page) => {
      expect(await page.getByTestId("subnet-neurons").innerText()).toBe("1");
      await chartLine(page, "emission-chart");
    });
    await visit(`/subnets/${activity.netuid}/neurons/0`, "neuron", async (page) => {
      await chartLine(page, "incentive-chart");
      await chartLine(page, "neuron-emission-chart");
      expect((await page.innerText("main")).toLowerCase()).toContain(activity.miner);
    });
    await visit("/charts", "charts", async (page) => {
      await chartLine(page, "tps-chart");
    });

    const mobile = await browser!.newPage({ viewport: { width: 390, height: 844 } });
    mobile.setDefaultNavigationTimeout(600_000);
    mobile.setDefaultTimeout(120_000);
    await mobile.goto(`${appUrl}/search?q=${activity.netuid}%2F0`, { waitUntil: "domcontentloaded" });
    await mobile.waitForURL(`**/subnets/${activity.netuid}/neurons/0`);
    // Nothing wider than the screen: tables scroll inside their wrapper instead.
    const overflow = await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await mobile.screenshot({ path: path.join(SCREENSHOTS, "explorer-neuron-mobile.png"), fullPage: true });
  }, 1_800_000);
});
