// Server-side access to the node over JSON-RPC: the configured chain and a viem public client.
import { createPublicClient, http, type Chain, type PublicClient } from "viem";
import { getConfig } from "@/lib/config";
import { tensorchainChain } from "./chain";

/** The configured network (CHAIN_ID, CHAIN_NAME, CHAIN_RPC_URL), shared with wagmi. */
export function getTensorchainDevnet(): Chain {
  const { chain, app } = getConfig();
  return tensorchainChain({ id: chain.id, name: chain.name, rpcUrl: chain.rpcUrl, wsUrl: chain.wsUrl, explorerUrl: app.url });
}

const globalForRpc = globalThis as typeof globalThis & { __tensorchainPublicClient?: PublicClient };

export function getPublicClient(): PublicClient {
  if (globalForRpc.__tensorchainPublicClient === undefined) {
    const { chain } = getConfig();
    globalForRpc.__tensorchainPublicClient = createPublicClient({
      chain: getTensorchainDevnet(),
      // No retries: pages show "node unreachable" promptly instead of stalling a request.
      transport: http(chain.rpcUrl, { timeout: chain.rpcTimeoutMs, retryCount: 0 }),
    });
  }
  return globalForRpc.__tensorchainPublicClient;
}

export interface ChainHead {
  height: bigint;
  hash: `0x${string}`;
  /** Block time, epoch seconds. */
  timestamp: bigint;
}

export type ChainHeadResult = { ok: true; head: ChainHead; rpcUrl: string } | { ok: false; error: string; rpcUrl: string };

/** The latest block, or why it could not be read: callers render either. */
export async function getChainHead(client: PublicClient = getPublicClient()): Promise<ChainHeadResult> {
  const rpcUrl = getConfig().chain.rpcUrl;
  try {
    const block = await client.getBlock({ blockTag: "latest" });
    if (block.number === null || block.hash === null) return { ok: false, error: "the node returned a pending block as latest", rpcUrl };
    return { ok: true, head: { height: block.number, hash: block.hash, timestamp: block.timestamp }, rpcUrl };
  } catch (err) {
    const e = err as { shortMessage?: string; message?: string };
    return { ok: false, error: e.shortMessage ?? e.message ?? String(err), rpcUrl };
  }
}
