// `tsx lib/indexer/main.ts`: the indexer as a process of its own (when the app runs elsewhere,
// e.g. serverless with a separate indexer box): applies migrations, then follows the head until
// SIGINT/SIGTERM. `npm start` runs the same loop inside scripts/app-server.ts instead.
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { startIndexerLoop } from "./loop";

async function main(): Promise<void> {
  const { chain, db } = getConfig();
  await migrate(db.url);
  const loop = await startIndexerLoop();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => void loop.stop());
  console.log(`[indexer] following ${chain.rpcUrl}${chain.wsUrl ? ` (newHeads on ${chain.wsUrl})` : ""}`);
  try {
    await loop.done;
  } finally {
    await getPrisma().$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(`[indexer] ${(err as Error).message}`);
  process.exit(1);
});
