// Protocol state the precompiles' transaction logs do not carry, read from the node for each
// indexed batch: the genesis (prefunded accounts and validators), the validator set at the
// batch's last block (stake, voting power, jail, tombstone), the subnets at that block, the
// metagraph right after every epoch that ran in the batch (IMetagraph / tensorchain_getMetagraph
// at the epoch block: epochs run at block end, so they leave no log), slashings (found where a
// validator's jail or tombstone moved, located to the block by bisection), and per-window
// uptime from the commit certificate each BFT block carries in its extraData.
//
// fetchProtocolState() does the RPC reads (prefetched with the blocks), findUnloggedSlashes()
// compares with the database before the batch's transaction, writeProtocolState() writes inside it. Writes are idempotent: snapshots and slashings are
// keyed by block, state rows only move forward (updatedAtBlock), and uptime counts only blocks
// that this batch inserted for the first time.
import { Prisma } from "@prisma/client";
import { decodeFunctionResult, encodeFunctionData, type Hex } from "viem";
import { z } from "zod";
import { decodeHeaderExtra } from "@/chain/src/consensus/header-extra";
import { TEN } from "@/chain/src/protocol/params";
import { isEpochBlock, tempoIndex } from "@/chain/src/protocol/schedule";
import { metagraphPrecompile, stakingPrecompile } from "@/contracts/system-contracts";
import { decodeLog } from "./decode";
import { IndexerRpcError, parseRpcResult, type FetchedBlock, type IndexerRpcClient } from "./rpc";

/** Uptime is counted in aligned windows of this many blocks (ValidatorUptime rows). */
export const UPTIME_WINDOW = 100n;

const U16 = 65535;
const q = (n: bigint) => `0x${n.toString(16)}`;
type Request = (a: { method: string; params: unknown[] }) => Promise<unknown>;

async function call(client: IndexerRpcClient, method: string, params: unknown[]): Promise<unknown> {
  try {
    return await (client.request as Request)({ method, params });
  } catch (err) {
    const e = err as { shortMessage?: string; message?: string };
    throw new IndexerRpcError(`${method} failed: ${e.shortMessage ?? e.message}`, { cause: err });
  }
}

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/)
  .transform((s) => s.toLowerCase());
const quantity = z
  .string()
  .regex(/^0x[0-9a-fA-F]+$/)
  .transform((s) => BigInt(s));
const wei = z.string().regex(/^\d+$/);

const genesisSchema = z.object({
  accounts: z.array(z.object({ address, balance: wei, code: z.string().optional() })),
  validators: z.array(z.object({ hotkey: address })),
});

const subnetSchema = z.object({
  netuid: z.number().int().min(0),
  owner: address,
  name: z.string(),
  registeredAt: quantity,
  taskSpecURI: z.string(),
  taskSpec: z.record(z.string(), z.unknown()),
  hyperparameters: z.record(z.string(), z.unknown()).and(z.object({ tempo: z.number().int().min(1) })),
});
type SubnetJson = z.infer<typeof subnetSchema>;

const metagraphSchema = z.object({
  netuid: z.number().int(),
  lastEpochBlock: quantity,
  n: z.number().int().min(0),
  hotkeys: z.array(address),
  stakes: z.array(wei),
  ranks: z.array(z.number()),
  trust: z.array(z.number()),
  consensus: z.array(z.number()),
  incentive: z.array(z.number()),
  dividends: z.array(z.number()),
  emission: z.array(wei),
  active: z.array(z.boolean()),
  validatorPermit: z.array(z.boolean()),
});
type MetagraphJson = z.infer<typeof metagraphSchema>;

export interface ValidatorState {
  hotkey: string;
  coldkey: string;
  consensusKey: string;
  /** Total bonded stake (own + delegated), wei. */
  votingPower: bigint;
  jailedUntil: bigint;
  tombstoned: boolean;
  active: boolean;
}

async function readValidators(client: IndexerRpcClient, block: bigint): Promise<ValidatorState[]> {
  const data = encodeFunctionData({ abi: stakingPrecompile.abi, functionName: "getValidators" });
  const raw = await call(client, "eth_call", [{ to: stakingPrecompile.address, data }, q(block)]);
  const out = decodeFunctionResult({
    abi: stakingPrecompile.abi,
    functionName: "getValidators",
    data: parseRpcResult(z.string().regex(/^0x[0-9a-fA-F]*$/), raw, "getValidators result") as Hex,
  });
  return out.map((v) => ({
    hotkey: v.hotkey.toLowerCase(),
    coldkey: v.coldkey.toLowerCase(),
    consensusKey: v.consensusKey.toLowerCase(),
    votingPower: v.votingPower,
    jailedUntil: v.jailedUntil,
    tombstoned: v.tombstoned,
    active: v.active,
  }));
}

async function readValidator(client: IndexerRpcClient, hotkey: string, block: bigint) {
  const all = await readValidators(client, block);
  return all.find((v) => v.hotkey === hotkey) ?? null;
}

/** A validator's jail or tombstone as the database had it before this batch. */
export interface KnownValidator {
  hotkey: string;
  jailedUntil: bigint | null;
  tombstoned: boolean;
}

export interface Snapshot {
  netuid: number;
  blockNumber: bigint;
  epoch: bigint;
  metagraph: MetagraphJson;
}

export interface Slash {
  hotkey: string;
  blockNumber: bigint;
  kind: "double_sign" | "downtime";
  amount: bigint;
  jailedUntil: bigint | null;
  tombstoned: boolean;
}

export interface ProtocolState {
  /** First block of the batch. */
  first: bigint;
  /** Last block of the batch: the block validators and subnets were read at. */
  block: bigint;
  blockTime: bigint;
  genesis: {
    accounts: { address: string; balance: string; isContract: boolean }[];
    validators: Set<string>;
  } | null;
  validators: ValidatorState[];
  subnets: SubnetJson[];
  snapshots: Snapshot[];
  slashes: Slash[];
}

/** Whether the validator was (newly) punished relative to what the database knows. */
function punished(v: ValidatorState, known: KnownValidator): boolean {
  return (v.tombstoned && !known.tombstoned) || v.jailedUntil > (known.jailedUntil ?? 0n);
}

/** The first block in (lo, hi] at which `hotkey` shows the punishment (it does at hi). */
async function locatePunishment(
  client: IndexerRpcClient,
  known: KnownValidator,
  lo: bigint,
  hi: bigint,
): Promise<bigint> {
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    const v = await readValidator(client, known.hotkey, mid);
    if (v !== null && punished(v, known)) hi = mid;
    else lo = mid;
  }
  return hi;
}

const blockEndLogSchema = z.array(
  z.object({
    address: z.string(),
    topics: z.array(z.string()),
    data: z.string(),
    blockNumber: quantity,
    transactionHash: z.string().transform((s) => s.toLowerCase()),
  }),
);

/**
 * The batch's block-end events (EpochCompleted, ValidatorSlashed) where the node serves them:
 * logs of the precompiles under a pseudo-transaction that is in no block's transaction list.
 * A node that does not serve them answers with none, and the schedule and the state diff find
 * the same facts (without the exact slashed amount).
 */
async function readBlockEndEvents(
  client: IndexerRpcClient,
  batch: FetchedBlock[],
  first: bigint,
  last: bigint,
) {
  const raw = await call(client, "eth_getLogs", [
    {
      fromBlock: q(first),
      toBlock: q(last),
      address: [stakingPrecompile.address, metagraphPrecompile.address],
    },
  ]);
  const txHashes = new Set(batch.flatMap((b) => b.block.transactions.map((t) => t.hash.toLowerCase())));
  const epochs: { netuid: number; block: bigint }[] = [];
  const slashes: { hotkey: string; block: bigint; kind: Slash["kind"]; amount: bigint }[] = [];
  for (const l of parseRpcResult(blockEndLogSchema, raw, "eth_getLogs result")) {
    if (txHashes.has(l.transactionHash)) continue;
    const d = decodeLog(l.address, l.topics, l.data);
    const args = d?.args as Record<string, string | number> | undefined;
    if (d?.eventName === "EpochCompleted" && args)
      epochs.push({ netuid: Number(args.netuid), block: l.blockNumber });
    if (d?.eventName === "ValidatorSlashed" && args)
      slashes.push({
        hotkey: String(args.hotkey).toLowerCase(),
        block: l.blockNumber,
        kind: Number(args.reason) === 0 ? "double_sign" : "downtime",
        amount: BigInt(args.amount!),
      });
  }
  return { epochs, slashes };
}

/**
 * Everything read at the batch's blocks; independent of the database, so it is prefetched with
 * the blocks. Slashing without a block-end log is added by findUnloggedSlashes() once the
 * previous batch is written.
 */
export async function fetchProtocolState(
  client: IndexerRpcClient,
  batch: FetchedBlock[],
): Promise<ProtocolState> {
  const first = BigInt(batch[0]!.block.number);
  const lastBlock = batch[batch.length - 1]!.block;
  const last = BigInt(lastBlock.number);
  const [validators, subnetsRaw, genesisRaw, genesisValidators, blockEnd] = await Promise.all([
    readValidators(client, last),
    call(client, "tensorchain_getSubnets", [q(last)]),
    first === 0n ? call(client, "tensorchain_getGenesis", []).catch(() => null) : null,
    first === 0n ? readValidators(client, 0n) : null,
    readBlockEndEvents(client, batch, first, last),
  ]);
  const subnets = parseRpcResult(z.array(subnetSchema), subnetsRaw, "tensorchain_getSubnets result");

  let genesis: ProtocolState["genesis"] = null;
  if (first === 0n) {
    // A node without tensorchain_getGenesis still gives the genesis validators (state at block 0).
    const g =
      genesisRaw === null ? null : parseRpcResult(genesisSchema, genesisRaw, "tensorchain_getGenesis result");
    genesis = {
      accounts: (g?.accounts ?? []).map((a) => ({
        address: a.address,
        balance: a.balance,
        isContract: a.code !== undefined && a.code !== "0x",
      })),
      validators: new Set(genesisValidators!.map((v) => v.hotkey)),
    };
  }

  // Epochs: a subnet's schedule gives the candidate blocks, and the metagraph at each says
  // whether the epoch ran there (a subnet without neurons skips it).
  const candidates: { netuid: number; block: bigint; tempo: number }[] = [];
  for (const s of subnets) {
    if (s.netuid === 0) continue; // the root subnet has no Yuma epoch
    const tempo = s.hyperparameters.tempo;
    const from = first > s.registeredAt ? first : s.registeredAt;
    for (let b = from; b <= last; b++)
      if (isEpochBlock(s.netuid, tempo, Number(b))) candidates.push({ netuid: s.netuid, block: b, tempo });
    // An epoch the node reported off the current schedule (the tempo changed within the batch).
    for (const e of blockEnd.epochs)
      if (e.netuid === s.netuid && !candidates.some((c) => c.netuid === e.netuid && c.block === e.block))
        candidates.push({ netuid: s.netuid, block: e.block, tempo });
  }
  const metagraphs = await Promise.all(
    candidates.map(async (c) =>
      parseRpcResult(
        metagraphSchema,
        await call(client, "tensorchain_getMetagraph", [c.netuid, q(c.block)]),
        `metagraph of subnet ${c.netuid} at block ${c.block}`,
      ),
    ),
  );
  const snapshots: Snapshot[] = [];
  candidates.forEach((c, i) => {
    const m = metagraphs[i]!;
    if (m.lastEpochBlock === c.block && m.n > 0)
      snapshots.push({
        netuid: c.netuid,
        blockNumber: c.block,
        epoch: BigInt(tempoIndex(c.netuid, c.tempo, Number(c.block))),
        metagraph: m,
      });
  });

  const slashes: Slash[] = [];
  for (const e of blockEnd.slashes) {
    const after = await readValidator(client, e.hotkey, e.block);
    slashes.push({
      hotkey: e.hotkey,
      blockNumber: e.block,
      kind: e.kind,
      amount: e.amount,
      jailedUntil: after !== null && after.jailedUntil > 0n ? after.jailedUntil : null,
      tombstoned: after?.tombstoned ?? false,
    });
  }
  return {
    first,
    block: last,
    blockTime: BigInt(lastBlock.timestamp),
    genesis,
    validators,
    subnets,
    snapshots,
    slashes,
  };
}

/**
 * Slashing a node without block-end logs does not report: a jail or tombstone that `known`
 * (the database before this batch) has not seen marks one, bisected to its block; the slashed
 * amount is the drop of the validator's bonded stake across that block. Adds to `s.slashes`.
 */
export async function findUnloggedSlashes(
  client: IndexerRpcClient,
  s: ProtocolState,
  known: ReadonlyMap<string, KnownValidator>,
): Promise<void> {
  const { first, block: last, slashes } = s;
  for (const v of s.validators) {
    const k = known.get(v.hotkey);
    if (k === undefined || !punished(v, k) || slashes.some((x) => x.hotkey === v.hotkey)) continue;
    const at = first === last ? last : await locatePunishment(client, k, first - 1n, last);
    const [before, after] = await Promise.all([
      readValidator(client, v.hotkey, at - 1n),
      readValidator(client, v.hotkey, at),
    ]);
    const drop = (before?.votingPower ?? 0n) - (after?.votingPower ?? 0n);
    const tombstoned = after?.tombstoned ?? v.tombstoned;
    slashes.push({
      hotkey: v.hotkey,
      blockNumber: at,
      kind: tombstoned && !k.tombstoned ? "double_sign" : "downtime",
      amount: drop > 0n ? drop : 0n,
      jailedUntil: after !== null && after.jailedUntil > 0n ? after.jailedUntil : null,
      tombstoned,
    });
  }
}

function validatorStatus(v: ValidatorState, now: bigint): "active" | "inactive" | "jailed" | "tombstoned" {
  if (v.tombstoned) return "tombstoned";
  if (v.jailedUntil > now) return "jailed";
  return v.active ? "active" : "inactive";
}

const frac = (u16: number) => u16 / U16;

/** Who signed and proposed each newly inserted block: the uptime inputs. */
export interface BlockSigners {
  number: bigint;
  proposer: string;
  /** Validators whose signature is in the block's commit certificate (of its parent); null without one (dev mode). */
  signers: Set<string> | null;
}

export function blockSigners(number: bigint, miner: string, extraData: string): BlockSigners {
  let signers: Set<string> | null = null;
  if (extraData.length > 2) {
    try {
      // The parent's certificate, possibly followed by double-sign evidence (header-extra.ts).
      const cert = decodeHeaderExtra(Buffer.from(extraData.slice(2), "hex")).certificate;
      signers = cert ? new Set(cert.signatures.map((s) => s.validator.toLowerCase())) : null;
    } catch {
      signers = null; // not a certificate: count the proposer only
    }
  }
  return { number, proposer: miner.toLowerCase(), signers };
}

export async function writeProtocolState(
  db: Prisma.TransactionClient,
  s: ProtocolState,
  newBlocks: BlockSigners[],
): Promise<void> {
  const bn = s.block;
  if (s.genesis !== null && s.genesis.accounts.length > 0) {
    const g = s.genesis.accounts;
    await db.$executeRaw`
      INSERT INTO "Account" ("address", "balance", "balanceBlock", "txCount", "firstSeenBlock", "lastSeenBlock", "isContract", "updatedAt")
      SELECT a, b, 0, 0, 0, 0, k, now()
      FROM unnest(${g.map((a) => a.address)}::text[], ${g.map((a) => a.balance)}::numeric[], ${g.map((a) => a.isContract)}::boolean[]) AS t(a, b, k)
      ON CONFLICT ("address") DO UPDATE SET "firstSeenBlock" = 0, "balance" = EXCLUDED."balance", "balanceBlock" = 0
        WHERE "Account"."balanceBlock" = 0 AND "Account"."balance" = 0`;
  }

  // Validators: create the unknown ones, move the known ones forward to this block's state.
  await db.validator.createMany({
    data: s.validators.map((v) => ({
      hotkey: v.hotkey,
      coldkey: v.coldkey,
      consensusKey: v.consensusKey,
      firstSeenBlock: s.genesis?.validators.has(v.hotkey) ? 0n : bn,
      updatedAtBlock: bn,
    })),
    skipDuplicates: true,
  });
  for (const v of s.validators) {
    await db.validator.updateMany({
      where: { hotkey: v.hotkey, updatedAtBlock: { lte: bn } },
      data: {
        coldkey: v.coldkey,
        consensusKey: v.consensusKey,
        stake: v.votingPower.toString(),
        votingPower: v.votingPower / TEN,
        status: validatorStatus(v, s.blockTime),
        jailedUntil: v.jailedUntil > 0n ? v.jailedUntil : null,
        updatedAtBlock: bn,
      },
    });
  }
  for (const x of s.slashes) {
    await db.slashingEvent.upsert({
      where: {
        validatorHotkey_blockNumber_kind: {
          validatorHotkey: x.hotkey,
          blockNumber: x.blockNumber,
          kind: x.kind,
        },
      },
      create: {
        validatorHotkey: x.hotkey,
        blockNumber: x.blockNumber,
        kind: x.kind,
        amount: x.amount.toString(),
        jailedUntil: x.jailedUntil,
        tombstoned: x.tombstoned,
      },
      update: {},
    });
  }

  // Subnets (the root subnet and any registered before the indexer saw its event included).
  await db.subnet.createMany({
    data: s.subnets.map((x) => ({
      netuid: x.netuid,
      owner: x.owner,
      name: x.name,
      registeredAt: x.registeredAt,
      hyperparams: x.hyperparameters as Prisma.InputJsonValue,
      taskSpec: { uri: x.taskSpecURI, ...x.taskSpec } as Prisma.InputJsonValue,
      updatedAtBlock: bn,
    })),
    skipDuplicates: true,
  });
  for (const x of s.subnets) {
    await db.subnet.updateMany({
      where: { netuid: x.netuid, updatedAtBlock: { lte: bn } },
      data: {
        owner: x.owner,
        name: x.name,
        hyperparams: x.hyperparameters as Prisma.InputJsonValue,
        taskSpec: { uri: x.taskSpecURI, ...x.taskSpec } as Prisma.InputJsonValue,
        updatedAtBlock: bn,
      },
    });
  }

  // In block order: a subnet's later epoch decides its neurons' permits.
  const snapshots = [...s.snapshots].sort((a, b) =>
    a.blockNumber < b.blockNumber ? -1 : a.blockNumber > b.blockNumber ? 1 : 0,
  );
  for (const snap of snapshots) await writeSnapshot(db, snap);
  await countUptime(db, newBlocks, s.validators);
}

async function writeSnapshot(db: Prisma.TransactionClient, snap: Snapshot): Promise<void> {
  const m = snap.metagraph;
  const stakes = m.stakes.map(BigInt);
  const emission = m.emission.map(BigInt);
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
  const row = await db.metagraphSnapshot.upsert({
    where: { netuid_blockNumber: { netuid: snap.netuid, blockNumber: snap.blockNumber } },
    create: {
      netuid: snap.netuid,
      blockNumber: snap.blockNumber,
      epoch: snap.epoch,
      neuronCount: m.n,
      totalStake: sum(stakes).toString(),
      emission: sum(emission).toString(),
    },
    update: {},
    select: { id: true },
  });
  await db.neuronEpoch.createMany({
    data: m.hotkeys.map((hotkey, uid) => ({
      snapshotId: row.id,
      uid,
      netuid: snap.netuid,
      blockNumber: snap.blockNumber,
      hotkey,
      stake: stakes[uid]!.toString(),
      rank: m.ranks[uid]!,
      trust: frac(m.trust[uid]!),
      // The epoch writes the validator trust into the neuron's trust field (block-end.ts).
      validatorTrust: frac(m.trust[uid]!),
      consensus: frac(m.consensus[uid]!),
      incentive: frac(m.incentive[uid]!),
      dividends: frac(m.dividends[uid]!),
      emission: emission[uid]!.toString(),
      active: m.active[uid]!,
      validatorPermit: m.validatorPermit[uid]!,
    })),
    skipDuplicates: true,
  });
  // Validator permits: the epoch's permit of each UID goes to the neuron that held it then
  // (same hotkey, registered at or before the epoch; a UID re-registered later in the batch
  // starts without one), whatever else about the neuron changed later in the batch (axon, model:
  // updatedAtBlock is not the guard here). Only from the subnet's latest stored epoch, so
  // re-indexing an older range does not bring back an old permit.
  await db.$executeRaw`
    UPDATE "Neuron" AS n SET "isValidator" = t.p, "updatedAt" = now()
    FROM unnest(${m.hotkeys.map((_, uid) => uid)}::int[], ${m.hotkeys}::text[], ${m.validatorPermit}::boolean[]) AS t(u, h, p)
    WHERE n."netuid" = ${snap.netuid} AND n."uid" = t.u AND n."hotkey" = t.h
      AND n."registeredAt" <= ${snap.blockNumber} AND n."isValidator" IS DISTINCT FROM t.p
      AND NOT EXISTS (
        SELECT 1 FROM "MetagraphSnapshot" AS s
        WHERE s."netuid" = ${snap.netuid} AND s."blockNumber" > ${snap.blockNumber}
      )`;
}

/**
 * Adds the newly inserted blocks to their uptime windows: a validator of the set signed a block
 * when its signature is in the next block's certificate, and proposed it when it is the miner.
 * Blocks without a certificate (a dev node's) count only their proposer.
 */
async function countUptime(
  db: Prisma.TransactionClient,
  blocks: BlockSigners[],
  validators: ValidatorState[],
): Promise<void> {
  if (blocks.length === 0) return;
  const set = validators.filter((v) => v.active && !v.tombstoned).map((v) => v.hotkey);
  const known = new Set(validators.map((v) => v.hotkey));
  const counts = new Map<string, { signed: number; missed: number; proposed: number }>();
  const bump = (hotkey: string, window: bigint, k: "signed" | "missed" | "proposed") => {
    const key = `${hotkey}:${window}`;
    const c = counts.get(key) ?? { signed: 0, missed: 0, proposed: 0 };
    c[k]++;
    counts.set(key, c);
  };
  for (const b of blocks) {
    if (b.number === 0n) continue;
    const window = (b.number / UPTIME_WINDOW) * UPTIME_WINDOW;
    if (known.has(b.proposer)) bump(b.proposer, window, "proposed");
    if (b.signers === null) {
      if (known.has(b.proposer)) bump(b.proposer, window, "signed");
    } else for (const h of set) bump(h, window, b.signers.has(h) ? "signed" : "missed");
  }
  const rows = [...counts.entries()].map(([key, c]) => {
    const [hotkey, window] = key.split(":") as [string, string];
    return { hotkey, window, ...c };
  });
  if (rows.length === 0) return;
  await db.$executeRaw`
    INSERT INTO "ValidatorUptime" ("validatorHotkey", "fromBlock", "toBlock", "signedBlocks", "missedBlocks", "proposedBlocks")
    SELECT h, f, f + ${UPTIME_WINDOW - 1n}, s, m, p
    FROM unnest(${rows.map((r) => r.hotkey)}::text[], ${rows.map((r) => r.window)}::bigint[],
                ${rows.map((r) => r.signed)}::int[], ${rows.map((r) => r.missed)}::int[], ${rows.map((r) => r.proposed)}::int[]) AS t(h, f, s, m, p)
    ON CONFLICT ("validatorHotkey", "fromBlock") DO UPDATE SET
      "signedBlocks" = "ValidatorUptime"."signedBlocks" + EXCLUDED."signedBlocks",
      "missedBlocks" = "ValidatorUptime"."missedBlocks" + EXCLUDED."missedBlocks",
      "proposedBlocks" = "ValidatorUptime"."proposedBlocks" + EXCLUDED."proposedBlocks"`;
}
