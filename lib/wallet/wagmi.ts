// The wagmi configuration, built the same way on the server (to read the SSR cookie) and in
// the browser. One chain (the configured Tensorchain network); injected wallets come from
// EIP-6963 discovery (wagmi's multiInjectedProviderDiscovery) plus the legacy window.ethereum
// fallback; WalletConnect only when a project id is configured; state persists in a cookie so
// the server renders the connected account.
import {
  cookieStorage,
  createConfig,
  createStorage,
  http,
  injected,
  type Config,
  type CreateConnectorFn,
} from "wagmi";
import { walletConnect } from "wagmi/connectors/walletConnect";
import { tensorchainChain } from "@/lib/chain/chain";
import type { WalletSettings } from "./config";

export function walletConnectors(settings: WalletSettings): CreateConnectorFn[] {
  return [
    // Legacy injected provider for wallets that do not announce themselves via EIP-6963.
    injected({ shimDisconnect: true }),
    // Its provider (@walletconnect/ethereum-provider) is loaded only when the user picks it.
    ...(settings.walletConnectProjectId !== null
      ? [
          walletConnect({
            projectId: settings.walletConnectProjectId,
            showQrModal: true,
            metadata: {
              name: settings.chain.name,
              description: "Tensorchain portals: mine, validate, run subnets and stake.",
              url: settings.chain.explorerUrl,
              icons: [],
            },
          }),
        ]
      : []),
  ];
}

export function createWagmiConfig(settings: WalletSettings): Config {
  const chain = tensorchainChain(settings.chain);
  return createConfig({
    chains: [chain],
    connectors: walletConnectors(settings),
    multiInjectedProviderDiscovery: true,
    ssr: true,
    storage: createStorage({ storage: cookieStorage, key: "tc.wagmi" }),
    transports: { [chain.id]: http(settings.chain.rpcUrl) },
  });
}
