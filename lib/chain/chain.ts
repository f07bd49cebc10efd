// The viem/wagmi chain object for a Tensorchain network. Pure (no config or Node imports) so
// client components can build it from the values the server hands them.
import { defineChain, type Chain } from "viem";

export interface ChainParams {
  id: number;
  name: string;
  rpcUrl: string;
  wsUrl?: string | undefined;
  explorerUrl?: string | undefined;
}

export function tensorchainChain(p: ChainParams): Chain {
  return defineChain({
    id: p.id,
    name: p.name,
    nativeCurrency: { name: "Tensor", symbol: "TEN", decimals: 18 },
    rpcUrls: { default: { http: [p.rpcUrl], ...(p.wsUrl ? { webSocket: [p.wsUrl] } : {}) } },
    ...(p.explorerUrl ? { blockExplorers: { default: { name: "Tensorchain Explorer", url: p.explorerUrl } } } : {}),
    testnet: true,
  });
}
