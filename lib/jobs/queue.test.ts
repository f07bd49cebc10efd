// Queue semantics on real databases: the embedded PGlite server always, and a fresh schema on
// TEST_DATABASE_URL's Postgres when set. Leases are short (ms) so expiry is waited for, not faked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { InferResult, JobResult } from "@tensorchain/worker/jobs/types";
import { signReceipt } from "@tensorchain/worker/receipts";
import { startTestPglite, startTestPostgres, type TestDatabase } from "@/lib/indexer/test-db";
import { JobError } from "./errors";
import { JobQueue, retryDelayMs, type JobPayload, type WorkerIdentity } from "./queue";

const VALIDATOR = "0x" + "aa".repeat(20);
const OTHER_VALIDATOR = "0x" + "bb".repeat(20);
const HASH = `0x${"11".repeat(32)}` as const;
const TASK_SPEC = {
  version: 1,
  taskType: "classification",
  metric: "accuracy",
  inputs: [{ name: "x", dtype: "float32", shape: ["N", 8] }],
  outputs: [{ name: "logits", dtype: "float32", shape: ["N", 4] }],
  dataset: { hash: `0x${"22".repeat(32)}` },
} as const;
const inferPayload: JobPayload<"infer"> = {
  modelHash: HASH,
  inputs: { x: { dtype: "float32", shape: [1, 1], data: "AAAAAA==" } },
};
const inferResult: InferResult = { kind: "infer", status: "ok", outputs: {}, durationMs: 1 };

function worker(n: number, validatorHotkey = VALIDATOR): WorkerIdentity {
  return { address: `0x${n.toString(16).padStart(40, "0")}`, validatorHotkey };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function queueSuite(name: string, start: () => Promise<TestDatabase>) {
  describe(name, () => {
    let db: TestDatabase;
    const queue = (leaseMs = 60_000, extra: Partial<ConstructorParameters<typeof JobQueue>[1]> = {}) =>
      new JobQueue(db.prisma, {
        leaseMs,
        maxAttempts: 3,
        retryBaseMs: 1_000,
        retryMaxMs: 60_000,
        random: () => 1,
        ...extra,
      });

    beforeAll(async () => {
      db = await start();
    });
    afterAll(async () => {
      await db?.stop();
    });
    const reset = () => db.prisma.job.deleteMany();

    it("validates payloads against the worker's schemas", async () => {
      const q = queue();
      await expect(q.enqueue("infer", { modelHash: "0x12" } as never)).rejects.toThrow(
        /invalid infer payload: modelHash/,
      );
      await expect(q.enqueue("bogus" as never, {} as never)).rejects.toThrow(/unknown job kind/);
      const { id } = await q.enqueue("evaluate", {
        netuid: 1,
        uid: 2,
        hotkey: `0x${"33".repeat(20)}`,
        modelHash: HASH,
        taskSpec: TASK_SPEC as never,
      });
      expect(await q.getJob(id)).toMatchObject({
        kind: "evaluate",
        status: "queued",
        netuid: 1,
        attempts: 0,
      });
      expect(await q.getJob("not-a-uuid")).toBeNull();
    });

    it("never hands one job to two of 8 concurrent claimers (50 jobs)", async () => {
      await reset();
      const q = queue();
      const ids = new Set<string>();
      for (let i = 0; i < 50; i++) ids.add((await q.enqueue("infer", inferPayload)).id);
      const claimed: string[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (;;) {
            const job = await q.claim(worker(w + 1), ["infer"]);
            if (job === null) return;
            claimed.push(job.id);
          }
        }),
      );
      expect(claimed).toHaveLength(50);
      expect(new Set(claimed)).toEqual(ids);
    });

    it("claims by kind, priority, runAt and validator", async () => {
      await reset();
      const q = queue();
      const low = await q.enqueue("infer", inferPayload);
      const high = await q.enqueue("infer", inferPayload, { priority: 5 });
      const later = await q.enqueue("infer", inferPayload, {
        priority: 9,
        runAt: new Date(Date.now() + 3_600_000),
      });
      const theirs = await q.enqueue("infer", inferPayload, {
        priority: 9,
        validatorHotkey: OTHER_VALIDATOR,
      });
      expect(await q.claim(worker(1), ["evaluate", "score"])).toBeNull();
      expect((await q.claim(worker(1), ["infer"]))?.id).toBe(high.id);
      expect((await q.claim(worker(1), ["infer"]))?.id).toBe(low.id);
      expect(await q.claim(worker(1), ["infer"])).toBeNull();
      expect((await q.claim(worker(2, OTHER_VALIDATOR), ["infer"]))?.id).toBe(theirs.id);
      expect((await q.getJob(later.id))?.status).toBe("queued");
    });

    it("returns a job whose lease expired; the late result is refused with a reason, the new holder's accepted", async () => {
      await reset();
      const q = queue(300);
      const { id } = await q.enqueue("infer", inferPayload);
      const first = await q.claim(worker(1), ["infer"]);
      expect(first).toMatchObject({ id, attempt: 1, leaseMs: 300 });
      expect(await q.claim(worker(2), ["infer"])).toBeNull();
      await sleep(500);
      const second = await q.claim(worker(2), ["infer"]);
      expect(second).toMatchObject({ id, attempt: 2 });
      const late = q.complete(worker(1), id, inferResult);
      await expect(late).rejects.toMatchObject({
        status: 409,
        message: expect.stringMatching(/re-claimed by another worker/),
      });
      await expect(q.heartbeat(worker(1), id)).rejects.toMatchObject({ status: 409 });
      await expect(q.fail(worker(1), id, "late", true)).rejects.toMatchObject({ status: 409 });
      await q.complete(worker(2), id, inferResult);
      expect(await q.getJob(id)).toMatchObject({
        status: "succeeded",
        workerId: worker(2).address,
        result: inferResult,
      });
      await expect(q.complete(worker(1), id, inferResult)).rejects.toMatchObject({ status: 409 });
    });

    it("heartbeats keep the lease past its first expiry", async () => {
      await reset();
      const q = queue(400);
      const { id } = await q.enqueue("infer", inferPayload);
      await q.claim(worker(1), ["infer"]);
      for (let i = 0; i < 4; i++) {
        await sleep(150);
        expect(await q.heartbeat(worker(1), id)).toEqual({ leaseMs: 400 });
      }
      expect(await q.claim(worker(2), ["infer"])).toBeNull();
      await expect(q.heartbeat(worker(2), id)).rejects.toBeInstanceOf(JobError);
    });

    it("complete and fail are idempotent by job id", async () => {
      await reset();
      const q = queue();
      const a = await q.enqueue("infer", inferPayload);
      await q.claim(worker(1), ["infer"]);
      expect(await q.complete(worker(1), a.id, inferResult)).toEqual({ duplicate: false });
      expect(await q.complete(worker(1), a.id, inferResult)).toEqual({ duplicate: true });
      await expect(q.fail(worker(1), a.id, "x", false)).rejects.toMatchObject({ status: 410 });
      const b = await q.enqueue("infer", inferPayload);
      await q.claim(worker(1), ["infer"]);
      expect(await q.fail(worker(1), b.id, "bad job", false)).toEqual({ status: "failed", duplicate: false });
      expect(await q.fail(worker(1), b.id, "bad job", false)).toEqual({ status: "failed", duplicate: true });
      expect(await q.getJob(b.id)).toMatchObject({ status: "failed", error: "bad job" });
      await expect(q.complete(worker(1), b.id, inferResult)).rejects.toMatchObject({ status: 410 });
      await expect(
        q.complete(worker(1), "00000000-0000-4000-8000-000000000000", inferResult),
      ).rejects.toMatchObject({ status: 404 });
      await expect(q.complete(worker(1), "nope", inferResult)).rejects.toMatchObject({ status: 404 });
    });

    it("retries with exponential backoff, then dead-letters", async () => {
      await reset();
      // A 2 s base: the claim right after a failure lands well inside the backoff (≥ 1 s with
      // jitter) even on a loaded machine; the loop below waits the backoff out by polling.
      const q = queue(60_000, { retryBaseMs: 2_000, retryMaxMs: 10_000 });
      const { id } = await q.enqueue("infer", inferPayload, { maxAttempts: 3 });
      const claimWhenDue = async () => {
        let job = await q.claim(worker(1), ["infer"]);
        while (job === null) {
          await sleep(100);
          job = await q.claim(worker(1), ["infer"]);
        }
        return job;
      };
      for (let attempt = 1; attempt <= 2; attempt++) {
        const job = await claimWhenDue();
        expect(job.attempt).toBe(attempt);
        const before = Date.now();
        expect(await q.fail(worker(1), id, "data set unreachable", true)).toMatchObject({ status: "queued" });
        const row = await q.getJob(id);
        // random() = 1: the full delay base·2^(attempt−1); random() = 0: half of it.
        const delay = retryDelayMs(attempt, 2_000, 10_000, () => 1);
        expect(delay).toBe(2_000 * 2 ** (attempt - 1));
        expect(row!.runAt.getTime()).toBeGreaterThanOrEqual(before + delay / 2 - 50);
        expect(row!.runAt.getTime()).toBeLessThanOrEqual(Date.now() + delay + 50);
        expect(await q.claim(worker(1), ["infer"])).toBeNull();
      }
      expect((await claimWhenDue()).attempt).toBe(3);
      expect(await q.fail(worker(1), id, "data set unreachable", true)).toMatchObject({ status: "dead" });
      expect(await q.getJob(id)).toMatchObject({
        status: "dead",
        error: "data set unreachable (after 3 of 3 attempts)",
      });
      expect((await q.getJob(id))!.deadLetteredAt).toBeInstanceOf(Date);
      expect(await q.claim(worker(1), ["infer"])).toBeNull();
    });

    it("dead-letters a job whose last lease expired", async () => {
      await reset();
      const q = queue(200);
      const { id } = await q.enqueue("infer", inferPayload, { maxAttempts: 1 });
      await q.claim(worker(1), ["infer"]);
      await sleep(350);
      expect(await q.claim(worker(2), ["infer"])).toBeNull();
      expect(await q.getJob(id)).toMatchObject({
        status: "dead",
        error: "lease expired on the last of 1 attempts",
      });
      await expect(q.complete(worker(1), id, inferResult)).rejects.toMatchObject({ status: 410 });
    });

    it("stores an evaluation receipt signed by the completing worker, and refuses one that is not", async () => {
      await reset();
      const q = queue(60_000, { chainHeight: async () => 42n });
      const key = privateKeyToAccount(generatePrivateKey());
      const me: WorkerIdentity = { address: key.address.toLowerCase(), validatorHotkey: VALIDATOR };
      const hotkey = `0x${"33".repeat(20)}`;
      const { id } = await q.enqueue("evaluate", {
        netuid: 1,
        uid: 2,
        hotkey,
        modelHash: HASH,
        taskSpec: TASK_SPEC as never,
      });
      await q.claim(me, ["evaluate"]);
      const receiptFor = async (signer: typeof key, over: Record<string, unknown> = {}) =>
        signReceipt(signer, {
          jobId: id,
          netuid: 1,
          uid: 2,
          hotkey,
          modelHash: HASH,
          datasetHash: TASK_SPEC.dataset.hash,
          metric: "accuracy",
          score: 8_750,
          worker: signer.address,
          createdAt: Math.floor(Date.now() / 1000),
          ...over,
        });
      const result = (receipt: Awaited<ReturnType<typeof receiptFor>>): JobResult => ({
        kind: "evaluate",
        status: "ok",
        metric: "accuracy",
        metricValue: 0.875,
        score: 87.5,
        scoreBps: 8_750,
        metrics: {},
        items: [],
        durationMs: 5,
        receipt,
      });
      const stranger = privateKeyToAccount(generatePrivateKey());
      await expect(q.complete(me, id, result(await receiptFor(stranger)))).rejects.toThrow(
        /not signed by the completing worker/,
      );
      await expect(
        q.complete(me, id, result(await receiptFor(key, { modelHash: `0x${"44".repeat(32)}` }))),
      ).rejects.toThrow(/model hash/);
      await expect(q.complete(me, id, inferResult)).rejects.toThrow(/cannot complete a evaluate job/);
      await q.complete(me, id, result(await receiptFor(key)));
      const receipt = await db.prisma.evaluationReceipt.findUnique({ where: { jobId: id } });
      expect(receipt).toMatchObject({
        netuid: 1,
        uid: 2,
        minerHotkey: hotkey,
        validatorHotkey: VALIDATOR,
        value: 87.5,
        blockNumber: 42n,
        workerAddress: me.address,
      });
    });

    it("reports depth by kind and status, the oldest ready job and expired leases", async () => {
      await reset();
      const q = queue(100);
      await q.enqueue("infer", inferPayload);
      await q.enqueue("infer", inferPayload);
      await q.claim(worker(1), ["infer"]);
      await sleep(200);
      const stats = await q.stats();
      expect(stats.counts).toEqual([
        { kind: "infer", status: "queued", count: 1 },
        { kind: "infer", status: "running", count: 1 },
      ]);
      expect(stats.oldestReadyAgeSeconds.infer).toBeGreaterThan(0);
      expect(stats.expiredLeases).toBe(1);
      expect((await q.stats({ validatorHotkey: OTHER_VALIDATOR })).counts).toEqual([]);
    });
  });
}

// One connection on PGlite: @electric-sql/pglite-socket 0.2.17 interleaves the extended-protocol
// messages of concurrent connections (see worker-e2e.test.ts), and PGlite runs one statement at a
// time anyway; the concurrent-claim test is meaningful on Postgres (TEST_DATABASE_URL, 8 connections).
queueSuite("job queue on embedded PGlite", () => startTestPglite(1));
const testDatabaseUrl = process.env.TEST_DATABASE_URL;
describe.skipIf(!testDatabaseUrl)("TEST_DATABASE_URL", () => {
  queueSuite("job queue on Postgres", () => startTestPostgres(testDatabaseUrl!, 8));
});
