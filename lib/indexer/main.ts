// `tsx lib/indexer/main.ts`: the long-running indexer process (the launcher starts it next to
// the app): follows CHAIN_RPC_URL / CHAIN_WS_URL into DATABASE_URL (or the embedded database),
// applying migrations first. SIGINT/SIGTERM stop it after the batch in flight.
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { createIndexerClient } from "./rpc";
import { runIndexer } from "./run";

async function main(): Promise<void> {
  const { chain, db, indexer } = getConfig();
  await migrate(db.url);
  const ctl = new AbortController();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => ctl.abort());
  console.log(`[indexer] following ${chain.rpcUrl}${chain.wsUrl ? ` (newHeads on ${chain.wsUrl})` : ""}`);
  await runIndexer({
    prisma: getPrisma(),
    client: createIndexerClient(chain.rpcUrl, { timeoutMs: chain.rpcTimeoutMs * 6 }),
    batchSize: indexer.batchSize,
    pollIntervalMs: indexer.pollIntervalMs,
    wsUrl: chain.wsUrl,
    signal: ctl.signal,
  });
  await getPrisma().$disconnect();
}

main().catch((err: unknown) => {
  console.error(`[indexer] stopped: ${(err as Error).message}`);
  process.exit(1);
});
