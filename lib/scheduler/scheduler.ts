// The validator scheduler (ARCHITECTURE.md §4): run by the app server when VALIDATOR_PRIVATE_KEY
// is set. Each tick, for every subnet where the validator's hotkey holds a permit:
//   1. reveal a committed round once its reveal window opens (expired after it closes);
//   2. a round whose evaluate jobs all finished (or that waited SETTLE_TEMPOS tempos) is weighed:
//      receipts → scores → weights (weights.ts), committed with the receipts' Merkle root
//      (setWeights directly when the subnet has commit-reveal off);
//   3. with no round open, a new one starts for the current tempo: one evaluate job per miner
//      model in the metagraph (one score job per miner endpoint on text subnets), restricted to
//      this validator's workers.
// Rounds live in the WeightRound table (salt and weights included), so a restart reveals what
// was committed before it. The salt and weights are stored before the commit is sent.
import type { PrismaClient, WeightRound } from "@prisma/client";
import { toHex, zeroHash, type Hex } from "viem";
import { randomBytes } from "node:crypto";
import { weightsCommitHash } from "@/contracts/commit-hash";
import { tempoIndex } from "@/chain/src/protocol/schedule";
import { merkleRoot } from "@tensorchain/worker/receipts";
import type { TaskSpec } from "@tensorchain/worker/task-spec";
import type { JobQueue } from "@/lib/jobs/queue";
import type { MetagraphJson, SubnetJson, ValidatorChain } from "./chain";
import { resolveTaskSpec } from "./task-spec";
import { deriveWeights } from "./weights";

/** Tempos an evaluating round waits for unfinished jobs before weighing the receipts it has. */
export const SETTLE_TEMPOS = 2;
/** Tempos after settling within which a round that could not commit keeps retrying. */
const COMMIT_RETRY_TEMPOS = 2;

const TERMINAL = new Set(["succeeded", "failed", "dead"]);

export interface RoundJob {
  jobId: string;
  uid: number;
  hotkey: string;
  /** The model evaluated (evaluate jobs) or the endpoint scored (score jobs, text tasks). */
  modelHash?: string;
  endpoint?: string;
}

export interface SchedulerLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface SchedulerDeps {
  prisma: PrismaClient;
  queue: JobQueue;
  chain: ValidatorChain;
  /** Only these subnets (all where the hotkey holds a permit when absent). */
  netuids?: readonly number[];
  taskSpec?: (subnet: SubnetJson) => Promise<TaskSpec>;
  /** Tempos a round waits for unfinished jobs (default SETTLE_TEMPOS). */
  settleTempos?: number;
  log?: SchedulerLog;
}

const consoleLog: SchedulerLog = {
  info: (msg, f) => console.log(`[scheduler] ${msg}${f ? ` ${JSON.stringify(f)}` : ""}`),
  warn: (msg, f) => console.warn(`[scheduler] ${msg}${f ? ` ${JSON.stringify(f)}` : ""}`),
};

const isZero = (h: string | undefined) => !h || /^0x0*$/.test(h);

export class ValidatorScheduler {
  private readonly log: SchedulerLog;
  private readonly taskSpec: (subnet: SubnetJson) => Promise<TaskSpec>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.log = deps.log ?? consoleLog;
    this.taskSpec = deps.taskSpec ?? ((s) => resolveTaskSpec(s));
  }

  get hotkey(): string {
    return this.deps.chain.hotkey;
  }

  /** Ticks every `intervalMs` until stop(); a tick's error is logged and the loop goes on. */
  start(intervalMs: number): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((err: unknown) => this.log.warn("tick failed", { reason: (err as Error).message }))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, intervalMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every subnet this validator validates. */
  async tick(): Promise<void> {
    const head = await this.deps.chain.blockNumber();
    const subnets = (await this.deps.chain.subnets()).filter(
      (s) => s.netuid !== 0 && (this.deps.netuids === undefined || this.deps.netuids.includes(s.netuid)),
    );
    for (const subnet of subnets) {
      try {
        await this.tickSubnet(subnet, head);
      } catch (err) {
        this.log.warn("subnet tick failed", { netuid: subnet.netuid, reason: (err as Error).message });
      }
    }
  }

  private async tickSubnet(subnet: SubnetJson, head: bigint): Promise<void> {
    const { prisma, chain } = this.deps;
    const mg = await chain.metagraph(subnet.netuid);
    const self = mg.hotkeys.findIndex((h) => h.toLowerCase() === this.hotkey);
    if (self < 0 || !mg.validatorPermit[self]) return;
    const tempo = tempoIndex(subnet.netuid, subnet.hyperparameters.tempo, Number(head));
    const open = await prisma.weightRound.findMany({
      where: { netuid: subnet.netuid, validatorHotkey: this.hotkey, status: { in: ["evaluating", "committed"] } },
      orderBy: { tempo: "asc" },
    });
    for (const round of open) {
      if (round.status === "committed") await this.reveal(round, head);
      else await this.settle(round, subnet, mg, self, tempo);
    }
    const stillOpen = await prisma.weightRound.count({
      where: { netuid: subnet.netuid, validatorHotkey: this.hotkey, status: { in: ["evaluating", "committed"] } },
    });
    if (stillOpen > 0) return;
    const exists = await prisma.weightRound.findUnique({
      where: {
        netuid_validatorHotkey_tempo: { netuid: subnet.netuid, validatorHotkey: this.hotkey, tempo: BigInt(tempo) },
      },
      select: { id: true },
    });
    if (exists === null) await this.startRound(subnet, mg, self, tempo);
  }

  private async startRound(subnet: SubnetJson, mg: MetagraphJson, self: number, tempo: number): Promise<void> {
    const { prisma, queue } = this.deps;
    const base = { netuid: subnet.netuid, validatorHotkey: this.hotkey, tempo: BigInt(tempo) };
    let spec: TaskSpec;
    try {
      spec = await this.taskSpec(subnet);
    } catch (err) {
      await prisma.weightRound.create({
        data: { ...base, status: "skipped", jobs: [], error: (err as Error).message },
      });
      this.log.warn("round skipped: no usable task spec", { netuid: subnet.netuid, reason: (err as Error).message });
      return;
    }
    const jobs: RoundJob[] = [];
    for (let uid = 0; uid < mg.n; uid++) {
      if (uid === self) continue;
      if (spec.taskType === "text") {
        // Text tasks are served by the miners' endpoints (axons), scored by score jobs.
        const endpoint = mg.axons[uid];
        if (!endpoint || !/^https?:\/\//.test(endpoint)) continue;
        const { id } = await queue.enqueue(
          "score",
          { netuid: subnet.netuid, uid, hotkey: mg.hotkeys[uid]!, endpoint, taskSpec: spec },
          { validatorHotkey: this.hotkey, netuid: subnet.netuid },
        );
        jobs.push({ jobId: id, uid, hotkey: mg.hotkeys[uid]!.toLowerCase(), endpoint });
        continue;
      }
      const modelHash = mg.modelHashes[uid];
      if (isZero(modelHash)) continue;
      const parent = mg.parentModelHashes[uid];
      const parentModelHash = isZero(parent) ? undefined : parent!.toLowerCase();
      // A parent already scored on this data set keeps its score; otherwise the worker scores it.
      const parentReceipt = parentModelHash
        ? await prisma.evaluationReceipt.findFirst({
            where: { modelHash: parentModelHash, datasetHash: spec.dataset.hash, modelStatus: "ok" },
            orderBy: { createdAt: "desc" },
            select: { scoreBps: true },
          })
        : null;
      const { id } = await queue.enqueue(
        "evaluate",
        {
          netuid: subnet.netuid,
          uid,
          hotkey: mg.hotkeys[uid]!,
          modelHash: modelHash!,
          ...(mg.modelURIs[uid] ? { modelUri: mg.modelURIs[uid] } : {}),
          ...(parentModelHash ? { parentModelHash } : {}),
          ...(parentReceipt ? { parentScoreBps: parentReceipt.scoreBps } : {}),
          taskSpec: spec,
        },
        { validatorHotkey: this.hotkey, netuid: subnet.netuid },
      );
      jobs.push({ jobId: id, uid, hotkey: mg.hotkeys[uid]!.toLowerCase(), modelHash: modelHash!.toLowerCase() });
    }
    await prisma.weightRound.create({
      data: {
        ...base,
        status: jobs.length > 0 ? "evaluating" : "skipped",
        jobs: jobs as never,
        ...(jobs.length === 0 ? { error: "no miner has published a model" } : {}),
      },
    });
    this.log.info("round started", { netuid: subnet.netuid, tempo, jobs: jobs.length });
  }

  /** Weighs a round once its jobs are done (or it waited long enough) and commits the weights. */
  private async settle(
    round: WeightRound,
    subnet: SubnetJson,
    mg: MetagraphJson,
    self: number,
    tempo: number,
  ): Promise<void> {
    const { prisma } = this.deps;
    const age = tempo - Number(round.tempo);
    if (round.commitHash === null) {
      const jobs = round.jobs as unknown as RoundJob[];
      const rows = await prisma.job.findMany({
        where: { id: { in: jobs.map((j) => j.jobId) } },
        select: { id: true, status: true },
      });
      const finished = rows.filter((r) => TERMINAL.has(r.status)).length;
      if (finished < jobs.length && age < (this.deps.settleTempos ?? SETTLE_TEMPOS)) return;
      await this.weigh(round, subnet, mg, self, jobs);
    } else if (age >= (this.deps.settleTempos ?? SETTLE_TEMPOS) + COMMIT_RETRY_TEMPOS) {
      await prisma.weightRound.update({ where: { id: round.id }, data: { status: "failed" } });
      this.log.warn("round gave up committing", { netuid: round.netuid, tempo: Number(round.tempo), reason: round.error });
      return;
    }
    const fresh = await prisma.weightRound.findUniqueOrThrow({ where: { id: round.id } });
    if (fresh.status === "evaluating" && fresh.commitHash !== null) await this.commit(fresh, subnet);
  }

  /** Receipts → weights, root, salt and commit hash, stored before anything is sent. */
  private async weigh(
    round: WeightRound,
    subnet: SubnetJson,
    mg: MetagraphJson,
    self: number,
    jobs: RoundJob[],
  ): Promise<void> {
    const { prisma } = this.deps;
    const receipts = await prisma.evaluationReceipt.findMany({
      where: { jobId: { in: jobs.map((j) => j.jobId) } },
      select: { id: true, uid: true, minerHotkey: true, scoreBps: true, leaf: true },
    });
    // A UID whose hotkey changed since the job was enqueued belongs to someone else now.
    const current = receipts.filter((r) => mg.hotkeys[r.uid]?.toLowerCase() === r.minerHotkey);
    const { uids, values } = deriveWeights(
      current.map((r) => ({ uid: r.uid, scoreBps: r.scoreBps })),
      self,
    );
    const leaves = current.map((r) => r.leaf).filter((l): l is string => l !== null) as Hex[];
    const receiptsRoot = leaves.length > 0 ? merkleRoot(leaves) : zeroHash;
    await prisma.evaluationReceipt.updateMany({
      where: { id: { in: current.map((r) => r.id) } },
      data: { roundId: round.id },
    });
    if (uids.length === 0) {
      await prisma.weightRound.update({
        where: { id: round.id },
        data: { status: "skipped", receiptsRoot, error: "no model scored above 0" },
      });
      this.log.info("round skipped: no model scored above 0", { netuid: round.netuid, tempo: Number(round.tempo) });
      return;
    }
    const salt = toHex(randomBytes(32));
    const versionKey = BigInt(subnet.hyperparameters.weightsVersionKey);
    const commitHash = weightsCommitHash({
      hotkey: this.hotkey as Hex,
      netuid: round.netuid,
      uids,
      values,
      salt,
      versionKey,
    });
    await prisma.weightRound.update({
      where: { id: round.id },
      data: { uids, weights: values, salt, versionKey: versionKey.toString(), receiptsRoot, commitHash },
    });
  }

  private async commit(round: WeightRound, subnet: SubnetJson): Promise<void> {
    const { prisma, chain } = this.deps;
    const uids = round.uids as number[];
    const values = round.weights as number[];
    const versionKey = BigInt(round.versionKey!);
    try {
      if (!subnet.hyperparameters.commitRevealEnabled) {
        const tx = await chain.setWeights(round.netuid, uids, values, versionKey);
        await prisma.weightRound.update({
          where: { id: round.id },
          data: { status: "revealed", revealTxHash: tx.txHash, revealBlock: tx.blockNumber, error: null },
        });
        this.log.info("weights set", { netuid: round.netuid, tempo: Number(round.tempo), uids, values });
        return;
      }
      const tx = await chain.commitWeights(round.netuid, round.commitHash as Hex, round.receiptsRoot as Hex);
      await prisma.weightRound.update({
        where: { id: round.id },
        data: {
          status: "committed",
          commitTxHash: tx.txHash,
          commitBlock: tx.blockNumber,
          revealFromBlock: tx.revealFromBlock,
          revealUntilBlock: tx.revealUntilBlock,
          error: null,
        },
      });
      this.log.info("weights committed", {
        netuid: round.netuid,
        tempo: Number(round.tempo),
        receiptsRoot: round.receiptsRoot,
        revealFrom: Number(tx.revealFromBlock),
      });
    } catch (err) {
      // Left "evaluating" with its commit hash: the next tick retries (e.g. after a rate limit).
      await prisma.weightRound.update({ where: { id: round.id }, data: { error: (err as Error).message } });
      this.log.warn("commit failed; will retry", { netuid: round.netuid, reason: (err as Error).message });
    }
  }

  private async reveal(round: WeightRound, head: bigint): Promise<void> {
    const { prisma, chain } = this.deps;
    if (round.revealFromBlock === null || head < round.revealFromBlock) return;
    if (round.revealUntilBlock !== null && head > round.revealUntilBlock) {
      await prisma.weightRound.update({
        where: { id: round.id },
        data: { status: "expired", error: `the reveal window closed at block ${round.revealUntilBlock}` },
      });
      this.log.warn("reveal window missed", { netuid: round.netuid, tempo: Number(round.tempo) });
      return;
    }
    try {
      const tx = await chain.revealWeights(
        round.netuid,
        round.uids as number[],
        round.weights as number[],
        round.salt as Hex,
        BigInt(round.versionKey!),
      );
      await prisma.weightRound.update({
        where: { id: round.id },
        data: { status: "revealed", revealTxHash: tx.txHash, revealBlock: tx.blockNumber, error: null },
      });
      this.log.info("weights revealed", { netuid: round.netuid, tempo: Number(round.tempo), block: Number(tx.blockNumber) });
    } catch (err) {
      await prisma.weightRound.update({ where: { id: round.id }, data: { error: (err as Error).message } });
      this.log.warn("reveal failed; will retry in the window", { netuid: round.netuid, reason: (err as Error).message });
    }
  }
}
