// The home page in a real browser: a dev node, the embedded database, the app (`next start`) on a free
// port and headless Chromium (Debian's package, driven by playwright-core). The page must show
// the node's current height, the health route must report both dependencies up, and when the
// node goes away the page must say so. Screenshots land in screenshots/ for review.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCREENSHOTS, hasChromium, startBrowserApp, type BrowserApp } from "../lib/test/browser";
import { startDevNode, type DevNode } from "../chain/test/helpers/devnode";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "../lib/db/embedded";

async function blockNumber(rpcUrl: string): Promise<number> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
  });
  return Number(((await res.json()) as { result: string }).result);
}

describe.skipIf(!hasChromium)("home page in Chromium", () => {
  let node: DevNode;
  let db: EmbeddedDatabase;
  let harness: BrowserApp | undefined;
  let appUrl: string;

  beforeAll(async () => {
    [node, db] = await Promise.all([
      startDevNode({ blockTimeMs: 500 }),
      startEmbeddedDatabase({ dataDir: null, port: 0 }),
    ]);
    harness = await startBrowserApp({
      readyPath: "/",
      env: { CHAIN_RPC_URL: node.rpcUrl, DATABASE_URL: db.url },
    });
    appUrl = harness.app.url;
  }, 1_500_000);

  afterAll(async () => {
    await harness?.stop();
    await Promise.all([node?.stop(), db?.stop()]);
  });

  it("shows the node's current height and hash, and the health route reports both dependencies up", async () => {
    const page = await harness!.newPage({ viewport: { width: 1280, height: 800 } });
    const before = await blockNumber(node.rpcUrl);
    await page.goto(appUrl, { waitUntil: "domcontentloaded" });
    const shown = Number((await page.getByTestId("chain-height").innerText()).replace(/,/g, ""));
    const after = await blockNumber(node.rpcUrl);
    expect(shown).toBeGreaterThanOrEqual(before);
    expect(shown).toBeLessThanOrEqual(after);
    expect(await page.getByTestId("chain-hash").innerText()).toMatch(/^0x[0-9a-f]{64}$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, "home-light.png"), fullPage: true });

    // The theme toggle flips the theme and the choice survives a reload. Its label shows the
    // current theme once React has hydrated it (before that a click would do nothing).
    await page.waitForFunction(() => document.querySelector(".theme-toggle")?.textContent !== "◐");
    const initial = await page.evaluate(() =>
      window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light",
    );
    await page.getByRole("button", { name: /switch to (dark|light) theme/i }).click();
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    expect(theme).toBe(initial === "dark" ? "light" : "dark");
    await page.reload({ waitUntil: "domcontentloaded" });
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
    await page.screenshot({ path: path.join(SCREENSHOTS, `home-${theme}.png`), fullPage: true });

    const mobile = await harness!.newPage({ viewport: { width: 390, height: 844 } });
    await mobile.goto(appUrl, { waitUntil: "domcontentloaded" });
    await expect(
      mobile.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Faucet" }).count(),
    ).resolves.toBe(1);
    await mobile.screenshot({ path: path.join(SCREENSHOTS, "home-mobile.png"), fullPage: true });

    const health = await fetch(`${appUrl}/api/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { ok: boolean; chain: { height: number }; db: string };
    expect(body.ok).toBe(true);
    expect(body.db).toBe("ok");
    expect(body.chain.height).toBeGreaterThanOrEqual(shown);
  }, 900_000);

  it("says the node is unreachable, naming its URL, when the node is down", async () => {
    await node.kill9();
    const page = await harness!.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(appUrl, { waitUntil: "domcontentloaded" });
    const alert = page.getByTestId("node-unreachable");
    expect(await alert.innerText()).toContain(`Node unreachable at ${node.rpcUrl}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, "home-node-down.png"), fullPage: true });
    const health = await fetch(`${appUrl}/api/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { chain: { error?: string } }).chain.error).toContain(node.rpcUrl);
  }, 600_000);
});
