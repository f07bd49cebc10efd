// The faucet, home and network pages in a real browser: a dev node, the embedded database
// (migrated), the app (`next start`) on a free port and headless Chromium (Debian's package, driven by
// playwright-core), as in app/home.browser.test.ts. The faucet claim goes all the way: the
// proof of work is solved in the page's Web Worker, the claim is queued, sent and confirmed on
// the node, and the page links the transaction. Screenshots land in screenshots/ for review.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCREENSHOTS, hasChromium, startBrowserApp, type BrowserApp } from "../../lib/test/browser";
import { RPC_OPTS, startDevNode, type DevNode } from "../../chain/test/helpers/devnode";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { DEV_FAUCET_ACCOUNT_INDEX } from "../../lib/faucet/config";

describe.skipIf(!hasChromium)("faucet, home and network pages in Chromium", () => {
  let node: DevNode;
  let db: EmbeddedDatabase;
  let harness: BrowserApp | undefined;
  let appUrl: string;

  beforeAll(async () => {
    [node, db] = await Promise.all([
      startDevNode({ blockTimeMs: 500 }),
      startEmbeddedDatabase({ dataDir: null, port: 0 }),
    ]);
    await migrate(db.url);
    harness = await startBrowserApp({
      readyPath: "/faucet",
      env: {
        CHAIN_RPC_URL: node.rpcUrl,
        DATABASE_URL: db.url,
        // Cheap proof of work: the test is about the flow, not the hashing.
        FAUCET_POW_DIFFICULTY: "10",
        // A production server refuses the public dev key and a per-process secret: both given,
        // as an operator would (the dev node funds this account).
        FAUCET_PRIVATE_KEY: node.accounts[DEV_FAUCET_ACCOUNT_INDEX]!.privateKey,
        FAUCET_POW_SECRET: randomBytes(32).toString("hex"),
      },
    });
    appUrl = harness.app.url;
  }, 1_500_000);

  /** A page with the generous waits of a loaded machine. */
  async function openPage() {
    const page = await harness!.newPage({ viewport: { width: 1280, height: 900 } });
    return page;
  }

  afterAll(async () => {
    await harness?.stop();
    await Promise.all([node?.stop(), db?.stop()]);
  });

  it("rejects a bad address, then solves the proof of work and follows a claim to a confirmed transaction", async () => {
    const page = await openPage();
    await page.goto(`${appUrl}/faucet`, { waitUntil: "networkidle" });
    await page.waitForSelector('[data-testid="faucet-form"][data-ready="true"]');
    const input = page.getByLabel("Your address");
    await input.fill("0x1234");
    await page.getByTestId("faucet-submit").click();
    expect(await page.locator(".ui-field-error").innerText()).toContain("0x followed by 40 hex digits");

    const recipient = node.accounts[4]!.address;
    const client = createPublicClient({ transport: http(node.rpcUrl, RPC_OPTS) });
    const balanceBefore = await client.getBalance({ address: recipient });
    await input.fill(recipient);
    await page.getByTestId("faucet-submit").click();
    const claim = page.getByTestId("faucet-claim");
    await claim.waitFor({ timeout: 120_000 });
    await page.waitForSelector('[data-testid="faucet-claim"][data-status="confirmed"]', { timeout: 120_000 });
    const link = page.getByTestId("faucet-tx-link");
    const txHash = await link.innerText();
    expect(txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await link.getAttribute("href")).toBe(`/tx/${txHash}`);
    const receipt = await client.getTransactionReceipt({ hash: txHash as `0x${string}` });
    expect(receipt.status).toBe("success");
    expect(receipt.to?.toLowerCase()).toBe(recipient.toLowerCase());
    expect(await client.getBalance({ address: recipient })).toBeGreaterThan(balanceBefore);
    await page.screenshot({ path: path.join(SCREENSHOTS, "faucet-confirmed.png"), fullPage: true });

    await page.reload({ waitUntil: "domcontentloaded" });
    expect(await page.getByTestId("faucet-claims").innerText()).toBe("1");
    expect(await page.getByTestId("faucet-unique").innerText()).toBe("1");
    await page.screenshot({ path: path.join(SCREENSHOTS, "faucet-stats.png"), fullPage: true });
  }, 300_000);

  it("shows the latest blocks on the home page, read from the node while nothing is indexed", async () => {
    const page = await openPage();
    await page.goto(appUrl, { waitUntil: "domcontentloaded" });
    expect(await page.getByTestId("home-note").first().innerText()).toContain(
      "showing the node's latest blocks",
    );
    const blockLinks = page.getByTestId("home-blocks").getByRole("link", { name: /^#\d+$/ });
    expect(await blockLinks.count()).toBe(10);
    expect(await page.getByTestId("home-finality").innerText()).toBe("1 block");
    expect(await page.getByTestId("home-block-time").innerText()).toMatch(/^\d+(\.\d+)? s$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, "home-explorer.png"), fullPage: true });
  }, 300_000);

  it("shows the node healthy on the network page", async () => {
    const page = await openPage();
    await page.goto(`${appUrl}/network`, { waitUntil: "domcontentloaded" });
    expect(await page.getByTestId("node-status-primary").innerText()).toBe("healthy");
    expect(await page.getByTestId("net-healthy").innerText()).toBe("1 / 1");
    await page.screenshot({ path: path.join(SCREENSHOTS, "network.png"), fullPage: true });
  }, 300_000);
});
