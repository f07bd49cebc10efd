// End to end with the real worker: the app's route modules served over HTTP (route-server.ts)
// on embedded PGlite, worker keys registered by a validator's signature, models and a data set
// uploaded to the blob store, evaluate jobs enqueued, and two real `tensorchain-worker run`
// processes pulling them. Then one worker is killed with SIGKILL mid-job and the other takes
// the job over once the lease expires.
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { EvaluateResult } from "@tensorchain/worker/jobs/types";
import { encodeDataset } from "../../worker/src/dataset";
import * as fx from "../../worker/test/fixtures/models";
import type { PrismaClient } from "@prisma/client";
import { getPrisma } from "@/lib/db/client";
import { startTestPglite, type TestDatabase } from "@/lib/indexer/test-db";
import { enqueue } from "./queue";
import {
  killGroup,
  seedIndexedValidator,
  startWorkerProcess,
  stopWorkerProcesses,
  uploadBlob,
  waitFor,
} from "./test-support";
import { startRouteServer, type RouteServer } from "./route-server";
import { workerKeyMessage } from "./worker-keys";

const LEASE_SECONDS = 2;

let db: TestDatabase;
/** The app's own client (the test's queries share its single connection, see DATABASE_POOL_MAX). */
let prisma: PrismaClient;
let server: RouteServer;
let dataDir: string;
const workers: ChildProcess[] = [];
const validator = privateKeyToAccount(generatePrivateKey());
const keys = [generatePrivateKey(), generatePrivateKey()];
const accounts = keys.map((k) => privateKeyToAccount(k));

beforeAll(async () => {
  db = await startTestPglite();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "tc-jobs-e2e-"));
  // The route modules read the app configuration from the environment on first use.
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    JOB_LEASE_SECONDS: String(LEASE_SECONDS),
    // One connection: @electric-sql/pglite-socket 0.2.17 interleaves the extended-protocol
    // messages (Parse/Bind/Execute) of concurrent connections outside transactions, so two
    // connections running different statements at once fail ("bind message supplies 1
    // parameters, but prepared statement "" requires 3"). Reported to lib/db's owner.
    DATABASE_POOL_MAX: "1",
    // No node in this test: receipts are stamped with an unknown (0) chain height.
    CHAIN_RPC_URL: "http://127.0.0.1:9",
  });
  server = await startRouteServer();
  prisma = getPrisma();
  await seedIndexedValidator(prisma, validator.address);
});

afterAll(async () => {
  // Workers go first, so none polls the server while the database stops.
  await stopWorkerProcesses(workers);
  await server?.close();
  await prisma?.$disconnect();
  await db?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function registerWorker(account: PrivateKeyAccount): Promise<void> {
  const m = {
    action: "register" as const,
    worker: account.address,
    validator: validator.address,
    timestamp: Date.now(),
  };
  const signature = await validator.signMessage({ message: workerKeyMessage(m) });
  const res = await fetch(`${server.url}/api/v1/worker-keys`, {
    method: "POST",
    body: JSON.stringify({ ...m, signature }),
  });
  expect(res.status).toBe(201);
}

function upload(bytes: Uint8Array): Promise<`0x${string}`> {
  return uploadBlob(server.url, accounts[0]!, bytes);
}

function startWorker(key: `0x${string}`): ChildProcess {
  const child = startWorkerProcess(key, server.url, { "heartbeat-interval": "500ms" });
  workers.push(child);
  return child;
}

describe("the real worker against the app's job API", () => {
  it("runs every job exactly once across two workers; broken and slow models score 0; a killed worker's job is taken over", async () => {
    for (const a of accounts) await registerWorker(a);
    // 500 items: a completion past GZIP_MIN_BYTES, so the workers send it gzip-compressed.
    const datasetHash = await upload(encodeDataset(fx.classificationDataset(500)).bytes);
    const models = {
      good: await upload(fx.goodClassifier()),
      random: await upload(fx.randomClassifier()),
      broken: await upload(fx.brokenBytes()),
      slow: await upload(fx.slowClassifier()),
    };
    const payload = (modelHash: `0x${string}`, uid: number) => ({
      netuid: 1,
      uid,
      hotkey: `0x${uid.toString(16).padStart(40, "0")}`,
      modelHash,
      taskSpec: fx.classificationSpec(datasetHash),
    });
    const plan = [
      ["good", models.good],
      ["random", models.random],
      ["broken", models.broken],
      ["slow", models.slow],
      ["good2", models.good],
      ["random2", models.random],
    ] as const;
    const ids = new Map<string, string>();
    for (const [i, [name, hash]] of plan.entries()) {
      ids.set(
        name,
        (await enqueue("evaluate", payload(hash, i + 1), { validatorHotkey: validator.address })).id,
      );
    }

    const children = keys.map((k) => startWorker(k));
    // Polls the status only (results are large) and gently: PGlite serves everyone on one connection.
    await waitFor(
      "every job to finish",
      async () => (await prisma.job.count({ where: { status: { in: ["queued", "running"] } } })) === 0,
      120_000,
      250,
    );
    const jobs = await prisma.job.findMany();
    expect(jobs).toHaveLength(plan.length);
    const byName = new Map([...ids].map(([name, id]) => [name, jobs.find((j) => j.id === id)!]));
    for (const job of jobs) expect(job).toMatchObject({ status: "succeeded", attempts: 1 });
    const result = (name: string) => byName.get(name)!.result as unknown as EvaluateResult;
    expect(result("good")).toMatchObject({ status: "ok" });
    expect(result("good").score).toBeGreaterThan(90);
    expect(result("random").score).toBeLessThan(60);
    expect(result("good").score - result("random").score).toBeGreaterThan(30);
    expect(result("good2").score).toBe(result("good").score);
    expect(result("broken")).toMatchObject({ status: "failed", score: 0, scoreBps: 0 });
    expect(result("slow")).toMatchObject({ status: "failed", score: 0, scoreBps: 0 });
    const receipts = await prisma.evaluationReceipt.findMany();
    expect(receipts.map((r) => r.jobId).sort()).toEqual([...ids.values()].sort());
    expect(new Set(receipts.map((r) => r.validatorHotkey))).toEqual(
      new Set([validator.address.toLowerCase()]),
    );

    // Kill -9 the worker that holds a (slow) job; the other one takes it after the lease expires.
    const { id } = await enqueue("evaluate", payload(models.slow, 50), {
      validatorHotkey: validator.address,
    });
    const held = await waitFor("the slow job to be claimed", async () => {
      const j = await prisma.job.findUnique({ where: { id } });
      return j?.status === "running" && j;
    });
    const victim = accounts.findIndex((a) => a.address.toLowerCase() === held.workerId);
    expect(victim).toBeGreaterThanOrEqual(0);
    killGroup(children[victim]!, "SIGKILL");
    const taken = await waitFor("the other worker to finish the job", async () => {
      const j = await prisma.job.findUnique({ where: { id } });
      return j?.status === "succeeded" && j;
    });
    expect(taken).toMatchObject({ attempts: 2, workerId: accounts[1 - victim]!.address.toLowerCase() });
    expect(taken.result).toMatchObject({ status: "failed", score: 0 });

    const metrics = await (await fetch(`${server.url}/api/metrics`)).text();
    expect(metrics).toMatch(/tensorchain_jobs_finished_total\{kind="evaluate",status="succeeded"\} 7/);
    expect(metrics).toMatch(/tensorchain_jobs\{kind="evaluate",status="queued"\} 0/);
  });
});
