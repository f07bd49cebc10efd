// Settings of the wallet layer, derived from the app's configuration (lib/config.ts: CHAIN_*,
// APP_URL, PUBLIC_CHAIN_RPC_URL, PUBLIC_EXPLORER_URL, NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID,
// NEXT_PUBLIC_WALLETCONNECT_RELAY_URL).
// The client gets only the `WalletSettings` object the root layout hands it, never the
// environment.
import { getConfig, type AppConfig } from "@/lib/config";
import type { ChainParams } from "@/lib/chain/chain";

/** What the browser needs to build the wagmi config: plain JSON, safe to serialise into the page. */
export interface WalletSettings {
  chain: ChainParams;
  /** WalletConnect Cloud project id; WalletConnect is offered only when set. */
  walletConnectProjectId: string | null;
  /** WalletConnect relay (ws/wss URL); WalletConnect's own relay when null. */
  walletConnectRelayUrl: string | null;
}

export function walletSettingsFrom(cfg: Pick<AppConfig, "chain" | "app" | "wallet">): WalletSettings {
  return {
    chain: {
      id: cfg.chain.id,
      name: cfg.chain.name,
      rpcUrl: cfg.wallet.publicRpcUrl ?? cfg.chain.rpcUrl,
      explorerUrl: (cfg.wallet.explorerUrl ?? cfg.app.url).replace(/\/+$/, ""),
    },
    walletConnectProjectId: cfg.wallet.walletConnectProjectId ?? null,
    walletConnectRelayUrl: cfg.wallet.walletConnectRelayUrl ?? null,
  };
}

export function getWalletSettings(): WalletSettings {
  return walletSettingsFrom(getConfig());
}
