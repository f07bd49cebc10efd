// WalletConnect in Chromium, without the internet: the app is configured with a project id and
// a self-hosted relay (NEXT_PUBLIC_WALLETCONNECT_RELAY_URL), here a small relay on loopback
// (lib/test/walletconnect-relay.ts). The connect menu offers WalletConnect; choosing it shows
// a pairing URI and its QR code; a wallet in this process (a real WalletConnect sign client,
// signing with a dev key) pairs with that URI and approves the session; the page is then
// connected to that account, and a stake sent from the staking portal goes to the wallet over
// the relay, is signed there and lands on the dev node. A reload restores the session without
// pairing again; Disconnect ends it in the wallet too. Screenshots land in screenshots/.
import path from "node:path";
import type { Page } from "playwright-core";
import { createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RPC_OPTS, startDevNode, type DevNode } from "@/chain/test/helpers/devnode";
import { startTestPglite, type TestDatabase } from "@/lib/indexer/test-db";
import {
  card,
  confirmed,
  hasChromium,
  hydrated,
  SCREENSHOTS,
  startBrowserApp,
  type BrowserApp,
} from "@/lib/test/browser";
import { startLocalRelay, type LocalRelay } from "@/lib/test/walletconnect-relay";
import { startWalletConnectWallet, type WalletConnectWallet } from "@/lib/test/walletconnect-wallet";

const PROJECT_ID = "0123456789abcdef0123456789abcdef";

describe.skipIf(!hasChromium)("WalletConnect over a self-hosted relay in Chromium", () => {
  let node: DevNode;
  let db: TestDatabase;
  let relay: LocalRelay;
  let harness: BrowserApp;
  let page: Page;
  let phone: WalletConnectWallet;

  beforeAll(async () => {
    [node, db, relay] = await Promise.all([
      startDevNode({ blockTimeMs: 500, startTimeoutMs: 180_000 }),
      startTestPglite(1),
      startLocalRelay(),
    ]);
    harness = await startBrowserApp({
      readyPath: "/staking",
      env: {
        CHAIN_RPC_URL: node.rpcUrl,
        DATABASE_URL: db.url,
        DATABASE_POOL_MAX: "1",
        NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID: PROJECT_ID,
        NEXT_PUBLIC_WALLETCONNECT_RELAY_URL: relay.url,
      },
    });
    page = await harness.newPage();
    phone = await startWalletConnectWallet({
      relayUrl: relay.url,
      projectId: PROJECT_ID,
      privateKey: node.accounts[3]!.privateKey,
      rpcUrl: node.rpcUrl,
      chainId: node.chainId,
    });
  }, 1_500_000);

  afterAll(async () => {
    await phone?.stop();
    await harness?.stop();
    await Promise.all([node?.stop(), db?.stop(), relay?.stop()]);
  });

  it("offers WalletConnect, shows a pairing URI and QR code, and connects when the wallet approves", async () => {
    await page.goto(`${harness.app.url}/staking`, { waitUntil: "domcontentloaded" });
    await hydrated(page);
    // Nothing of WalletConnect is loaded before it is chosen: no relay connection yet.
    expect(relay.calls).toEqual([]);
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("menuitem", { name: "WalletConnect" }).click();
    const uriField = page.getByTestId("walletconnect-uri");
    await uriField.waitFor();
    const uri = await uriField.inputValue();
    // wc:<pairing topic>@2?…&symKey=…
    expect(uri).toMatch(/^wc:[0-9a-f]{64}@2\?/);
    expect(new URL(uri).searchParams.get("symKey")).toMatch(/^[0-9a-f]{64}$/);
    await page.getByTestId("walletconnect-qr").waitFor();
    expect(await page.getByTestId("walletconnect-qr").getAttribute("src")).toMatch(/^data:image\/svg\+xml/);
    // The proposal went out over the configured relay, on the pairing topic.
    expect(relay.calls).toContain("wc_proposeSession");
    expect(relay.topics()).toContain(uri.slice(3, 67));
    await page.screenshot({
      path: path.join(SCREENSHOTS, "wallet-walletconnect-pairing.png"),
      fullPage: true,
    });

    await phone.pair(uri);
    const account = page.getByTestId("wallet-account");
    await account.waitFor();
    expect(await account.innerText()).toContain(phone.address.slice(0, 6));
    expect(phone.sessions()).toHaveLength(1);
    // The session is on the app's chain: no wrong-network warning.
    expect(await page.getByTestId("wrong-network").count()).toBe(0);
  }, 600_000);

  it("sends a stake through the WalletConnect session; the wallet signs it and it lands on the dev node", async () => {
    const stake = card(page, "Stake or unstake");
    await stake.getByLabel("Validator hotkey").fill(node.accounts[5]!.address);
    await stake.getByLabel("Amount (TEN)").fill("1");
    const hash = await confirmed(stake, stake.getByRole("button", { name: "Stake", exact: true }));
    expect(phone.requests).toContain("eth_sendTransaction");
    const chain = createPublicClient({ transport: http(node.rpcUrl, RPC_OPTS) });
    const receipt = await chain.getTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    expect(receipt.from.toLowerCase()).toBe(phone.address.toLowerCase());
    await page.screenshot({
      path: path.join(SCREENSHOTS, "wallet-walletconnect-staked.png"),
      fullPage: true,
    });
  }, 600_000);

  it("restores the session after a reload without pairing again; Disconnect ends it in the wallet too", async () => {
    const topics = phone.sessions();
    await page.reload({ waitUntil: "domcontentloaded" });
    await hydrated(page);
    const account = page.getByTestId("wallet-account");
    await account.waitFor();
    expect(await account.innerText()).toContain(phone.address.slice(0, 6));
    expect(phone.sessions()).toEqual(topics);
    expect(await page.getByTestId("walletconnect-uri").count()).toBe(0);

    await account.click();
    await page.getByRole("menuitem", { name: "Disconnect" }).click();
    await page.getByRole("button", { name: "Connect wallet" }).waitFor();
    await expect.poll(() => phone.sessions(), { timeout: 60_000 }).toEqual([]);
    // And it stays disconnected across a reload.
    await page.reload({ waitUntil: "domcontentloaded" });
    await hydrated(page);
    await page.getByRole("button", { name: "Connect wallet" }).waitFor();
    expect(await page.getByTestId("wallet-account").count()).toBe(0);
  }, 600_000);
});
