// Server side of the wallet layer: reads the wagmi cookie so the first render already knows
// the connected account and chain (SSR with cookie storage), then hands plain settings to the
// client providers.
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { cookieToInitialState } from "wagmi";
import { WalletProviders } from "@/components/wallet/WalletProviders";
import { getWalletSettings } from "@/lib/wallet/config";
import { createWagmiConfig } from "@/lib/wallet/wagmi";

export async function Providers({ children }: { children: ReactNode }) {
  const settings = getWalletSettings();
  const initialState = cookieToInitialState(createWagmiConfig(settings), (await headers()).get("cookie"));
  return (
    <WalletProviders settings={settings} initialState={initialState}>
      {children}
    </WalletProviders>
  );
}
