"use client";
// Client side of the wallet layer: one wagmi config and one QueryClient per browser tab,
// hydrated from the cookie state the server read (no connect flicker after a reload).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createContext, useContext, useState, type ReactNode } from "react";
import { WagmiProvider, type State } from "wagmi";
import type { WalletSettings } from "@/lib/wallet/config";
import { createWagmiConfig } from "@/lib/wallet/wagmi";

const SettingsContext = createContext<WalletSettings | null>(null);

/** The chain and wallet settings the server handed the page. */
export function useWalletSettings(): WalletSettings {
  const s = useContext(SettingsContext);
  if (s === null) throw new Error("useWalletSettings must be used inside <WalletProviders>");
  return s;
}

export function WalletProviders({
  settings,
  initialState,
  children,
}: {
  settings: WalletSettings;
  initialState: State | undefined;
  children: ReactNode;
}) {
  const [config] = useState(() => createWagmiConfig(settings));
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 4_000, refetchOnWindowFocus: false, retry: 1 } },
      }),
  );
  return (
    <SettingsContext.Provider value={settings}>
      <WagmiProvider config={config} initialState={initialState}>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </WagmiProvider>
    </SettingsContext.Provider>
  );
}
