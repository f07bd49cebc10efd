// The explorer home page's data: latest blocks and transactions, block time, tx/s, validators
// and subnets. Read from the indexed database (lib/api/explorer.ts); while the indexer has
// nothing yet (fresh install) or the database is unreachable, the latest blocks and their
// transactions come straight from the node, shaped like the API's JSON so the same tables
// render them.
import type { PrismaClient } from "@prisma/client";
import type { PublicClient } from "viem";
import { blockJson, getStats, listBlocks, listTxs, txJson } from "@/lib/api/explorer";

export type BlockSummary = ReturnType<typeof blockJson>;
export type TxSummary = ReturnType<typeof txJson>;

export interface HomeOverview {
  /** "index": the app database; "node": read over RPC (nothing indexed yet); "none": neither answered. */
  source: "index" | "node" | "none";
  blocks: BlockSummary[];
  txs: TxSummary[];
  /** Mean over the blocks shown by the stats (the latest 100 indexed, or the fetched ones). */
  blockTimeMs: number | null;
  txPerSec: number | null;
  /** Blocks the averages were taken over. */
  windowBlocks: number;
  validators: number | null;
  subnets: number | null;
  /** Why a source failed, for a muted note on the page. */
  notes: string[];
}

export const HOME_ROWS = 10;

const msg = (err: unknown) => {
  const e = err as { shortMessage?: string; message?: string };
  return (e.shortMessage ?? e.message ?? String(err)).split("\n")[0]!;
};

/** Mean block time and throughput over blocks ordered newest first (the oldest block's txs predate the span). */
export function throughput(blocks: readonly { timestamp: string; txCount: number }[]): {
  blockTimeMs: number | null;
  txPerSec: number | null;
} {
  if (blocks.length < 2) return { blockTimeMs: null, txPerSec: null };
  const spanMs = Date.parse(blocks[0]!.timestamp) - Date.parse(blocks[blocks.length - 1]!.timestamp);
  const txs = blocks.slice(0, -1).reduce((s, b) => s + b.txCount, 0);
  return { blockTimeMs: spanMs / (blocks.length - 1), txPerSec: spanMs > 0 ? (txs * 1000) / spanMs : null };
}

async function fromIndex(db: PrismaClient): Promise<HomeOverview | null> {
  const [blocks, txs, stats, validators, subnets] = await Promise.all([
    listBlocks(db, { limit: HOME_ROWS }),
    listTxs(db, { limit: HOME_ROWS }),
    getStats(db),
    db.validator.count({ where: { status: "active" } }),
    db.subnet.count(),
  ]);
  if (blocks.items.length === 0) return null;
  return {
    source: "index",
    blocks: blocks.items,
    txs: txs.items,
    blockTimeMs: stats.blockTimeMs,
    txPerSec: stats.txPerSec,
    windowBlocks: stats.windowBlocks,
    validators,
    subnets,
    notes: [],
  };
}

async function fromNode(client: PublicClient): Promise<Omit<HomeOverview, "validators" | "notes">> {
  const head = await client.getBlockNumber();
  const numbers: bigint[] = [];
  for (let n = head; n >= 0n && numbers.length < HOME_ROWS; n--) numbers.push(n);
  const blocks = await Promise.all(
    numbers.map((n) => client.getBlock({ blockNumber: n, includeTransactions: true })),
  );
  const rows: BlockSummary[] = blocks.map((b) => ({
    number: Number(b.number),
    hash: b.hash!.toLowerCase(),
    parentHash: b.parentHash.toLowerCase(),
    timestamp: new Date(Number(b.timestamp) * 1000).toISOString(),
    miner: b.miner.toLowerCase(),
    gasUsed: Number(b.gasUsed),
    gasLimit: Number(b.gasLimit),
    baseFeePerGas: b.baseFeePerGas?.toString() ?? null,
    burntFees:
      b.baseFeePerGas === null || b.baseFeePerGas === undefined
        ? null
        : (b.gasUsed * b.baseFeePerGas).toString(),
    stateRoot: b.stateRoot.toLowerCase(),
    size: Number(b.size),
    txCount: b.transactions.length,
    extraData: b.extraData,
  }));
  // Newest transactions first: later blocks first, and within a block the last index first.
  const latest = blocks
    .flatMap((b) => [...b.transactions].reverse().map((t) => ({ t, b })))
    .slice(0, HOME_ROWS);
  const receipts = await Promise.all(latest.map(({ t }) => client.getTransactionReceipt({ hash: t.hash })));
  const txs: TxSummary[] = latest.map(({ t, b }, i) => {
    const r = receipts[i]!;
    return {
      hash: t.hash.toLowerCase(),
      blockNumber: Number(b.number),
      blockHash: b.hash!.toLowerCase(),
      transactionIndex: t.transactionIndex!,
      timestamp: new Date(Number(b.timestamp) * 1000).toISOString(),
      from: t.from.toLowerCase(),
      to: t.to?.toLowerCase() ?? null,
      value: t.value.toString(),
      nonce: t.nonce,
      type: Number(t.typeHex ?? "0x0"),
      gas: Number(t.gas),
      gasPrice: t.gasPrice?.toString() ?? null,
      maxFeePerGas: t.maxFeePerGas?.toString() ?? null,
      maxPriorityFeePerGas: t.maxPriorityFeePerGas?.toString() ?? null,
      input: t.input,
      methodId: t.input.length >= 10 ? t.input.slice(0, 10) : null,
      status: r.status,
      gasUsed: Number(r.gasUsed),
      cumulativeGasUsed: Number(r.cumulativeGasUsed),
      effectiveGasPrice: r.effectiveGasPrice.toString(),
      fee: (r.gasUsed * r.effectiveGasPrice).toString(),
      contractAddress: r.contractAddress?.toLowerCase() ?? null,
    };
  });
  // The node knows its subnets (tensorchain_getSubnets); validators need the indexer.
  const subnets = await client
    .request<{ Method: "tensorchain_getSubnets"; Parameters: []; ReturnType: unknown[] }>({
      method: "tensorchain_getSubnets",
      params: [],
    })
    .then((r) => (Array.isArray(r) ? r.length : null))
    .catch(() => null);
  return { source: "node", blocks: rows, txs, ...throughput(rows), windowBlocks: rows.length, subnets };
}

export async function loadHomeOverview(db: PrismaClient, client: PublicClient): Promise<HomeOverview> {
  const notes: string[] = [];
  try {
    const indexed = await fromIndex(db);
    if (indexed !== null) return indexed;
    notes.push("The indexer has not stored any block yet: showing the node's latest blocks.");
  } catch (err) {
    notes.push(`Database unavailable (${msg(err)}): showing the node's latest blocks.`);
  }
  try {
    return { ...(await fromNode(client)), validators: null, notes };
  } catch (err) {
    notes.push(`Node unavailable: ${msg(err)}`);
    return {
      source: "none",
      blocks: [],
      txs: [],
      blockTimeMs: null,
      txPerSec: null,
      windowBlocks: 0,
      validators: null,
      subnets: null,
      notes,
    };
  }
}
