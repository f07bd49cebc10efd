"use server";
// Server actions of the validator portal: a validator's evaluation receipts (written by the
// job queue when its workers complete evaluate jobs, lib/jobs/queue.ts) and its open jobs, read
// from the database. Public data, like the chain: no session needed.
import { getAddress } from "viem";
import { getPrisma } from "@/lib/db/client";
import { queueStats } from "@/lib/jobs/queue";

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
  /** Seconds the oldest job ready to run has waited (0 when none waits). */
  oldestReadySeconds: number;
  /** Jobs that finished (succeeded, failed or dead) in the last hour: the queue's throughput. */
  finishedLastHour: number;
}

const RECEIPTS_SHOWN = 50;

export async function loadValidatorEvaluations(validator: string): Promise<ValidatorEvaluations> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(validator)) throw new Error("expected a 20-byte hex address");
  const prisma = getPrisma();
  const hotkey = validator.toLowerCase();
  const [receipts, stats, finishedLastHour] = await Promise.all([
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
    queueStats({ validatorHotkey: hotkey }),
    prisma.job.count({
      where: { validatorHotkey: hotkey, completedAt: { gte: new Date(Date.now() - 3_600_000) } },
    }),
  ]);
  const jobs: Record<string, number> = {};
  for (const c of stats.counts) jobs[c.status] = (jobs[c.status] ?? 0) + c.count;
  return {
    receipts: receipts.map((r) => ({
      ...r,
      minerHotkey: getAddress(r.minerHotkey),
      workerAddress: getAddress(r.workerAddress),
      blockNumber: r.blockNumber.toString(),
      createdAt: r.createdAt.toISOString(),
    })),
    jobs,
    oldestReadySeconds: Math.max(0, ...Object.values(stats.oldestReadyAgeSeconds)),
    finishedLastHour,
  };
}
