// indexNewBlocks(): the one indexing step shared by the long-running loop (run.ts) and the cron
// route (app/api/cron/index). It continues from the IndexerCursor, fetches blocks with their
// receipts in batches, and writes each batch (blocks, transactions merged with receipts, logs
// with decoded events, touched accounts, and the protocol state of protocol-state.ts: genesis,
// validators, subnets, epoch snapshots, slashing, uptime) together with the advanced cursor in ONE database
// transaction: a crash loses at most the batch in flight, and a re-run writes nothing twice
// (createMany skipDuplicates; account counters only count transactions that were new).
import { Prisma, type PrismaClient } from "@prisma/client";
import { decodeLog, isPrecompile } from "./decode";
import { applyProtocolEvents } from "./protocol";
import {
  blockSigners,
  fetchProtocolState,
  findUnloggedSlashes,
  writeProtocolState,
  type KnownValidator,
  type ProtocolState,
} from "./protocol-state";
import { fetchBlocks, fetchHead, type FetchedBlock, type IndexerRpcClient } from "./rpc";

export const BLOCKS_CURSOR = "blocks";

/** The chain and the database disagree about history: the indexer stops rather than guess. */
export class ParentHashMismatchError extends Error {
  override name = "ParentHashMismatchError";
  constructor(
    readonly blockNumber: bigint,
    readonly expectedParent: string,
    readonly actualParent: string,
  ) {
    super(
      `block ${blockNumber} has parent ${actualParent} but the indexed block ${blockNumber - 1n} is ${expectedParent}; ` +
        `the chain was reorganised or the database belongs to another chain — reset the indexer database`,
    );
  }
}

export interface IndexProgress {
  /** Last block written. */
  indexed: bigint;
  /** Chain head when this run started (or was last refreshed). */
  head: bigint;
  blocks: number;
  txs: number;
  elapsedMs: number;
  blocksPerSec: number;
  txPerSec: number;
  /** Seconds to reach `head` at the current rate; null before the first batch. */
  etaSeconds: number | null;
}

export interface IndexNewBlocksOptions {
  prisma: PrismaClient;
  client: IndexerRpcClient;
  /** Blocks per fetch and per database transaction. */
  batchSize: number;
  /** Stop after this many blocks (a cron invocation's budget); unlimited when undefined. */
  maxBlocks?: number;
  onProgress?: (p: IndexProgress) => void;
  signal?: AbortSignal;
  /** Index up to this block instead of the head (tests, benchmarks). */
  toBlock?: bigint;
  /** Re-index from this block instead of the cursor (repairs; a no-op on rows already there). */
  fromBlock?: bigint;
}

export interface IndexResult {
  /** First and last block written by this call; null when there was nothing new. */
  fromBlock: bigint | null;
  toBlock: bigint | null;
  head: bigint;
  blocks: number;
  txs: number;
  logs: number;
}

interface Cursor {
  number: bigint;
  hash: string;
}

async function readCursor(prisma: PrismaClient | Prisma.TransactionClient): Promise<Cursor | null> {
  const c = await prisma.indexerCursor.findUnique({ where: { name: BLOCKS_CURSOR } });
  return c === null ? null : { number: c.blockNumber, hash: c.blockHash };
}

export async function indexNewBlocks(opts: IndexNewBlocksOptions): Promise<IndexResult> {
  const { prisma, client, signal } = opts;
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1)
    throw new RangeError(`batchSize must be an integer ≥ 1, got ${opts.batchSize}`);
  const cursor = await readCursor(prisma);
  const head = opts.toBlock ?? (await fetchHead(client));
  let start = cursor === null ? 0n : cursor.number + 1n;
  let expectedParent = cursor;
  if (opts.fromBlock !== undefined) {
    start = opts.fromBlock;
    const parent =
      start > 0n
        ? await prisma.block.findUnique({
            where: { number: start - 1n },
            select: { number: true, hash: true },
          })
        : null;
    expectedParent = parent === null ? null : { number: parent.number, hash: parent.hash };
  }
  let end = head;
  if (opts.maxBlocks !== undefined) end = bigMin(end, start + BigInt(opts.maxBlocks) - 1n);
  const result: IndexResult = { fromBlock: null, toBlock: null, head, blocks: 0, txs: 0, logs: 0 };
  if (end < start) return result;

  const t0 = performance.now();
  const size = BigInt(opts.batchSize);
  // A batch's blocks, then the protocol state read at them (protocol-state.ts).
  const fetchRange = async (from: bigint) => {
    const batch = await fetchBlocks(client, from, bigMin(from + size - 1n, end));
    return { batch, protocol: await fetchProtocolState(client, batch) };
  };
  // Pipeline: the next PREFETCH batches download while the current one is written.
  const PREFETCH = 2;
  const pending: Promise<{ batch: FetchedBlock[]; protocol: ProtocolState }>[] = [];
  let nextFrom = start;
  const refill = () => {
    while (pending.length < PREFETCH && nextFrom <= end) {
      const p = fetchRange(nextFrom);
      // An unobserved rejection of a prefetch must not crash the process if we stop early.
      p.catch(() => {});
      pending.push(p);
      nextFrom += size;
    }
  };
  for (let from = start; from <= end; from += size) {
    if (signal?.aborted) break;
    refill();
    const { batch, protocol } = await pending.shift()!;
    refill();
    checkParents(batch, expectedParent);
    // After the previous batch is written: a slashing without a log is found against what the
    // database holds (no RPC unless a validator's jail or tombstone moved).
    await findUnloggedSlashes(client, protocol, await knownValidators(prisma));
    const written = await writeBatch(prisma, batch, expectedParent, protocol);
    const last = batch[batch.length - 1]!.block;
    expectedParent = { number: BigInt(last.number), hash: last.hash.toLowerCase() };
    result.fromBlock ??= from;
    result.toBlock = expectedParent.number;
    result.blocks += batch.length;
    result.txs += written.txs;
    result.logs += written.logs;
    if (opts.onProgress) {
      const elapsedMs = performance.now() - t0;
      const bps = (result.blocks * 1000) / Math.max(elapsedMs, 1);
      const remaining = Number(head - expectedParent.number);
      opts.onProgress({
        indexed: expectedParent.number,
        head,
        blocks: result.blocks,
        txs: result.txs,
        elapsedMs,
        blocksPerSec: bps,
        txPerSec: (result.txs * 1000) / Math.max(elapsedMs, 1),
        etaSeconds: bps > 0 ? remaining / bps : null,
      });
    }
  }
  return result;
}

function bigMin(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

async function knownValidators(prisma: PrismaClient): Promise<Map<string, KnownValidator>> {
  const rows = await prisma.validator.findMany({ select: { hotkey: true, jailedUntil: true, status: true } });
  return new Map(
    rows.map((r) => [
      r.hotkey,
      { hotkey: r.hotkey, jailedUntil: r.jailedUntil, tombstoned: r.status === "tombstoned" },
    ]),
  );
}

function checkParents(batch: FetchedBlock[], prev: Cursor | null): void {
  let expected = prev;
  for (const { block } of batch) {
    const n = BigInt(block.number);
    if (expected !== null && expected.number === n - 1n && expected.hash !== block.parentHash.toLowerCase()) {
      throw new ParentHashMismatchError(n, expected.hash, block.parentHash.toLowerCase());
    }
    expected = { number: n, hash: block.hash.toLowerCase() };
  }
}

const dec = (hex: string | null | undefined): string | null =>
  hex == null ? null : BigInt(hex).toString(10);
const lower = (s: string | null | undefined): string | null => (s == null ? null : s.toLowerCase());

async function writeBatch(
  prisma: PrismaClient,
  batch: FetchedBlock[],
  expectedParent: Cursor | null,
  protocol: ProtocolState,
): Promise<{ txs: number; logs: number }> {
  const blocks: Prisma.BlockCreateManyInput[] = [];
  const txs: Prisma.TransactionCreateManyInput[] = [];
  const logs: Prisma.LogCreateManyInput[] = [];
  for (const { block, receipts } of batch) {
    const number = BigInt(block.number);
    const timestamp = new Date(Number(BigInt(block.timestamp)) * 1000);
    const gasUsed = BigInt(block.gasUsed);
    const baseFee = block.baseFeePerGas == null ? null : BigInt(block.baseFeePerGas);
    const blockHash = block.hash.toLowerCase();
    blocks.push({
      number,
      hash: blockHash,
      parentHash: block.parentHash.toLowerCase(),
      timestamp,
      miner: block.miner.toLowerCase(),
      gasUsed,
      gasLimit: BigInt(block.gasLimit),
      baseFeePerGas: baseFee === null ? null : baseFee.toString(10),
      stateRoot: block.stateRoot.toLowerCase(),
      size: Number(BigInt(block.size)),
      txCount: block.transactions.length,
      burntFees: ((baseFee ?? 0n) * gasUsed).toString(10),
      extraData: block.extraData ?? "0x",
    });
    block.transactions.forEach((tx, i) => {
      const r = receipts[i]!;
      if (r.transactionHash.toLowerCase() !== tx.hash.toLowerCase()) {
        throw new Error(`receipt ${i} of block ${number} is for ${r.transactionHash}, not ${tx.hash}`);
      }
      const input = tx.input.toLowerCase();
      txs.push({
        hash: tx.hash.toLowerCase(),
        blockNumber: number,
        blockHash,
        transactionIndex: Number(BigInt(tx.transactionIndex)),
        timestamp,
        from: tx.from.toLowerCase(),
        to: lower(tx.to),
        value: dec(tx.value)!,
        nonce: BigInt(tx.nonce),
        type: tx.type === undefined ? 0 : Number(BigInt(tx.type)),
        gas: BigInt(tx.gas),
        gasPrice: dec(tx.gasPrice),
        maxFeePerGas: dec(tx.maxFeePerGas),
        maxPriorityFeePerGas: dec(tx.maxPriorityFeePerGas),
        input,
        methodId: tx.to != null && input.length >= 10 ? input.slice(0, 10) : null,
        status: Number(BigInt(r.status)),
        gasUsed: BigInt(r.gasUsed),
        cumulativeGasUsed: BigInt(r.cumulativeGasUsed),
        effectiveGasPrice: dec(r.effectiveGasPrice)!,
        contractAddress: lower(r.contractAddress),
      });
      for (const log of r.logs) {
        const decoded = decodeLog(log.address, log.topics, log.data);
        logs.push({
          blockNumber: number,
          logIndex: Number(BigInt(log.logIndex)),
          transactionHash: log.transactionHash.toLowerCase(),
          transactionIndex: Number(BigInt(log.transactionIndex)),
          address: log.address.toLowerCase(),
          topic0: lower(log.topics[0]),
          topic1: lower(log.topics[1]),
          topic2: lower(log.topics[2]),
          topic3: lower(log.topics[3]),
          data: log.data.toLowerCase(),
          eventName: decoded?.eventName ?? null,
          args: decoded === null ? Prisma.DbNull : (decoded.args as Prisma.InputJsonValue),
        });
      }
    });
  }
  const lastBlock = blocks[blocks.length - 1]!;
  const last = { number: BigInt(lastBlock.number), hash: lastBlock.hash };

  await prisma.$transaction(
    async (db) => {
      // Another indexer (a cron run next to the loop) may have moved the cursor since we read
      // it: compare inside the transaction so two writers never interleave history.
      const current = await readCursor(db);
      if (current !== null && expectedParent !== null && current.number > expectedParent.number) {
        const mine = await db.block.findUnique({ where: { number: last.number }, select: { hash: true } });
        if (mine !== null && mine.hash !== last.hash)
          throw new ParentHashMismatchError(last.number, mine.hash, last.hash);
      }
      const newBlocks = await db.block.createManyAndReturn({
        data: blocks,
        skipDuplicates: true,
        select: { number: true, miner: true, extraData: true },
      });
      // Only the transactions this call inserted count towards accounts: re-indexing is a no-op.
      const inserted = await insertTransactions(db, txs);
      const protocolLogs = logs.filter((l) => isPrecompile(l.address));
      const otherLogs = protocolLogs.length === 0 ? logs : logs.filter((l) => !isPrecompile(l.address));
      if (otherLogs.length > 0) await db.log.createMany({ data: otherLogs, skipDuplicates: true });
      if (protocolLogs.length > 0) {
        // Only the protocol events inserted now are applied: re-indexing never applies one twice.
        const fresh = await db.log.createManyAndReturn({
          data: protocolLogs,
          skipDuplicates: true,
          select: { blockNumber: true, logIndex: true, transactionHash: true, eventName: true, args: true },
        });
        fresh.sort((x, y) =>
          x.blockNumber === y.blockNumber ? x.logIndex - y.logIndex : x.blockNumber < y.blockNumber ? -1 : 1,
        );
        await applyProtocolEvents(
          db,
          fresh
            .filter((l) => l.eventName !== null)
            .map((l) => ({
              blockNumber: BigInt(l.blockNumber),
              transactionHash: l.transactionHash,
              eventName: l.eventName!,
              args: l.args,
            })),
        );
      }
      await upsertAccounts(db, inserted);
      // After the events: the state read at the batch's last block is the newer word.
      await writeProtocolState(
        db,
        protocol,
        newBlocks.map((b) => blockSigners(b.number, b.miner, b.extraData)),
      );
      if (current === null || current.number < last.number) {
        await db.indexerCursor.upsert({
          where: { name: BLOCKS_CURSOR },
          create: { name: BLOCKS_CURSOR, blockNumber: last.number, blockHash: last.hash },
          update: { blockNumber: last.number, blockHash: last.hash },
        });
      }
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  return { txs: txs.length, logs: logs.length };
}

const col = <T>(rows: T[], f: (r: T) => string | number | boolean | null) => rows.map(f);
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * INSERT … SELECT FROM unnest(column arrays) ON CONFLICT DO NOTHING RETURNING: one statement
 * with 21 array parameters instead of 21 parameters per row (createMany), several times faster
 * at thousands of transactions per batch; RETURNING gives exactly the rows that were new.
 */
async function insertTransactions(db: Prisma.TransactionClient, txs: Prisma.TransactionCreateManyInput[]) {
  if (txs.length === 0) return [];
  const rows = await db.$queryRaw<
    { from: string; to: string | null; contractAddress: string | null; blockNumber: bigint }[]
  >`
    INSERT INTO "Transaction" ("hash", "blockNumber", "blockHash", "transactionIndex", "timestamp", "from", "to", "value", "nonce", "type", "gas",
      "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "input", "methodId", "status", "gasUsed", "cumulativeGasUsed", "effectiveGasPrice", "contractAddress")
    SELECT * FROM unnest(
      ${col(txs, (t) => t.hash)}::text[], ${col(txs, (t) => str(t.blockNumber))}::bigint[], ${col(txs, (t) => t.blockHash)}::text[],
      ${col(txs, (t) => t.transactionIndex)}::int[], ${col(txs, (t) => (t.timestamp as Date).toISOString())}::timestamptz[],
      ${col(txs, (t) => t.from)}::text[], ${col(txs, (t) => t.to ?? null)}::text[], ${col(txs, (t) => str(t.value))}::numeric[],
      ${col(txs, (t) => str(t.nonce))}::bigint[], ${col(txs, (t) => t.type)}::int[], ${col(txs, (t) => str(t.gas))}::bigint[],
      ${col(txs, (t) => str(t.gasPrice))}::numeric[], ${col(txs, (t) => str(t.maxFeePerGas))}::numeric[], ${col(txs, (t) => str(t.maxPriorityFeePerGas))}::numeric[],
      ${col(txs, (t) => t.input)}::text[], ${col(txs, (t) => t.methodId ?? null)}::text[], ${col(txs, (t) => t.status)}::int[],
      ${col(txs, (t) => str(t.gasUsed))}::bigint[], ${col(txs, (t) => str(t.cumulativeGasUsed))}::bigint[], ${col(txs, (t) => str(t.effectiveGasPrice))}::numeric[],
      ${col(txs, (t) => t.contractAddress ?? null)}::text[])
    ON CONFLICT DO NOTHING
    RETURNING "from", "to", "contractAddress", "blockNumber"`;
  return rows.map((r) => ({ ...r, blockNumber: BigInt(r.blockNumber) }));
}

interface AccountDelta {
  txCount: number;
  first: bigint;
  last: bigint;
  isContract: boolean;
}

async function upsertAccounts(
  db: Prisma.TransactionClient,
  inserted: { from: string; to: string | null; contractAddress: string | null; blockNumber: bigint }[],
): Promise<void> {
  if (inserted.length === 0) return;
  const deltas = new Map<string, AccountDelta>();
  const touch = (address: string, block: bigint, isContract: boolean) => {
    const d = deltas.get(address);
    if (d === undefined) deltas.set(address, { txCount: 1, first: block, last: block, isContract });
    else {
      d.txCount++;
      if (block < d.first) d.first = block;
      if (block > d.last) d.last = block;
      d.isContract ||= isContract;
    }
  };
  for (const t of inserted) {
    touch(t.from, t.blockNumber, false);
    const counterparty = t.to ?? t.contractAddress;
    if (counterparty !== null && counterparty !== t.from)
      touch(counterparty, t.blockNumber, t.contractAddress !== null);
  }
  const rows = [...deltas.entries()];
  // One statement for the whole batch (unnest of parallel arrays), adding to existing counters.
  await db.$executeRaw`
    INSERT INTO "Account" ("address", "txCount", "firstSeenBlock", "lastSeenBlock", "isContract", "updatedAt")
    SELECT a, c, f, l, k, now()
    FROM unnest(${rows.map(([a]) => a)}::text[], ${rows.map(([, d]) => d.txCount)}::int[],
                ${rows.map(([, d]) => d.first.toString())}::bigint[], ${rows.map(([, d]) => d.last.toString())}::bigint[],
                ${rows.map(([, d]) => d.isContract)}::boolean[]) AS t(a, c, f, l, k)
    ON CONFLICT ("address") DO UPDATE SET
      "txCount" = "Account"."txCount" + EXCLUDED."txCount",
      "firstSeenBlock" = LEAST("Account"."firstSeenBlock", EXCLUDED."firstSeenBlock"),
      "lastSeenBlock" = GREATEST("Account"."lastSeenBlock", EXCLUDED."lastSeenBlock"),
      "isContract" = "Account"."isContract" OR EXCLUDED."isContract",
      "updatedAt" = now()`;
}
