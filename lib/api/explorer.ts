// The explorer's reads, shared by the REST API and the app's pages: each takes the Prisma
// client and returns plain JSON-ready objects (block numbers, gas and nonces as numbers — they
// fit in 2^53 — wei amounts as decimal strings, hashes lowercase).
import type { Prisma, PrismaClient } from "@prisma/client";
import { ApiError } from "./http";
import { txCursorOf } from "./params";

type Db = PrismaClient;
const wei = (d: Prisma.Decimal | null): string | null => (d === null ? null : d.toFixed(0));
const num = (b: bigint): number => Number(b);

export interface Page<T> {
  items: T[];
  /** Pass as `?cursor=` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * A page of `rows` fetched with `take: limit + 1`: the first `limit` rows mapped with `json`, and
 * the cursor of the last of them when the extra row shows that more follow.
 */
function pageOf<R, T>(rows: R[], limit: number, json: (r: R) => T, cursorOf: (last: R) => string): Page<T> {
  const items = rows.slice(0, limit);
  return {
    items: items.map((r) => json(r)),
    nextCursor: rows.length > limit ? cursorOf(items[items.length - 1]!) : null,
  };
}

type BlockRow = Prisma.BlockGetPayload<object>;
type TxRow = Prisma.TransactionGetPayload<object>;

export function blockJson(b: BlockRow) {
  return {
    number: num(b.number),
    hash: b.hash,
    parentHash: b.parentHash,
    timestamp: b.timestamp.toISOString(),
    miner: b.miner,
    gasUsed: num(b.gasUsed),
    gasLimit: num(b.gasLimit),
    baseFeePerGas: wei(b.baseFeePerGas),
    burntFees: wei(b.burntFees),
    stateRoot: b.stateRoot,
    size: b.size,
    txCount: b.txCount,
    extraData: b.extraData,
  };
}

export function txJson(t: TxRow) {
  return {
    hash: t.hash,
    blockNumber: num(t.blockNumber),
    blockHash: t.blockHash,
    transactionIndex: t.transactionIndex,
    timestamp: t.timestamp.toISOString(),
    from: t.from,
    to: t.to,
    value: wei(t.value),
    nonce: num(t.nonce),
    type: t.type,
    gas: num(t.gas),
    gasPrice: wei(t.gasPrice),
    maxFeePerGas: wei(t.maxFeePerGas),
    maxPriorityFeePerGas: wei(t.maxPriorityFeePerGas),
    input: t.input,
    methodId: t.methodId,
    status: t.status === 1 ? ("success" as const) : ("reverted" as const),
    gasUsed: num(t.gasUsed),
    cumulativeGasUsed: num(t.cumulativeGasUsed),
    effectiveGasPrice: wei(t.effectiveGasPrice),
    fee: (BigInt(t.gasUsed) * BigInt(t.effectiveGasPrice.toFixed(0))).toString(10),
    contractAddress: t.contractAddress,
  };
}

export async function listBlocks(
  db: Db,
  q: { cursor?: bigint | undefined; limit: number },
): Promise<Page<ReturnType<typeof blockJson>>> {
  const rows = await db.block.findMany({
    where: q.cursor === undefined ? {} : { number: { lt: q.cursor } },
    orderBy: { number: "desc" },
    take: q.limit + 1,
  });
  return pageOf(rows, q.limit, blockJson, (b) => String(b.number));
}

export async function getBlock(db: Db, number: bigint) {
  const b = await db.block.findUnique({ where: { number } });
  if (b === null) throw new ApiError("NOT_FOUND", `block ${number} is not indexed`);
  const txs = await db.transaction.findMany({
    where: { blockNumber: number },
    orderBy: { transactionIndex: "asc" },
    select: { hash: true },
  });
  return { ...blockJson(b), transactions: txs.map((t) => t.hash) };
}

function txPageWhere(
  cursor: { blockNumber: bigint; transactionIndex: number } | undefined,
): Prisma.TransactionWhereInput {
  if (cursor === undefined) return {};
  // (blockNumber, transactionIndex) < cursor. The redundant `blockNumber <= cursor` is an index
  // condition the planner can start a backward scan at; the OR alone is only a filter, and a
  // page deep in a million transactions would scan every newer row first.
  return {
    blockNumber: { lte: cursor.blockNumber },
    OR: [
      { blockNumber: { lt: cursor.blockNumber } },
      { blockNumber: cursor.blockNumber, transactionIndex: { lt: cursor.transactionIndex } },
    ],
  };
}

async function txPage(
  db: Db,
  where: Prisma.TransactionWhereInput,
  q: { cursor?: { blockNumber: bigint; transactionIndex: number } | undefined; limit: number },
) {
  const rows = await db.transaction.findMany({
    where: { AND: [where, txPageWhere(q.cursor)] },
    orderBy: [{ blockNumber: "desc" }, { transactionIndex: "desc" }],
    take: q.limit + 1,
  });
  return pageOf(rows, q.limit, txJson, txCursorOf);
}

export function listTxs(
  db: Db,
  q: { cursor?: { blockNumber: bigint; transactionIndex: number } | undefined; limit: number },
) {
  return txPage(db, {}, q);
}

export async function getTx(db: Db, hash: string) {
  const t = await db.transaction.findUnique({
    where: { hash },
    include: { logs: { orderBy: { logIndex: "asc" } } },
  });
  if (t === null) throw new ApiError("NOT_FOUND", `transaction ${hash} is not indexed`);
  return {
    ...txJson(t),
    logs: t.logs.map((l) => ({
      logIndex: l.logIndex,
      address: l.address,
      topics: [l.topic0, l.topic1, l.topic2, l.topic3].filter((x): x is string => x !== null),
      data: l.data,
      eventName: l.eventName,
      args: l.args,
    })),
  };
}

export async function getAddress(db: Db, address: string) {
  const a = await db.account.findUnique({ where: { address } });
  if (a === null) throw new ApiError("NOT_FOUND", `address ${address} has no indexed transactions`);
  return {
    address: a.address,
    balance: wei(a.balance),
    balanceBlock: num(a.balanceBlock),
    txCount: a.txCount,
    firstSeenBlock: num(a.firstSeenBlock),
    lastSeenBlock: num(a.lastSeenBlock),
    isContract: a.isContract,
    label: a.label,
  };
}

/**
 * Transactions from or to the address (or creating it). Two index-ordered queries merged, not
 * one OR query: each side walks its own (address, block desc, index desc) index.
 */
export async function listAddressTxs(
  db: Db,
  address: string,
  q: { cursor?: { blockNumber: bigint; transactionIndex: number } | undefined; limit: number },
) {
  const order = [{ blockNumber: "desc" as const }, { transactionIndex: "desc" as const }];
  const page = txPageWhere(q.cursor);
  const sides = await Promise.all(
    [{ from: address }, { to: address }, { contractAddress: address }].map((w) =>
      db.transaction.findMany({ where: { AND: [w, page] }, orderBy: order, take: q.limit + 1 }),
    ),
  );
  const seen = new Set<string>();
  const merged = sides
    .flat()
    .filter((t) => (seen.has(t.hash) ? false : (seen.add(t.hash), true)))
    .sort((x, y) =>
      x.blockNumber === y.blockNumber
        ? y.transactionIndex - x.transactionIndex
        : x.blockNumber > y.blockNumber
          ? -1
          : 1,
    );
  return pageOf(merged, q.limit, txJson, txCursorOf);
}

/** Uptime is measured over the windows of the latest this-many indexed blocks. */
export const UPTIME_WINDOW_BLOCKS = 10_000n;

/** By stake; uptime = signed / (signed + missed) over the latest UPTIME_WINDOW_BLOCKS (null before any window). */
export async function listValidators(db: Db) {
  const latest = await db.validatorUptime.aggregate({ _max: { toBlock: true } });
  const since = latest._max.toBlock === null ? 0n : latest._max.toBlock - UPTIME_WINDOW_BLOCKS;
  const [rows, uptime, slashes] = await Promise.all([
    db.validator.findMany({ orderBy: [{ stake: "desc" }, { hotkey: "asc" }] }),
    db.validatorUptime.groupBy({
      by: ["validatorHotkey"],
      where: { toBlock: { gt: since } },
      _sum: { signedBlocks: true, missedBlocks: true, proposedBlocks: true },
    }),
    db.slashingEvent.groupBy({ by: ["validatorHotkey"], _count: { _all: true } }),
  ]);
  const up = new Map(uptime.map((u) => [u.validatorHotkey, u._sum]));
  const sl = new Map(slashes.map((x) => [x.validatorHotkey, x._count._all]));
  return {
    items: rows.map((v) => {
      const u = up.get(v.hotkey);
      const signed = u?.signedBlocks ?? 0;
      const missed = u?.missedBlocks ?? 0;
      return {
        hotkey: v.hotkey,
        coldkey: v.coldkey,
        moniker: v.moniker,
        status: v.status,
        stake: wei(v.stake),
        votingPower: num(v.votingPower),
        /** Unix seconds. */
        jailedUntil: v.jailedUntil === null ? null : num(v.jailedUntil),
        firstSeenBlock: num(v.firstSeenBlock),
        updatedAtBlock: num(v.updatedAtBlock),
        uptime: signed + missed > 0 ? signed / (signed + missed) : null,
        signedBlocks: signed,
        missedBlocks: missed,
        proposedBlocks: u?.proposedBlocks ?? 0,
        slashCount: sl.get(v.hotkey) ?? 0,
      };
    }),
  };
}

/** Slashing history, newest first; `cursor` is the id of the last event of the previous page. */
export async function listSlashing(
  db: Db,
  q: { cursor?: bigint | undefined; limit: number; hotkey?: string | undefined },
): Promise<Page<ReturnType<typeof slashJson>>> {
  const rows = await db.slashingEvent.findMany({
    where: {
      ...(q.hotkey === undefined ? {} : { validatorHotkey: q.hotkey }),
      ...(q.cursor === undefined ? {} : { id: { lt: q.cursor } }),
    },
    orderBy: { id: "desc" },
    take: q.limit + 1,
  });
  return pageOf(rows, q.limit, slashJson, (x) => String(x.id));
}

function slashJson(x: Prisma.SlashingEventGetPayload<object>) {
  return {
    id: num(x.id),
    hotkey: x.validatorHotkey,
    blockNumber: num(x.blockNumber),
    kind: x.kind,
    amount: wei(x.amount),
    /** Unix seconds. */
    jailedUntil: x.jailedUntil === null ? null : num(x.jailedUntil),
    tombstoned: x.tombstoned,
  };
}

/** A subnet's per-epoch metagraph snapshots, newest first; `cursor` is the block of the last one. */
export async function listEpochs(
  db: Db,
  netuid: number,
  q: { cursor?: bigint | undefined; limit: number },
): Promise<
  Page<{
    blockNumber: number;
    epoch: number;
    neuronCount: number;
    totalStake: string | null;
    emission: string | null;
  }>
> {
  const subnet = await db.subnet.findUnique({ where: { netuid }, select: { netuid: true } });
  if (subnet === null) throw new ApiError("NOT_FOUND", `subnet ${netuid} does not exist`);
  const rows = await db.metagraphSnapshot.findMany({
    where: { netuid, ...(q.cursor === undefined ? {} : { blockNumber: { lt: q.cursor } }) },
    orderBy: { blockNumber: "desc" },
    take: q.limit + 1,
  });
  return pageOf(
    rows,
    q.limit,
    (s) => ({
      blockNumber: num(s.blockNumber),
      epoch: num(s.epoch),
      neuronCount: s.neuronCount,
      totalStake: wei(s.totalStake),
      emission: wei(s.emission),
    }),
    (s) => String(s.blockNumber),
  );
}

type SubnetRow = Prisma.SubnetGetPayload<{ include: { _count: { select: { neurons: true } } } }>;
function subnetJson(s: SubnetRow) {
  return {
    netuid: s.netuid,
    name: s.name,
    owner: s.owner,
    registeredAt: num(s.registeredAt),
    registeredTxHash: s.registeredTxHash,
    hyperparams: s.hyperparams,
    taskSpec: s.taskSpec,
    neuronCount: s._count.neurons,
    updatedAtBlock: num(s.updatedAtBlock),
  };
}

export async function listSubnets(db: Db) {
  const rows = await db.subnet.findMany({
    orderBy: { netuid: "asc" },
    include: { _count: { select: { neurons: true } } },
  });
  return { items: rows.map(subnetJson) };
}

export async function getSubnet(db: Db, netuid: number) {
  const s = await db.subnet.findUnique({
    where: { netuid },
    include: { _count: { select: { neurons: true } } },
  });
  if (s === null) throw new ApiError("NOT_FOUND", `subnet ${netuid} does not exist`);
  return subnetJson(s);
}

/** The latest metagraph snapshot of a subnet with one row per UID. */
export async function getMetagraph(db: Db, netuid: number) {
  const subnet = await db.subnet.findUnique({ where: { netuid }, select: { netuid: true } });
  if (subnet === null) throw new ApiError("NOT_FOUND", `subnet ${netuid} does not exist`);
  const snap = await db.metagraphSnapshot.findFirst({
    where: { netuid },
    orderBy: { blockNumber: "desc" },
    include: { neurons: { orderBy: { uid: "asc" } } },
  });
  if (snap === null) return { netuid, snapshot: null, neurons: [] };
  return {
    netuid,
    snapshot: {
      blockNumber: num(snap.blockNumber),
      epoch: num(snap.epoch),
      neuronCount: snap.neuronCount,
      totalStake: wei(snap.totalStake),
      emission: wei(snap.emission),
    },
    neurons: snap.neurons.map((n) => ({
      uid: n.uid,
      hotkey: n.hotkey,
      stake: wei(n.stake),
      rank: n.rank,
      trust: n.trust,
      validatorTrust: n.validatorTrust,
      consensus: n.consensus,
      incentive: n.incentive,
      dividends: n.dividends,
      emission: wei(n.emission),
      active: n.active,
      validatorPermit: n.validatorPermit,
    })),
  };
}

/** Head, mean block time and throughput over the latest `window` indexed blocks (the home page). */
export async function getStats(db: Db, window = 100) {
  const blocks = await db.block.findMany({
    orderBy: { number: "desc" },
    take: window,
    select: { number: true, timestamp: true, txCount: true, gasUsed: true },
  });
  const head = blocks[0];
  if (head === undefined)
    return {
      head: null,
      headTimestamp: null,
      blockTimeMs: null,
      txPerSec: null,
      txsInWindow: 0,
      windowBlocks: 0,
      totalAccounts: await db.account.count(),
    };
  const oldest = blocks[blocks.length - 1]!;
  const spanMs = head.timestamp.getTime() - oldest.timestamp.getTime();
  // Transactions of the blocks after the oldest one: they are what was produced during spanMs.
  const txs = blocks.slice(0, -1).reduce((s, b) => s + b.txCount, 0);
  return {
    head: num(head.number),
    headTimestamp: head.timestamp.toISOString(),
    blockTimeMs: blocks.length > 1 ? spanMs / (blocks.length - 1) : null,
    txPerSec: spanMs > 0 ? (txs * 1000) / spanMs : null,
    txsInWindow: txs,
    windowBlocks: blocks.length,
    totalAccounts: await db.account.count(),
  };
}
