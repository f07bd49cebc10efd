// The wagmi configuration, built the same way on the server (to read the SSR cookie) and in
// the browser. One chain (the configured Tensorchain network); injected wallets come from
// EIP-6963 discovery (wagmi's multiInjectedProviderDiscovery) plus the legacy window.ethereum
// fallback; state persists in a cookie so the server renders the connected account.
import { cookieStorage, createConfig, createStorage, http, injected, type Config } from "wagmi";
import { tensorchainChain } from "@/lib/chain/chain";
import type { WalletSettings } from "./config";

export function createWagmiConfig(settings: WalletSettings): Config {
  const chain = tensorchainChain(settings.chain);
  return createConfig({
    chains: [chain],
    // Legacy injected provider for wallets that do not announce themselves via EIP-6963.
    connectors: [injected({ shimDisconnect: true })],
    multiInjectedProviderDiscovery: true,
    ssr: true,
    storage: createStorage({ storage: cookieStorage, key: "tc.wagmi" }),
    transports: { [chain.id]: http(settings.chain.rpcUrl) },
  });
}
