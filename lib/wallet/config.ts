// Settings of the wallet layer that lib/config.ts does not declare (yet): the RPC URL and
// explorer URL a *browser* wallet is given (the server's CHAIN_RPC_URL is often a private
// address) and the WalletConnect project id. Validated with zod on first use; the client gets
// only the `WalletSettings` object the root layout hands it, never the environment.
import { z } from "zod";
import { getConfig } from "@/lib/config";
import type { ChainParams } from "@/lib/chain/chain";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s):// URL" });

const envSchema = z.object({
  /** RPC URL wallets and the browser use; CHAIN_RPC_URL when unset. */
  PUBLIC_CHAIN_RPC_URL: z.preprocess(blankToUndefined, httpUrl.optional()),
  /** Explorer base URL registered with wallets (wallet_addEthereumChain); APP_URL when unset. */
  PUBLIC_EXPLORER_URL: z.preprocess(blankToUndefined, httpUrl.optional()),
  /** WalletConnect Cloud project id (32 hex digits); WalletConnect is offered only when set. */
  WALLETCONNECT_PROJECT_ID: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[0-9a-f]{32}$/, "expected a 32-hex-digit WalletConnect project id")
      .optional(),
  ),
});

export class WalletConfigError extends Error {
  override name = "WalletConfigError";
}

/** What the browser needs to build the wagmi config: plain JSON, safe to serialise into the page. */
export interface WalletSettings {
  chain: ChainParams;
  walletConnectProjectId: string | null;
}

export function parseWalletSettings(env: Record<string, string | undefined>): WalletSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new WalletConfigError(
      `invalid wallet configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const cfg = getConfig();
  const e = parsed.data;
  return {
    chain: {
      id: cfg.chain.id,
      name: cfg.chain.name,
      rpcUrl: e.PUBLIC_CHAIN_RPC_URL ?? cfg.chain.rpcUrl,
      explorerUrl: (e.PUBLIC_EXPLORER_URL ?? cfg.app.url).replace(/\/+$/, ""),
    },
    walletConnectProjectId: e.WALLETCONNECT_PROJECT_ID ?? null,
  };
}

let cached: WalletSettings | undefined;

export function getWalletSettings(): WalletSettings {
  cached ??= parseWalletSettings(process.env);
  return cached;
}
