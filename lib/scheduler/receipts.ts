// Reads of evaluation receipts and model lineage for the public API and the neuron page.
// Each receipt is served with its signed form ({ receipt, signature }: what
// `tensorchain-worker verify` takes), its Merkle leaf and, once weighed, the round that
// committed it with the proof of the leaf against that round's receiptsRoot.
import type { EvaluationReceipt as ReceiptRow, PrismaClient, WeightRound } from "@prisma/client";
import { getAddress, type Hex } from "viem";
import { merkleProof, type EvaluationReceipt } from "@tensorchain/worker/receipts";
import type { Metric } from "@tensorchain/worker/task-spec";

export interface ReceiptView {
  id: string;
  jobId: string;
  netuid: number;
  uid: number;
  minerHotkey: string;
  validatorHotkey: string;
  worker: string;
  modelHash: string;
  datasetHash: string;
  metric: string;
  /** 0–100. */
  score: number;
  scoreBps: number;
  parentModelHash: string | null;
  parentScoreBps: number | null;
  /** score − parent score, basis points (proof of learning). */
  improvementBps: number | null;
  modelStatus: string;
  reason: string | null;
  blockNumber: number;
  createdAt: string;
  leaf: string | null;
  round: {
    id: string;
    tempo: number;
    status: string;
    receiptsRoot: string | null;
    commitTxHash: string | null;
    revealTxHash: string | null;
  } | null;
  /** Sibling hashes from the leaf to the round's receiptsRoot. */
  proof: string[] | null;
  /** The signed receipt as the worker signed it: verify with `tensorchain-worker verify`. */
  signed: { receipt: EvaluationReceipt; signature: string };
}

/** The receipt a row stores, field for field as signed (receipts.ts RECEIPT_TYPES). */
export function signedReceiptOf(r: ReceiptRow): { receipt: EvaluationReceipt; signature: string } {
  const receipt: EvaluationReceipt = {
    jobId: r.jobId,
    netuid: r.netuid,
    uid: r.uid,
    hotkey: getAddress(r.minerHotkey),
    modelHash: r.modelHash as Hex,
    datasetHash: r.datasetHash as Hex,
    metric: r.metric as Metric,
    score: r.scoreBps,
    worker: getAddress(r.workerAddress),
    createdAt: Number(r.signedAt),
  };
  if (r.parentModelHash !== null) {
    receipt.parentModelHash = r.parentModelHash as Hex;
    receipt.parentScore = r.parentScoreBps ?? 0;
    receipt.improvement = r.improvementBps ?? 0;
  }
  return { receipt, signature: r.signature };
}

function view(r: ReceiptRow & { round: WeightRound | null }, leaves: Map<string, Hex[]>): ReceiptView {
  const roundLeaves = r.roundId ? leaves.get(r.roundId) : undefined;
  return {
    id: r.id,
    jobId: r.jobId,
    netuid: r.netuid,
    uid: r.uid,
    minerHotkey: r.minerHotkey,
    validatorHotkey: r.validatorHotkey,
    worker: r.workerAddress,
    modelHash: r.modelHash,
    datasetHash: r.datasetHash,
    metric: r.metric,
    score: r.value,
    scoreBps: r.scoreBps,
    parentModelHash: r.parentModelHash,
    parentScoreBps: r.parentScoreBps,
    improvementBps: r.improvementBps,
    modelStatus: r.modelStatus,
    reason: r.reason,
    blockNumber: Number(r.blockNumber),
    createdAt: r.createdAt.toISOString(),
    leaf: r.leaf,
    round: r.round && {
      id: r.round.id,
      tempo: Number(r.round.tempo),
      status: r.round.status,
      receiptsRoot: r.round.receiptsRoot,
      commitTxHash: r.round.commitTxHash,
      revealTxHash: r.round.revealTxHash,
    },
    proof: roundLeaves && r.leaf ? merkleProof(roundLeaves, r.leaf as Hex) : null,
    signed: signedReceiptOf(r),
  };
}

/** Newest first; `cursor` is the id of the last receipt of the previous page. */
export async function listNeuronReceipts(
  prisma: PrismaClient,
  netuid: number,
  uid: number,
  opts: { limit: number; cursor?: string },
): Promise<{ receipts: ReceiptView[]; nextCursor: string | null }> {
  const rows = await prisma.evaluationReceipt.findMany({
    where: { netuid, uid },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
    ...(opts.cursor ? { cursor: { id: opts.cursor }, skip: 1 } : {}),
    include: { round: true },
  });
  const page = rows.slice(0, opts.limit);
  const roundIds = [...new Set(page.map((r) => r.roundId).filter((id): id is string => id !== null))];
  const leafRows =
    roundIds.length === 0
      ? []
      : await prisma.evaluationReceipt.findMany({
          where: { roundId: { in: roundIds }, leaf: { not: null } },
          select: { roundId: true, leaf: true },
        });
  const leaves = new Map<string, Hex[]>();
  for (const l of leafRows) leaves.set(l.roundId!, [...(leaves.get(l.roundId!) ?? []), l.leaf as Hex]);
  return {
    receipts: page.map((r) => view(r, leaves)),
    nextCursor: rows.length > opts.limit ? page[page.length - 1]!.id : null,
  };
}

export interface LineageEntry {
  modelHash: string;
  parentModelHash: string | null;
  /** The latest score of this model on the subnet's data set (basis points), when evaluated. */
  scoreBps: number | null;
  /** Improvement over the parent on the same data set, as the latest receipt records it. */
  improvementBps: number | null;
  receiptId: string | null;
}

const MAX_LINEAGE = 16;

/**
 * The current model of (netuid, uid) and its ancestors, newest first: parents come from the
 * receipts (which record the parent each evaluation compared against), the indexed neuron and
 * the ModelPublished events the indexer stored.
 */
export async function modelLineage(
  prisma: PrismaClient,
  netuid: number,
  uid: number,
): Promise<{ modelHash: string | null; lineage: LineageEntry[] }> {
  const [neuron, latest] = await Promise.all([
    prisma.neuron.findUnique({ where: { netuid_uid: { netuid, uid } }, select: { modelHash: true, modelParent: true } }),
    prisma.evaluationReceipt.findFirst({ where: { netuid, uid }, orderBy: { createdAt: "desc" } }),
  ]);
  const head = neuron?.modelHash ?? latest?.modelHash ?? null;
  const lineage: LineageEntry[] = [];
  const seen = new Set<string>();
  let hash = head;
  while (hash !== null && !seen.has(hash) && lineage.length < MAX_LINEAGE) {
    seen.add(hash);
    const receipt = await prisma.evaluationReceipt.findFirst({
      where: { netuid, modelHash: hash },
      orderBy: { createdAt: "desc" },
    });
    let parent = receipt?.parentModelHash ?? (hash === neuron?.modelHash ? neuron.modelParent : null);
    if (parent === null) {
      const published = await prisma.log.findFirst({
        where: { eventName: "ModelPublished", args: { path: ["modelHash"], equals: hash } },
        orderBy: { blockNumber: "desc" },
        select: { args: true },
      });
      const p = (published?.args as { parentModelHash?: string } | null)?.parentModelHash?.toLowerCase();
      parent = p && !/^0x0*$/.test(p) ? p : null;
    }
    lineage.push({
      modelHash: hash,
      parentModelHash: parent,
      scoreBps: receipt?.scoreBps ?? null,
      improvementBps: receipt?.improvementBps ?? null,
      receiptId: receipt?.id ?? null,
    });
    hash = parent;
  }
  return { modelHash: head, lineage };
}
