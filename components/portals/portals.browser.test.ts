// The portals in Chromium against a real dev node: an EIP-6963 test wallet (signing with a
// dev key in this process) connects, starts on the wrong network and is switched in one
// click (wallet_addEthereumChain, since it does not know the chain), the connection survives
// a reload (cookie SSR), SIWE sign-in is rejected once then completes and signs out, and each
// portal renders. Screenshots land in screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { numberToHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevNode, type DevNode } from "@/chain/test/helpers/devnode";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { hasChromium, launchChromium, SCREENSHOTS, startNextDev, type NextDev } from "@/lib/test/browser";
import { installTestWallet, TEST_WALLET_NAME, type TestWallet } from "@/lib/test/test-wallet";

const WRONG_CHAIN = 1;

/** Waits until React has hydrated the header's wallet control (a click before that is lost). */
async function hydrated(page: Page): Promise<void> {
  await page.locator(".wallet[data-hydrated]").waitFor();
}

describe.skipIf(!hasChromium)("wallet-connected portals in Chromium", () => {
  let node: DevNode;
  let db: EmbeddedDatabase;
  let app: NextDev;
  let browser: Browser;
  let page: Page;
  let wallet: TestWallet;
  let dataDir: string;

  beforeAll(async () => {
    [node, db] = await Promise.all([
      startDevNode({ blockTimeMs: 500 }),
      startEmbeddedDatabase({ dataDir: null, port: 0 }),
    ]);
    dataDir = mkdtempSync(path.join(os.tmpdir(), "tc-portals-"));
    app = await startNextDev({
      name: "portals-test",
      readyPath: "/miner",
      env: { CHAIN_RPC_URL: node.rpcUrl, DATABASE_URL: db.url, DATA_DIR: dataDir },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Every first visit of a page compiles it in next dev: slow on a loaded machine.
    page.setDefaultTimeout(180_000);
    page.setDefaultNavigationTimeout(300_000);
    wallet = await installTestWallet(page, {
      privateKey: node.accounts[0]!.privateKey,
      rpcUrl: node.rpcUrl,
      startChainId: WRONG_CHAIN,
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await Promise.all([node?.stop(), db?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("connects over EIP-6963, fixes the wrong network in one click, and stays connected after a reload", async () => {
    await page.goto(`${app.url}/miner`, { waitUntil: "domcontentloaded" });
    await page.getByTestId("connect-first").waitFor();
    await hydrated(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-miner-disconnected.png"), fullPage: true });

    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("menuitem", { name: TEST_WALLET_NAME }).click();
    const wrong = page.getByTestId("wrong-network");
    await wrong.waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-wrong-network.png"), fullPage: true });

    await wrong.getByRole("button", { name: /^Switch to / }).click();
    await wrong.waitFor({ state: "detached" });
    expect(wallet.chainId()).toBe(node.chainId);
    // The wallet did not know the chain: the dApp added it with its RPC URL, then it was switched to.
    expect(wallet.addedChains).toHaveLength(1);
    expect(wallet.addedChains[0]).toMatchObject({
      chainId: numberToHex(node.chainId),
      rpcUrls: [node.rpcUrl],
    });
    expect(await page.getByTestId("wallet-account").innerText()).toContain(wallet.address.slice(0, 6));

    await page.reload({ waitUntil: "domcontentloaded" });
    await hydrated(page);
    await page.getByTestId("wallet-account").waitFor();
    expect(await page.getByTestId("connect-first").count()).toBe(0);
  });

  it("Sign-In with Ethereum: a rejected signature says so and leaves you signed out; then signs in and out", async () => {
    const session = async () =>
      ((await (await page.request.get(`${app.url}/api/auth/session`)).json()) as { address: string | null })
        .address;
    await page.getByTestId("wallet-account").click();
    wallet.rejectNext("personal_sign");
    await page.getByRole("menuitem", { name: "Sign in with Ethereum" }).click();
    expect(await page.getByTestId("siwe-error").innerText()).toBe("You rejected the request in your wallet.");
    expect(await session()).toBeNull();

    await page.getByRole("menuitem", { name: "Sign in with Ethereum" }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).waitFor();
    expect(await session()).toBe(wallet.address);
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-signed-in.png"), fullPage: true });

    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.getByRole("menuitem", { name: "Sign in with Ethereum" }).waitFor();
    expect(await session()).toBeNull();
  });

  it("renders every portal for the connected wallet", async () => {
    for (const portal of ["miner", "validator", "subnet", "staking"]) {
      await page.goto(`${app.url}/${portal}`, { waitUntil: "domcontentloaded" });
      await hydrated(page);
      await page.getByTestId("wallet-account").waitFor();
      expect(await page.getByTestId("connect-first").count()).toBe(0);
      expect(await page.locator("h1").innerText()).toMatch(/portal|Staking/);
      await page.screenshot({ path: path.join(SCREENSHOTS, `portal-${portal}.png`), fullPage: true });
    }
  });

  it("staking: a simulated revert shows its decoded custom error before the wallet is asked; a stake goes pending → confirmed with its /tx link", async () => {
    const hotkey = node.accounts[5]!.address;
    await page.goto(`${app.url}/staking`, { waitUntil: "domcontentloaded" });
    await hydrated(page);
    await page.getByLabel("Validator hotkey").fill(hotkey);
    await page.getByLabel("Amount (TEN)").fill("1");
    const sends = () => wallet.calls.filter((c) => c === "eth_sendTransaction").length;
    const before = sends();
    await page.getByRole("button", { name: "Unstake" }).click();
    expect(await page.getByTestId("tx-error").innerText()).toBe(
      "Reverted: InsufficientStake(0, 1000000000000000000)",
    );
    expect(sends()).toBe(before);
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-revert.png"), fullPage: true });

    await page.getByRole("button", { name: "Stake", exact: true }).click();
    const status = page.getByTestId("tx-status");
    await page
      .locator(
        '[data-testid="tx-status"][data-status="confirmed"], [data-testid="tx-status"][data-status="failed"]',
      )
      .waitFor();
    expect(await status.getAttribute("data-status")).toBe("confirmed");
    expect(sends()).toBe(before + 1);
    const href = await page.getByTestId("tx-link").getAttribute("href");
    expect(href).toMatch(/^\/tx\/0x[0-9a-f]{64}$/);
    const receipt = await fetch(node.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "eth_getTransactionReceipt",
        params: [href!.slice(4)],
      }),
    }).then((r) => r.json() as Promise<{ result: { status: string } }>);
    expect(receipt.result.status).toBe("0x1");
    // The delegation shows without waiting for the next poll.
    await page.getByRole("cell", { name: "1 TEN" }).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-staking-confirmed.png"), fullPage: true });
  });

  it.todo(
    "miner: register a hotkey at the live burn, publish an uploaded ONNX model, serve an axon (needs the precompiles on the devnet)",
  );
  it.todo(
    "validator: register with a consensus key, set take, add and remove a worker key (needs a validator permit)",
  );
  it.todo(
    "subnet: create a subnet at the shown lock cost with an uploaded data set; hyperparameters out of bounds are refused",
  );
  it.todo("staking: unstake shows the unbonding entry with its release block; claim after release");
});
