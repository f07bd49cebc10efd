// The job queue through its HTTP routes (the real route modules served by lib/jobs/route-server.ts,
// as in the end-to-end test), on embedded PGlite, or on the Postgres of TEST_DATABASE_URL when it
// is set (a fresh schema, dropped afterwards) — the database a deployment runs:
// - claim latency: signed POST /api/jobs/claim that leases a job, client round trip (signing,
//   signature recovery, worker key lookup, replay check, the SKIP LOCKED claim). Target p50 ≤ 20 ms.
// - evaluations/s: a real `tensorchain-worker run` process draining evaluate jobs (claim, blob
//   cache, isolated session host, heartbeats, signed receipt, complete) vs a bare onnxruntime
//   session.run loop over the same batches of the same model in this process, both on one
//   intra-op thread, in alternating rounds (5; 2 with --quick). Target ≥ 90% of bare.
// - infer latency: single-row infer jobs through the same queue and worker, enqueue → result,
//   vs session.run of that row on the bare session.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sha256 } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { BenchContext, BenchFigure } from "../../scripts/bench-types";
import * as ort from "onnxruntime-node";
import { encodeDataset } from "../../worker/src/dataset";
import { encodeTensor, sliceRows } from "../../worker/src/tensor";
import { QueueClient } from "../../worker/src/queue-client";
import { classificationDataset, mlp } from "../../worker/test/fixtures/models";
import { peekTestDatabaseUrl } from "@/lib/config";
import { startTestPglite, startTestPostgres } from "@/lib/indexer/test-db";
import { childEnv, setProcessEnv } from "../../scripts/env";
import { createBareEvaluator } from "../../worker/bench/bare-evaluator";
import { childPids, processCpuMs, processSchedMs } from "../../scripts/process-cpu";

const D = 784;
const HIDDEN = 1024;
const CLASSES = 10;
const BATCH = 256;
const BIN = path.resolve(import.meta.dirname, "../../worker/bin/tensorchain-worker.js");

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
}

export default async function bench(ctx: BenchContext): Promise<BenchFigure[]> {
  const claims = ctx.quick ? 100 : 500;
  const items = ctx.quick ? 1024 : 4096;
  const evaluations = ctx.quick ? 6 : 20;
  const roundCount = ctx.quick ? 2 : 5;
  const inferRuns = ctx.quick ? 10 : 30;
  // Not getConfig(): that would fix the config before DATABASE_URL is set below.
  const pgUrl = peekTestDatabaseUrl();
  const database = pgUrl ? "Postgres (TEST_DATABASE_URL)" : "embedded PGlite";
  // One connection on PGlite: see the note in lib/jobs/worker-e2e.test.ts.
  const db = pgUrl ? await startTestPostgres(pgUrl, 4) : await startTestPglite(1);
  ctx.log(`database: ${database}`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "tc-jobs-bench-"));
  setProcessEnv({
    DATABASE_URL: db.url,
    DATABASE_POOL_MAX: pgUrl ? "4" : "1",
    DATA_DIR: dataDir,
    JOB_LEASE_SECONDS: "60",
    CHAIN_RPC_URL: "http://127.0.0.1:9",
  });
  const { startRouteServer } = await import("@/lib/jobs/route-server");
  const { getPrisma } = await import("@/lib/db/client");
  const { enqueue, untilFinished } = await import("@/lib/jobs/queue");
  const { registerWorkerKey } = await import("@/lib/jobs/worker-keys");
  const { uploadBlob } = await import("@/lib/jobs/test-support");
  const server = await startRouteServer();
  const prisma = getPrisma();
  const validator = `0x${"ee".repeat(20)}`;
  const claimer = privateKeyToAccount(generatePrivateKey());
  const workerKey = generatePrivateKey();
  const worker = privateKeyToAccount(workerKey);
  let child: ReturnType<typeof spawn> | undefined;
  try {
    await registerWorkerKey(prisma, { worker: claimer.address, validator });
    await registerWorkerKey(prisma, { worker: worker.address, validator });

    // --- claim latency over HTTP
    const inferPayload = { modelHash: `0x${"11".repeat(32)}` as const, inputs: {} };
    for (let i = 0; i < claims + 20; i++) await enqueue("infer", inferPayload);
    const client = new QueueClient(server.url, claimer, 10_000);
    for (let i = 0; i < 20; i++) await client.claim(["infer"]); // warm-up: module loading, JIT
    const latencies: number[] = [];
    for (let i = 0; i < claims; i++) {
      const t0 = performance.now();
      const res = await client.claim(["infer"]);
      latencies.push(performance.now() - t0);
      if (res.job === null) throw new Error("the queue ran dry during the claim benchmark");
    }
    const p50 = percentile(latencies, 0.5);
    ctx.log(`claim latency p50 ${p50.toFixed(2)} ms, p95 ${percentile(latencies, 0.95).toFixed(2)} ms`);

    // --- evaluations/s through the queue vs bare onnxruntime
    const model = mlp(D, HIDDEN, CLASSES);
    const ds = classificationDataset(items, 11, D, CLASSES);
    const encoded = encodeDataset(ds);
    for (const bytes of [model, encoded.bytes]) await uploadBlob(server.url, claimer, bytes);
    const payload = {
      netuid: 1,
      uid: 0,
      hotkey: worker.address,
      modelHash: sha256(model),
      taskSpec: {
        version: 1,
        taskType: "classification",
        metric: "accuracy",
        inputs: [{ name: "x", dtype: "float32", shape: ["N", D] }],
        outputs: [{ name: "logits", dtype: "float32", shape: ["N", CLASSES] }],
        dataset: { hash: encoded.hash },
        batchSize: BATCH,
      },
    } as const;
    // Waits until each of `ids` reached a final state, woken by the queue's own completion event
    // (the route handlers run in this process, so no polling takes CPU from the worker), then
    // checks that every one succeeded.
    const drain = async (ids: string[]) => {
      await Promise.all(ids.map((id) => untilFinished(id, 300_000)));
      const [row] = await prisma.$queryRaw<{ succeeded: number }[]>`
        SELECT count(*)::int AS succeeded FROM "Job" WHERE id = ANY(${ids}::uuid[]) AND status = 'succeeded'`;
      if (row!.succeeded !== ids.length) throw new Error("an evaluate job failed in the benchmark");
    };
    const bare = await createBareEvaluator({ model, dataset: ds, items, batch: BATCH, classes: CLASSES });
    await bare.evaluate();
    const bareSched = { onCpu: 0, waiting: 0 };
    /** Runs the bare loop n times; returns the milliseconds it took. */
    const bareRun = async (n: number) => {
      const s0 = processSchedMs(process.pid);
      const t = performance.now();
      for (let i = 0; i < n; i++) await bare.evaluate();
      const ms = performance.now() - t;
      const s1 = processSchedMs(process.pid);
      bareSched.onCpu += s1.onCpu - s0.onCpu;
      bareSched.waiting += s1.waiting - s0.waiting;
      return ms;
    };
    // The worker starts on the warm-up jobs: it loads and caches the model and the data set, and
    // the server's claim and complete paths are compiled, as the bare loop's warm-up run does.
    const warmupIds: string[] = [];
    for (let i = 0; i < 3; i++) warmupIds.push((await enqueue("evaluate", payload as never)).id);
    const warmedUp = drain(warmupIds);
    child = spawn(
      process.execPath,
      [
        BIN,
        "run",
        "--kinds",
        "evaluate,infer",
        "--concurrency",
        "1",
        "--threads",
        "1",
        "--execution-provider",
        "cpu",
        "--poll-interval",
        "20ms",
        "--max-backoff",
        "100ms",
        "--inference-timeout",
        "60s",
        "--memory-limit",
        "2GiB",
      ],
      {
        env: childEnv({ WORKER_PRIVATE_KEY: workerKey, TENSORCHAIN_API_URL: server.url }),
        stdio: "ignore",
      },
    );
    await warmedUp;
    // CPU per measured job in each process (load-independent, unlike the wall-clock rate). The
    // session host's time on a CPU is its user + system time (the scheduler's per-thread run
    // times missed most of it); the scheduler gives the time it was runnable but waiting for one.
    const cpu = () => {
      const host = childPids(child!.pid);
      const own = process.cpuUsage();
      return {
        at: performance.now(),
        hostWaiting: host.reduce((sum, pid) => sum + processSchedMs(pid).waiting, 0),
        server: (own.user + own.system) / 1000,
        worker: processCpuMs(child!.pid),
        host: host.reduce((sum, pid) => sum + processCpuMs(pid), 0),
      };
    };
    type Cpu = ReturnType<typeof cpu>;
    const spent: Cpu = { at: 0, hostWaiting: 0, server: 0, worker: 0, host: 0 };
    // Rounds of: the bare loop for half the round's evaluations, the round's jobs through the
    // queue, the bare loop for the other half. Alternating, a load that drifts during the run (a
    // shared machine) weighs on both sides alike; between rounds the worker waits on a claim held
    // by the server (no CPU). A round's jobs are queued to become ready together, a moment after
    // they are all in (the inserts do not compete with the worker), and its rate is measured from
    // its first job's completion to its last's: the steady state, where the worker claims the next
    // job while one runs.
    const rounds: { queued: number; bare: number }[] = [];
    let queuedJobs = 0;
    let queuedMs = 0;
    let bareEvals = 0;
    let bareMs = 0;
    for (let r = 0; r < roundCount; r++) {
      const half = Math.floor(evaluations / 2);
      let roundBareMs = await bareRun(half);
      const runAt = new Date(Date.now() + 300);
      const ids: string[] = [];
      for (let i = 0; i < evaluations; i++) ids.push((await enqueue("evaluate", payload as never, { runAt })).id);
      const done = drain(ids);
      // The first to finish (they share runAt, so any of them may be claimed first).
      await Promise.race(ids.map((id) => untilFinished(id, 300_000)));
      const c0 = cpu();
      await done;
      const c1 = cpu();
      for (const k of Object.keys(spent) as (keyof Cpu)[]) spent[k] += c1[k] - c0[k];
      roundBareMs += await bareRun(evaluations - half);
      const queued = (evaluations - 1) / ((c1.at - c0.at) / 1000);
      const bareRate = evaluations / (roundBareMs / 1000);
      rounds.push({ queued, bare: bareRate });
      ctx.log(
        `round ${r + 1}: through the queue ${queued.toFixed(2)} evals/s, bare ${bareRate.toFixed(2)} (${(queued / bareRate).toFixed(2)}x)`,
      );
      queuedJobs += evaluations - 1;
      queuedMs += c1.at - c0.at;
      bareEvals += evaluations;
      bareMs += roundBareMs;
    }
    const perJob = (k: keyof Cpu) => spent[k] / queuedJobs;
    // Where the session host's wall-clock time went: computing, runnable but waiting for a CPU
    // (the machine's load), or idle (waiting for its next job: the queue's own gap).
    const share = (ms: number) => `${((100 * ms) / spent.at).toFixed(0)}%`;
    const cpuNote =
      `CPU ms per job: server ${perJob("server").toFixed(1)}, worker ${perJob("worker").toFixed(1)}, ` +
      `session host ${perJob("host").toFixed(1)}; session host on a CPU ${share(spent.host)}, ` +
      `waiting for one ${share(spent.hostWaiting)}, idle ${share(spent.at - spent.host - spent.hostWaiting)}`;
    ctx.log(cpuNote);
    const queued = queuedJobs / (queuedMs / 1000);
    const roundsNote = `per round (queue/bare): ${rounds.map((x) => (x.queued / x.bare).toFixed(2)).join(", ")}`;

    // --- inference latency through the queue: one row per request, queued at the infer priority
    // as the infer API does, from the enqueue to the job's result in the database (the worker is
    // idle between requests, waiting on a claim the server holds, so waking it is part of the
    // figure), vs session.run of the same row on the bare session.
    const { INFER_PRIORITY } = await import("@/lib/jobs/infer");
    const row = sliceRows(ds.inputs.x!, 0, 1);
    const inferJob = { modelHash: sha256(model), inputs: { x: encodeTensor(row) } };
    const inferLat: number[] = [];
    for (let i = 0; i < inferRuns; i++) {
      const t0 = performance.now();
      const { id } = await enqueue("infer", inferJob as never, { priority: INFER_PRIORITY });
      // Woken by the completion in this process, as the infer API is.
      await untilFinished(id, 60_000);
      inferLat.push(performance.now() - t0);
      const [job] = await prisma.$queryRaw<{ status: string }[]>`SELECT status::text FROM "Job" WHERE id = ${id}::uuid`;
      if (job?.status !== "succeeded") throw new Error("an infer job failed in the benchmark");
    }
    const bareLat: number[] = [];
    const feed = { x: new ort.Tensor("float32", row.data as Float32Array, row.shape) };
    for (let i = 0; i < inferRuns; i++) {
      const t0 = performance.now();
      await bare.session.run(feed);
      bareLat.push(performance.now() - t0);
    }
    const inferP50 = percentile(inferLat, 0.5);
    ctx.log(
      `infer latency through the queue p50 ${inferP50.toFixed(1)} ms, p95 ${percentile(inferLat, 0.95).toFixed(1)} ms; bare session.run p50 ${percentile(bareLat, 0.5).toFixed(2)} ms`,
    );

    const exited = new Promise((r) => child!.once("exit", r));
    child.kill("SIGTERM");
    await exited;
    const bareRate = bareEvals / (bareMs / 1000);
    const bareShare = (ms: number) => `${((100 * ms) / bareMs).toFixed(0)}%`;
    const bareNote = `bare loop's process on a CPU ${bareShare(bareSched.onCpu)}, waiting for one ${bareShare(bareSched.waiting)}`;
    ctx.log(bareNote);
    await bare.session.release();
    ctx.log(`evaluations/s through the queue ${queued.toFixed(2)}, bare ${bareRate.toFixed(2)}`);

    return [
      {
        name: "jobs.claim_latency_p50",
        value: p50,
        unit: "ms",
        better: "lower",
        target: 20,
        notes: `${claims} signed claims over HTTP on ${database} (route modules on node:http, no Next.js); p95 ${percentile(latencies, 0.95).toFixed(2)} ms`,
      },
      {
        name: "jobs.evaluations_per_s",
        value: queued,
        unit: "evals/s",
        better: "higher",
        peer: { name: "bare onnxruntime session.run loop", value: bareRate },
        target: 0.9 * bareRate,
        notes: `${database}; MLP ${D}-${HIDDEN}-${CLASSES}, ${items} items, batch ${BATCH}, 1 thread; one worker process, ${roundCount} rounds of ${evaluations} jobs; ${roundsNote}; ${cpuNote}; ${bareNote}`,
      },
      {
        name: "jobs.infer_latency_p50",
        value: inferP50,
        unit: "ms",
        better: "lower",
        peer: { name: "bare onnxruntime session.run", value: percentile(bareLat, 0.5) },
        notes: `${database}; one row per infer job, ${inferRuns} sequential requests: enqueue (infer priority) → idle worker waiting on a claim (long poll) → claim → run in the cached session host → complete; p95 ${percentile(inferLat, 0.95).toFixed(1)} ms`,
      },
    ];
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await server.close();
    await prisma.$disconnect();
    await db.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
