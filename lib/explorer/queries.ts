// Data loaders of the explorer pages: each route calls one of these with the Prisma client and
// hands the result to a component. They reuse the REST API's reads (lib/api/explorer.ts) and add
// what only the pages need (a block's transactions in full, uptime, chart series). A missing
// entity is `null` (the page renders its not-found state), never an exception.
import type { PrismaClient } from "@prisma/client";
import { ApiError } from "@/lib/api/http";
import {
  getAddress,
  getBlock,
  getMetagraph,
  getSubnet,
  getTx,
  listAddressTxs,
  listBlocks,
  listSlashing,
  listSubnets,
  listValidators,
  txJson,
} from "@/lib/api/explorer";
import { decodePrecompileCall } from "./decode-call";

type Db = PrismaClient;
const wei = (d: { toFixed(n: number): string } | null): string | null => (d === null ? null : d.toFixed(0));

/** `null` for the API's NOT_FOUND, anything else propagates (a page error, not a 404). */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ApiError && err.code === "NOT_FOUND") return null;
    throw err;
  }
}

export type TxSummary = ReturnType<typeof txJson>;

export async function loadBlocksPage(db: Db, cursor: bigint | undefined, limit = 25) {
  return listBlocks(db, { cursor, limit });
}

export async function loadBlockPage(db: Db, number: bigint) {
  const block = await orNull(getBlock(db, number));
  if (block === null) return null;
  const [txs, prev, next, proposer] = await Promise.all([
    db.transaction.findMany({ where: { blockNumber: number }, orderBy: { transactionIndex: "asc" } }),
    number > 0n ? db.block.findUnique({ where: { number: number - 1n }, select: { number: true } }) : null,
    db.block.findUnique({ where: { number: number + 1n }, select: { number: true } }),
    db.validator.findFirst({
      where: { OR: [{ hotkey: block.miner }, { coldkey: block.miner }] },
      select: { hotkey: true, moniker: true },
    }),
  ]);
  return {
    block,
    transactions: txs.map(txJson),
    prevNumber: prev === null ? null : Number(prev.number),
    nextNumber: next === null ? null : Number(next.number),
    proposer,
  };
}

export async function loadTxPage(db: Db, hash: string) {
  const tx = await orNull(getTx(db, hash));
  if (tx === null) return null;
  return { tx, call: decodePrecompileCall(tx.to, tx.input) };
}

export async function loadAddressPage(
  db: Db,
  address: string,
  cursor: { blockNumber: bigint; transactionIndex: number } | undefined,
  limit = 25,
) {
  const [account, txs, validator, neurons, delegations] = await Promise.all([
    orNull(getAddress(db, address)),
    listAddressTxs(db, address, { cursor, limit }),
    db.validator.findUnique({ where: { hotkey: address } }),
    db.neuron.findMany({
      where: { OR: [{ hotkey: address }, { coldkey: address }] },
      orderBy: [{ netuid: "asc" }, { uid: "asc" }],
    }),
    db.validator.findMany({
      where: { coldkey: address, NOT: { hotkey: address } },
      orderBy: { stake: "desc" },
      select: { hotkey: true, moniker: true, stake: true, status: true },
    }),
  ]);
  return {
    account,
    txs,
    validator:
      validator === null
        ? null
        : {
            hotkey: validator.hotkey,
            coldkey: validator.coldkey,
            moniker: validator.moniker,
            status: validator.status,
            stake: wei(validator.stake),
            votingPower: Number(validator.votingPower),
          },
    neurons: neurons.map((n) => ({
      netuid: n.netuid,
      uid: n.uid,
      hotkey: n.hotkey,
      coldkey: n.coldkey,
      isValidator: n.isValidator,
      modelHash: n.modelHash,
    })),
    ownedValidators: delegations.map((v) => ({
      hotkey: v.hotkey,
      moniker: v.moniker,
      stake: wei(v.stake),
      status: v.status,
    })),
  };
}

/** Latest slashing events listed under the validators table. */
export const SLASHING_HISTORY_ROWS = 50;

export async function loadValidatorsPage(db: Db) {
  const [{ items }, slashing] = await Promise.all([
    listValidators(db),
    listSlashing(db, { limit: SLASHING_HISTORY_ROWS }),
  ]);
  const totalPower = items.reduce((s, v) => s + v.votingPower, 0);
  return {
    slashing: slashing.items,
    totalVotingPower: totalPower,
    validators: items.map((v) => ({
      ...v,
      votingPowerShare: totalPower > 0 ? v.votingPower / totalPower : null,
    })),
  };
}

export type ValidatorRow = Awaited<ReturnType<typeof loadValidatorsPage>>["validators"][number];
export type SlashingRow = Awaited<ReturnType<typeof loadValidatorsPage>>["slashing"][number];

export async function loadSubnetsPage(db: Db) {
  const { items } = await listSubnets(db);
  const latest = await db.metagraphSnapshot.findMany({
    distinct: ["netuid"],
    orderBy: [{ netuid: "asc" }, { blockNumber: "desc" }],
    select: { netuid: true, emission: true, totalStake: true, epoch: true },
  });
  const snap = new Map(latest.map((s) => [s.netuid, s]));
  return items.map((s) => {
    const l = snap.get(s.netuid);
    return {
      ...s,
      lastEmission: l ? wei(l.emission) : null,
      totalStake: l ? wei(l.totalStake) : null,
      epoch: l ? Number(l.epoch) : null,
    };
  });
}

/** Points of the emission-per-tempo chart. */
export const HISTORY_POINTS = 200;

export async function loadSubnetPage(db: Db, netuid: number) {
  const subnet = await orNull(getSubnet(db, netuid));
  if (subnet === null) return null;
  const [metagraph, history] = await Promise.all([
    getMetagraph(db, netuid),
    db.metagraphSnapshot.findMany({
      where: { netuid },
      orderBy: { blockNumber: "desc" },
      take: HISTORY_POINTS,
      select: { blockNumber: true, epoch: true, emission: true },
    }),
  ]);
  return {
    subnet,
    metagraph,
    emissionHistory: history.reverse().map((h) => ({
      blockNumber: Number(h.blockNumber),
      epoch: Number(h.epoch),
      emission: wei(h.emission)!,
    })),
  };
}

export type MetagraphNeuron = NonNullable<
  Awaited<ReturnType<typeof loadSubnetPage>>
>["metagraph"]["neurons"][number];

export async function loadNeuronPage(db: Db, netuid: number, uid: number) {
  const [neuron, history] = await Promise.all([
    db.neuron.findUnique({ where: { netuid_uid: { netuid, uid } } }),
    db.neuronEpoch.findMany({
      where: { netuid, uid },
      orderBy: { blockNumber: "desc" },
      take: HISTORY_POINTS,
    }),
  ]);
  if (neuron === null && history.length === 0) return null;
  const points = history.reverse().map((h) => ({
    blockNumber: Number(h.blockNumber),
    hotkey: h.hotkey,
    stake: wei(h.stake)!,
    incentive: h.incentive,
    dividends: h.dividends,
    trust: h.trust,
    consensus: h.consensus,
    emission: wei(h.emission)!,
    active: h.active,
    validatorPermit: h.validatorPermit,
  }));
  return {
    netuid,
    uid,
    neuron:
      neuron === null
        ? null
        : {
            hotkey: neuron.hotkey,
            coldkey: neuron.coldkey,
            axon: neuron.axon,
            modelHash: neuron.modelHash,
            modelUri: neuron.modelUri,
            modelParent: neuron.modelParent,
            registeredAt: Number(neuron.registeredAt),
            isValidator: neuron.isValidator,
          },
    latest: points[points.length - 1] ?? null,
    // History of this UID's current occupant only: a replaced UID's old rows belong to someone else.
    history: neuron === null ? points : points.filter((p) => p.hotkey === neuron.hotkey),
  };
}

/** Blocks the charts page reads, and how many blocks make one point. */
export const CHART_BLOCKS = 1_000;
export const BLOCKS_PER_POINT = 20;

export async function loadChartsPage(db: Db) {
  const blocks = await db.block.findMany({
    orderBy: { number: "desc" },
    take: CHART_BLOCKS,
    select: { number: true, timestamp: true, txCount: true },
  });
  blocks.reverse();
  const throughput: { blockNumber: number; txPerSec: number; blockTimeS: number }[] = [];
  // Each point covers BLOCKS_PER_POINT blocks after the previous point's last block.
  for (let end = blocks.length - 1; end >= BLOCKS_PER_POINT; end -= BLOCKS_PER_POINT) {
    const start = end - BLOCKS_PER_POINT;
    const spanS = (blocks[end]!.timestamp.getTime() - blocks[start]!.timestamp.getTime()) / 1000;
    let txs = 0;
    for (let i = start + 1; i <= end; i++) txs += blocks[i]!.txCount;
    throughput.push({
      blockNumber: Number(blocks[end]!.number),
      txPerSec: spanS > 0 ? txs / spanS : 0,
      blockTimeS: spanS / BLOCKS_PER_POINT,
    });
  }
  throughput.reverse();
  const emission = await db.metagraphSnapshot.groupBy({
    by: ["blockNumber"],
    _sum: { emission: true },
    orderBy: { blockNumber: "desc" },
    take: HISTORY_POINTS,
  });
  return {
    throughput,
    emission: emission
      .reverse()
      .map((e) => ({ blockNumber: Number(e.blockNumber), emission: wei(e._sum.emission) ?? "0" })),
    blockCount: blocks.length,
  };
}
