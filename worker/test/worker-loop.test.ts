// The worker's poll loop over real HTTP against a miniature queue (queue-server.ts): claim →
// heartbeat → complete/fail, signed requests, metrics, and a graceful stop that releases a job
// still running.
import { afterEach, describe, expect, it } from "vitest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadConfig } from "../src/config.js";
import { encodeDataset } from "../src/dataset.js";
import { silentLogger } from "../src/log.js";
import { verifyReceipt } from "../src/receipts.js";
import { Worker } from "../src/worker.js";
import * as fx from "./fixtures/models.js";
import { TEST_FLAGS, tempDir, writeBlob } from "./helpers.js";
import { QueueServer } from "./queue-server.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function waitFor(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function setup(flags: Record<string, string>, leaseMs = 5_000) {
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address;
  const queue = new QueueServer(new Set([address]), leaseMs);
  await queue.listen();
  cleanups.push(() => queue.close());
  const d = await tempDir();
  cleanups.push(d.cleanup);
  const datasetHash = await writeBlob(d.dir, encodeDataset(fx.classificationDataset(100)).bytes);
  const config = loadConfig({
    env: {},
    flags: {
      ...TEST_FLAGS,
      "api-url": queue.url,
      "private-key": key,
      "blob-dir": d.dir,
      "poll-interval": "20ms",
      "max-backoff": "100ms",
      "metrics-port": "0",
      ...flags,
    },
  });
  const worker = await Worker.create(config, { log: silentLogger });
  cleanups.push(() => worker.stop(0));
  const evaluate = (modelHash: string) => ({
    netuid: 1,
    uid: 2,
    hotkey: "0x4444444444444444444444444444444444444444",
    modelHash,
    taskSpec: fx.classificationSpec(datasetHash),
  });
  return { queue, worker, dir: d.dir, evaluate, address };
}

describe("worker poll loop", () => {
  it("claims, heartbeats and completes jobs; model faults complete as failed, malformed jobs fail", async () => {
    const { queue, worker, dir, evaluate, address } = await setup({
      "heartbeat-interval": "100ms",
      "inference-timeout": "2500ms",
      concurrency: "2",
    });
    queue.add("good", "evaluate", evaluate(await writeBlob(dir, fx.goodClassifier())));
    queue.add("slow", "evaluate", evaluate(await writeBlob(dir, fx.slowClassifier())));
    queue.add("broken", "evaluate", evaluate(await writeBlob(dir, fx.brokenBytes())));
    queue.add("malformed", "evaluate", { netuid: "one" });
    await worker.start();
    await waitFor(
      () => queue.jobs.every((j) => j.state === "done" || j.state === "failed"),
      "all jobs to finish",
    );

    const good = queue.job("good");
    expect(good.result).toMatchObject({ kind: "evaluate", status: "ok" });
    expect(good.result!.kind === "evaluate" && good.result!.score).toBeGreaterThan(90);
    const signed = await verifyReceipt((good.result as { receipt: unknown }).receipt);
    expect(signed.receipt.worker).toBe(address);
    expect(queue.job("slow").result).toMatchObject({
      status: "failed",
      score: 0,
      reason: expect.stringMatching(/killed/),
    });
    expect(queue.job("slow").heartbeats).toBeGreaterThan(0);
    expect(queue.job("broken").result).toMatchObject({ status: "failed", score: 0 });
    expect(queue.job("malformed")).toMatchObject({
      state: "failed",
      failures: [{ retry: false, reason: expect.stringMatching(/malformed job/) }],
    });
    expect(queue.rejected).toEqual([]);

    const metrics = await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/tensorchain_worker_jobs_total\{kind="evaluate",status="ok"\} 1/);
    expect(metrics).toMatch(/tensorchain_worker_jobs_total\{kind="evaluate",status="failed"\} 2/);
    expect(metrics).toMatch(/tensorchain_worker_inference_seconds_count [1-9]/);
  });

  it("is refused by a queue that does not know its key, and keeps polling", async () => {
    const { queue, worker } = await setup({});
    queue["allowed"].clear();
    await worker.start();
    await waitFor(() => queue.rejected.length >= 2, "repeated claims");
    expect(queue.rejected[0]).toMatch(/not a registered validator/);
  });

  it("on stop, releases a job that outlasts the grace period back to the queue", async () => {
    const { queue, worker, dir, evaluate } = await setup({ "inference-timeout": "60s" });
    queue.add("hang", "evaluate", evaluate(await writeBlob(dir, fx.slowClassifier())));
    await worker.start();
    await waitFor(
      () => queue.job("hang").state === "leased" && worker.runningJobs.length === 1,
      "the job to start",
    );
    await worker.stop(300);
    const job = queue.job("hang");
    expect(job.state).toBe("queued");
    expect(job.failures).toEqual([{ reason: "worker shutting down", retry: true }]);
    expect(job.result).toBeUndefined();
    expect(worker.runningJobs).toEqual([]);
  });

  it("on stop, lets a job that finishes within the grace period complete", async () => {
    const { queue, worker, dir, evaluate } = await setup({});
    queue.add("quick", "evaluate", evaluate(await writeBlob(dir, fx.goodClassifier())));
    await worker.start();
    // Started, not merely claimed: a claim answered after stop() is released, by design.
    await waitFor(
      () => worker.runningJobs.length === 1 || queue.job("quick").state === "done",
      "the job to start",
    );
    await worker.stop(60_000);
    expect(queue.job("quick")).toMatchObject({ state: "done", failures: [] });
  });
});
