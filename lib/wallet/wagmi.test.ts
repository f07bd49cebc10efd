// The wagmi config offers WalletConnect exactly when a project id is configured
// (NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID through lib/config.ts), next to the injected wallets,
// with the configured relay (NEXT_PUBLIC_WALLETCONNECT_RELAY_URL); its provider is not loaded
// until WalletConnect is chosen (never on the server). The pairing itself runs in Chromium:
// components/wallet/walletconnect.browser.test.ts.
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config";
import { walletSettingsFrom } from "./config";
import { createWagmiConfig, WALLETCONNECT_ID } from "./wagmi";

const PROJECT_ID = "0123456789abcdef0123456789abcdef";

const connectorIds = (env: Record<string, string>) =>
  createWagmiConfig(walletSettingsFrom(parseConfig(env))).connectors.map((c) => c.id);

describe("wallet connectors", () => {
  it("has no WalletConnect connector without a project id (unset or blank)", () => {
    for (const env of [{}, { NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID: "" }] as Record<string, string>[]) {
      const ids = connectorIds(env);
      expect(ids).toContain("injected");
      expect(ids).not.toContain("walletConnect");
    }
  });

  it("adds the WalletConnect connector when the project id is set", () => {
    const ids = connectorIds({ NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID: PROJECT_ID });
    expect(ids).toContain("injected");
    expect(ids.filter((id) => id === "walletConnect")).toHaveLength(1);
    expect(
      walletSettingsFrom(parseConfig({ NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID: PROJECT_ID })),
    ).toMatchObject({ walletConnectProjectId: PROJECT_ID });
  });

  it("takes a self-hosted relay URL (ws or wss) and refuses anything else, naming the variable", () => {
    const settings = (env: Record<string, string>) =>
      walletSettingsFrom(parseConfig({ NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID: PROJECT_ID, ...env }));
    expect(settings({}).walletConnectRelayUrl).toBeNull();
    expect(
      settings({ NEXT_PUBLIC_WALLETCONNECT_RELAY_URL: "wss://relay.example.org" }).walletConnectRelayUrl,
    ).toBe("wss://relay.example.org");
    expect(() => parseConfig({ NEXT_PUBLIC_WALLETCONNECT_RELAY_URL: "https://relay.example.org" })).toThrow(
      /NEXT_PUBLIC_WALLETCONNECT_RELAY_URL/,
    );
  });

  it("loads no WalletConnect provider before WalletConnect is chosen: on the server there is none", async () => {
    const config = createWagmiConfig(
      walletSettingsFrom(parseConfig({ NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID: PROJECT_ID })),
    );
    const wc = config.connectors.find((c) => c.id === WALLETCONNECT_ID)!;
    expect(await wc.getProvider()).toBeUndefined();
    expect(await wc.isAuthorized()).toBe(false);
  });

  it("refuses a malformed project id, naming the variable", () => {
    expect(() => parseConfig({ NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID: "not-an-id" })).toThrow(ConfigError);
    expect(() => parseConfig({ NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID: "not-an-id" })).toThrow(
      /NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID/,
    );
  });

  it("gives wallets the public RPC and explorer URLs when configured, the server's otherwise", () => {
    const base = walletSettingsFrom(
      parseConfig({ CHAIN_RPC_URL: "http://10.0.0.5:8545", APP_URL: "https://x.org/" }),
    );
    expect(base.chain).toMatchObject({ rpcUrl: "http://10.0.0.5:8545", explorerUrl: "https://x.org" });
    const pub = walletSettingsFrom(
      parseConfig({
        CHAIN_RPC_URL: "http://10.0.0.5:8545",
        PUBLIC_CHAIN_RPC_URL: "https://rpc.example.org",
        PUBLIC_EXPLORER_URL: "https://scan.example.org/",
      }),
    );
    expect(pub.chain).toMatchObject({
      rpcUrl: "https://rpc.example.org",
      explorerUrl: "https://scan.example.org",
    });
  });
});
