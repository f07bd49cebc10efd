// `tensorchain-worker run` as a real process: it serves the queue, and on SIGTERM releases the
// job it cannot finish within the grace period and exits cleanly.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { encodeDataset } from "../src/dataset.js";
import * as fx from "./fixtures/models.js";
import { tempDir, writeBlob } from "./helpers.js";
import { QueueServer } from "./queue-server.js";

const BIN = path.resolve(import.meta.dirname, "../bin/tensorchain-worker.js");
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function waitFor(cond: () => boolean, what: string, ms = 90_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("tensorchain-worker run", () => {
  it("completes jobs, then on SIGTERM releases the running one and exits 0", async () => {
    const key = generatePrivateKey();
    const queue = new QueueServer(new Set([privateKeyToAccount(key).address]));
    await queue.listen();
    cleanups.push(() => queue.close());
    const d = await tempDir();
    cleanups.push(d.cleanup);
    const datasetHash = await writeBlob(d.dir, encodeDataset(fx.classificationDataset(50)).bytes);
    const job = (modelHash: string) => ({
      netuid: 1,
      uid: 3,
      hotkey: "0x5555555555555555555555555555555555555555",
      modelHash,
      taskSpec: fx.classificationSpec(datasetHash),
    });
    queue.add("first", "evaluate", job(await writeBlob(d.dir, fx.goodClassifier())));
    queue.add("hang", "evaluate", job(await writeBlob(d.dir, fx.slowClassifier())));

    const child = spawn(
      process.execPath,
      [
        BIN,
        "run",
        "--blob-dir",
        d.dir,
        "--poll-interval",
        "50ms",
        "--max-backoff",
        "200ms",
        "--shutdown-grace",
        "500ms",
        "--threads",
        "1",
        "--execution-provider",
        "cpu",
      ],
      {
        env: { ...process.env, WORKER_PRIVATE_KEY: key, TENSORCHAIN_API_URL: queue.url },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let log = "";
    child.stderr.on("data", (c: Buffer) => (log += c.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });

    await waitFor(
      () => queue.job("first").state === "done" && queue.job("hang").state === "leased",
      "the worker to take both jobs",
    );
    expect(queue.job("first").result).toMatchObject({ status: "ok" });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(queue.job("hang")).toMatchObject({
      state: "queued",
      failures: [{ reason: "worker shutting down", retry: true }],
    });
    expect(log).toMatch(/"msg":"stopped"/);
  });
});
