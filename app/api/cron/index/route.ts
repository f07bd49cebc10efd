// GET /api/cron/index — one bounded indexing step for serverless deployments (Vercel Cron
// calls GET with `Authorization: Bearer $CRON_SECRET`). The long-running loop (lib/indexer/run.ts)
// and this handler share indexNewBlocks(), so they can even run side by side.
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { handle, json, requireCronSecret } from "@/lib/api/http";
import { indexNewBlocks } from "@/lib/indexer/index-blocks";
import { createIndexerClient } from "@/lib/indexer/rpc";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";
export const maxDuration = 60;

/** Blocks per invocation: bounded so one call finishes well inside a serverless time limit. */
const MAX_BLOCKS_PER_CALL = 2_000;

export function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const { indexer, chain } = getConfig();
    requireCronSecret(request, indexer.cronSecret);
    const client = createIndexerClient(chain.rpcUrl, { timeoutMs: chain.rpcTimeoutMs * 4 });
    const r = await indexNewBlocks({
      prisma: getPrisma(),
      client,
      batchSize: indexer.batchSize,
      maxBlocks: MAX_BLOCKS_PER_CALL,
    });
    return json({
      fromBlock: r.fromBlock === null ? null : Number(r.fromBlock),
      toBlock: r.toBlock === null ? null : Number(r.toBlock),
      head: Number(r.head),
      blocks: r.blocks,
      txs: r.txs,
      logs: r.logs,
      caughtUp: r.toBlock === null || r.toBlock >= r.head,
    });
  });
}
