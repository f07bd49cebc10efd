// The launcher's handle on the indexer (scripts/app-server.ts): runs runIndexer() in the
// background against the configured node and database until stop().
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { createIndexerClient } from "./rpc";
import { runIndexer } from "./run";

export interface IndexerLoop {
  /** Settles when the loop ends: after stop(), or with the error that stopped it (parent-hash mismatch). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startIndexerLoop(): Promise<IndexerLoop> {
  const { chain, indexer } = getConfig();
  const ctl = new AbortController();
  const done = runIndexer({
    prisma: getPrisma(),
    // Full blocks at load are large: allow several RPC timeouts per batch.
    client: createIndexerClient(chain.rpcUrl, { timeoutMs: chain.rpcTimeoutMs * 6 }),
    batchSize: indexer.batchSize,
    pollIntervalMs: indexer.pollIntervalMs,
    wsUrl: chain.wsUrl,
    signal: ctl.signal,
  });
  done.catch((err: unknown) => console.error(`[indexer] stopped: ${(err as Error).message}`));
  return {
    done,
    async stop() {
      ctl.abort();
      await done.catch(() => undefined);
    },
  };
}
