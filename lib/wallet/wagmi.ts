// The wagmi configuration, built the same way on the server (to read the SSR cookie) and in
// the browser. One chain (the configured Tensorchain network); injected wallets come from
// EIP-6963 discovery (wagmi's multiInjectedProviderDiscovery) plus the legacy window.ethereum
// fallback; WalletConnect only when a project id is configured; state persists in a cookie so
// the server renders the connected account.
import {
  cookieStorage,
  createConfig,
  createConnector,
  createStorage,
  http,
  injected,
  type Config,
  type CreateConnectorFn,
} from "wagmi";
import { walletConnect, type WalletConnectParameters } from "wagmi/connectors/walletConnect";
import { tensorchainChain } from "@/lib/chain/chain";
import type { WalletSettings } from "./config";

/** The id wagmi gives the WalletConnect connector (and stores as the recent connector). */
export const WALLETCONNECT_ID = "walletConnect";

/**
 * wagmi's WalletConnect connector, but lazy: as written, wagmi loads its provider
 * (@walletconnect/ethereum-provider, a large bundle) and opens a relay socket in setup() and
 * reconnect() on every page, and on the server too. Here the provider is loaded only once the
 * user picks WalletConnect, or in the browser to restore a session when WalletConnect was the
 * last wallet used; until then the connector answers "no provider" and reconnect skips it.
 */
export function lazyWalletConnect(parameters: WalletConnectParameters): CreateConnectorFn {
  const eager = walletConnect(parameters);
  return createConnector((config) => {
    const inner = eager(config);
    let wanted = false;
    const isWanted = async (): Promise<boolean> => {
      if (!wanted && typeof window !== "undefined")
        wanted = (await config.storage?.getItem("recentConnectorId")) === WALLETCONNECT_ID;
      return wanted;
    };
    return {
      ...inner,
      async setup() {
        if (await isWanted()) await inner.setup?.call(this);
      },
      async connect(p) {
        wanted = true;
        return inner.connect.call(this, p as never) as never;
      },
      async getProvider(p) {
        if (!(await isWanted())) return undefined as never;
        return inner.getProvider.call(this, p);
      },
      async isAuthorized() {
        return (await isWanted()) && inner.isAuthorized.call(this);
      },
    };
  });
}

export function walletConnectors(settings: WalletSettings): CreateConnectorFn[] {
  return [
    // Legacy injected provider for wallets that do not announce themselves via EIP-6963.
    injected({ shimDisconnect: true }),
    ...(settings.walletConnectProjectId !== null
      ? [
          lazyWalletConnect({
            projectId: settings.walletConnectProjectId,
            ...(settings.walletConnectRelayUrl !== null ? { relayUrl: settings.walletConnectRelayUrl } : {}),
            // The connect menu shows the pairing URI and its QR code itself
            // (components/wallet/WalletConnectPairing.tsx): no @reown/appkit modal.
            showQrModal: false,
            metadata: {
              name: settings.chain.name,
              description: "Tensorchain portals: mine, validate, run subnets and stake.",
              url: settings.chain.explorerUrl ?? "",
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
