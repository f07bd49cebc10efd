"use server";
// Server actions of the validator portal: a validator's evaluation receipts (written by the
// job queue when its workers complete evaluate jobs, lib/jobs/queue.ts) and its open jobs, read
// from the database. Public data, like the chain: no session needed.
import { getAddress } from "viem";
import { getPrisma } from "@/lib/db/client";

export interface ReceiptRow {
  id: string;
  netuid: number;
  uid: number;
  minerHotkey: string;
  modelHash: string;
  metric: string;
  value: number;
  workerAddress: string;
  blockNumber: string;
  createdAt: string;
}

export interface ValidatorEvaluations {
  receipts: ReceiptRow[];
  /** Jobs run on this validator's behalf, by status. */
  jobs: Record<string, number>;
}

const RECEIPTS_SHOWN = 50;

export async function loadValidatorEvaluations(validator: string): Promise<ValidatorEvaluations> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(validator)) throw new Error("expected a 20-byte hex address");
  const prisma = getPrisma();
  const hotkey = validator.toLowerCase();
  const [receipts, jobs] = await Promise.all([
    prisma.evaluationReceipt.findMany({
      where: { validatorHotkey: hotkey },
      orderBy: { createdAt: "desc" },
      take: RECEIPTS_SHOWN,
      select: {
        id: true,
        netuid: true,
        uid: true,
        minerHotkey: true,
        modelHash: true,
        metric: true,
        value: true,
        workerAddress: true,
        blockNumber: true,
        createdAt: true,
      },
    }),
    prisma.job.groupBy({ by: ["status"], where: { validatorHotkey: hotkey }, _count: { _all: true } }),
  ]);
  return {
    receipts: receipts.map((r) => ({
      ...r,
      minerHotkey: getAddress(r.minerHotkey),
      workerAddress: getAddress(r.workerAddress),
      blockNumber: r.blockNumber.toString(),
      createdAt: r.createdAt.toISOString(),
    })),
    jobs: Object.fromEntries(jobs.map((j) => [j.status, j._count._all])),
  };
}
