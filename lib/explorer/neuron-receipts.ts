// The neuron page's slot for evaluation receipts (issue 7's worker results): the latest
// receipts of a UID, newest first. The page renders components/explorer/NeuronReceipts.tsx
// with them, and nothing when the table has none for this UID.
import type { PrismaClient } from "@prisma/client";

/** Receipts listed on a neuron page. */
export const NEURON_RECEIPT_ROWS = 20;

export async function loadNeuronReceipts(db: PrismaClient, netuid: number, uid: number) {
  const rows = await db.evaluationReceipt.findMany({
    where: { netuid, uid },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: NEURON_RECEIPT_ROWS,
    select: {
      id: true,
      validatorHotkey: true,
      modelHash: true,
      metric: true,
      value: true,
      blockNumber: true,
      createdAt: true,
    },
  });
  return rows.map((r) => ({
    ...r,
    blockNumber: Number(r.blockNumber),
    createdAt: r.createdAt.toISOString(),
  }));
}

export type NeuronReceiptRow = Awaited<ReturnType<typeof loadNeuronReceipts>>[number];
