// Indexer backfill throughput: a dev node is filled with signed transfers at the node's own
// maximum rate (measured here: submit → every receipt), then indexNewBlocks() backfills it from
// genesis into the embedded PGlite server. The node's tx/s is the peer: a ratio ≥ 1 means the
// indexer keeps up with the node at full load.
import type { BenchContext, BenchFigure } from "../../scripts/bench-types";
import { RpcClient, runWorkload, signWorkload } from "../../chain/bench/rpc-throughput.bench";
import { startDevNode } from "../../chain/test/helpers/devnode";
import { indexNewBlocks } from "@/lib/indexer/index-blocks";
import { createIndexerClient } from "@/lib/indexer/rpc";
import { startTestPglite } from "@/lib/indexer/test-db";

export default async function indexerBench(ctx: BenchContext): Promise<BenchFigure[]> {
  const perSender = ctx.quick ? 250 : 1_250;
  const senders = 8;
  const node = await startDevNode({ blockTimeMs: 250 });
  const db = await startTestPglite(4);
  const rpc = new RpcClient(node.rpcUrl, senders);
  try {
    const work = await signWorkload(rpc, node.accounts.slice(0, senders), perSender, node.chainId);
    const load = await runWorkload(rpc, work);
    const nodeTps = load.count / load.seconds;
    ctx.log(
      `node: ${load.count} transfers mined in ${load.seconds.toFixed(1)} s (${nodeTps.toFixed(0)} tx/s)`,
    );

    const client = createIndexerClient(node.rpcUrl);
    const head = BigInt(await rpc.call<string>("eth_blockNumber"));
    const t0 = performance.now();
    let last = 0;
    const r = await indexNewBlocks({
      prisma: db.prisma,
      client,
      batchSize: 50,
      toBlock: head,
      onProgress: (p) => {
        if (p.elapsedMs - last > 2_000) {
          last = p.elapsedMs;
          ctx.log(
            `indexed ${p.indexed}/${p.head}: ${p.blocksPerSec.toFixed(0)} blocks/s ${p.txPerSec.toFixed(0)} tx/s`,
          );
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const indexTps = r.txs / seconds;
    const notes = `${r.blocks} blocks, ${r.txs} txs (${load.count} transfers from ${senders} senders), batch 50, embedded PGlite`;
    return [
      {
        name: "indexer.backfill_tx_per_s",
        value: indexTps,
        unit: "tx/s",
        better: "higher",
        peer: { name: "dev node max tx/s (same run)", value: nodeTps },
        target: nodeTps,
        notes,
      },
      {
        name: "indexer.backfill_blocks_per_s",
        value: r.blocks / seconds,
        unit: "blocks/s",
        better: "higher",
        notes,
      },
    ];
  } finally {
    rpc.close();
    await db.stop();
    await node.stop();
  }
}
