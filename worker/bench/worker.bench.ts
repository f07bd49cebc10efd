// Worker execution path vs bare onnxruntime on the same model, in the same run:
// - evaluations/s: a full evaluate job (cached model, isolated session host, batches over IPC,
//   metric, per-item results, signed receipt) vs a bare `session.run` loop over the same batches
//   with an argmax, in this process. Target: ≥ 90% of bare throughput.
// - inference latency: one single-row run through the session host vs bare `session.run`.
// Both sides use one intra-op thread, alternate rounds, and report medians.
import * as ort from "onnxruntime-node";
import type { BenchContext, BenchFigure } from "../../scripts/bench-types.js";
import { encodeDataset } from "../src/dataset.js";
import { runEvaluateJob } from "../src/jobs/evaluate.js";
import { evaluatePayloadSchema } from "../src/jobs/types.js";
import { sliceRows } from "../src/tensor.js";
import { classificationDataset, mlp } from "../test/fixtures/models.js";
import { tempDir, testContext, writeBlob } from "../test/helpers.js";
import { createBareEvaluator } from "./bare-evaluator.js";

const D = 784;
const HIDDEN = 1024;
const CLASSES = 10;
const BATCH = 256;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export default async function bench(ctx: BenchContext): Promise<BenchFigure[]> {
  const items = ctx.quick ? 1024 : 4096;
  const rounds = ctx.quick ? 3 : 7;
  const latencyRuns = ctx.quick ? 200 : 1000;
  const dir = await tempDir("tc-worker-bench-");
  const { ctx: job } = await testContext(dir.dir, {
    threads: "1",
    "inference-timeout": "60s",
    "memory-limit": "2GiB",
  });
  try {
    const model = mlp(D, HIDDEN, CLASSES);
    const ds = classificationDataset(items, 11, D, CLASSES);
    const encoded = encodeDataset(ds);
    const modelHash = await writeBlob(dir.dir, model);
    await writeBlob(dir.dir, encoded.bytes);
    const payload = evaluatePayloadSchema.parse({
      netuid: 1,
      uid: 0,
      hotkey: job.account.address,
      modelHash,
      taskSpec: {
        version: 1,
        taskType: "classification",
        metric: "accuracy",
        inputs: [{ name: "x", dtype: "float32", shape: ["N", D] }],
        outputs: [{ name: "logits", dtype: "float32", shape: ["N", CLASSES] }],
        dataset: { hash: encoded.hash },
        batchSize: BATCH,
      },
    });
    const bare = await createBareEvaluator({ model, dataset: ds, items, batch: BATCH, classes: CLASSES });

    // Warm-up: loads the model into the cache and the data set into memory on both sides.
    await runEvaluateJob(job, "warm", payload);
    await bare.evaluate();
    const workerTimes: number[] = [];
    const bareTimes: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      const r = await runEvaluateJob(job, `bench-${i}`, payload);
      workerTimes.push(performance.now() - t);
      if (r.status !== "ok") throw new Error(`benchmark evaluation failed: ${r.reason}`);
      t = performance.now();
      await bare.evaluate();
      bareTimes.push(performance.now() - t);
      ctx.log(
        `round ${i + 1}/${rounds}: worker ${workerTimes[i]!.toFixed(1)} ms, bare ${bareTimes[i]!.toFixed(1)} ms`,
      );
    }
    const workerEps = 1000 / median(workerTimes);
    const bareEps = 1000 / median(bareTimes);

    // Single-row latency through the session host vs bare.
    const lease = await job.models.acquire(modelHash);
    const row = sliceRows(ds.inputs.x!, 0, 1);
    const hostLat: number[] = [];
    const bareLat: number[] = [];
    try {
      for (let i = 0; i < latencyRuns; i++) {
        let t = performance.now();
        await lease.model.session.run({ x: row }, ["logits"]);
        hostLat.push(performance.now() - t);
        t = performance.now();
        await bare.session.run({ x: new ort.Tensor("float32", row.data as Float32Array, row.shape) });
        bareLat.push(performance.now() - t);
      }
    } finally {
      lease.release();
    }
    await bare.session.release();
    const notes = `MLP ${D}→${HIDDEN}→${CLASSES} (MNIST-sized), ${items} items, batch ${BATCH}, 1 intra-op thread, CPU EP, median of ${rounds} rounds`;
    return [
      {
        name: "worker.evaluations_per_s",
        value: workerEps,
        unit: "evals/s",
        better: "higher",
        peer: { name: "bare onnxruntime session.run loop", value: bareEps },
        target: 0.9 * bareEps,
        notes: `${notes}; worker path includes the session host hop, metric, per-item results and receipt signing (${((100 * workerEps) / bareEps).toFixed(1)}% of bare; best rounds ${Math.min(...workerTimes).toFixed(1)} ms vs ${Math.min(...bareTimes).toFixed(1)} ms)`,
      },
      {
        name: "worker.inference_latency_p50",
        value: median(hostLat),
        unit: "ms",
        better: "lower",
        peer: { name: "bare onnxruntime session.run", value: median(bareLat) },
        notes: `single row, ${latencyRuns} runs; the difference is the IPC hop to the isolated session host`,
      },
    ];
  } finally {
    await job.models.close();
    await dir.cleanup();
  }
}
