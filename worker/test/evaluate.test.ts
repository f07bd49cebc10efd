// The evaluate and infer jobs on real onnxruntime sessions: a good model scores far above a
// random one; broken, hanging, NaN-producing, throwing and wrong-signature models score 0 with
// a clear reason, and the same context keeps serving afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { encodeDataset, sha256Hex } from "../src/dataset.js";
import { runEvaluateJob } from "../src/jobs/evaluate.js";
import { runInferJob } from "../src/jobs/infer.js";
import { evaluatePayloadSchema, type EvaluatePayload } from "../src/jobs/types.js";
import { verifyReceipt } from "../src/receipts.js";
import { encodeTensor } from "../src/tensor.js";
import type { Hash32 } from "../src/task-spec.js";
import * as fx from "./fixtures/models.js";
import { tempDir, testContext, writeBlob } from "./helpers.js";

let dir: { dir: string; cleanup: () => Promise<void> };
let env: Awaited<ReturnType<typeof testContext>>;
let datasetHash: Hash32;
const hashes: Record<string, Hash32> = {};

function payload(
  modelHash: Hash32,
  extra: Partial<z.input<typeof evaluatePayloadSchema>> = {},
): EvaluatePayload {
  return evaluatePayloadSchema.parse({
    netuid: 1,
    uid: 5,
    hotkey: "0x2222222222222222222222222222222222222222",
    modelHash,
    taskSpec: fx.classificationSpec(datasetHash),
    ...extra,
  });
}

beforeAll(async () => {
  dir = await tempDir();
  env = await testContext(dir.dir);
  const ds = encodeDataset(fx.classificationDataset(300));
  datasetHash = await writeBlob(dir.dir, ds.bytes);
  const models = {
    good: fx.goodClassifier(),
    random: fx.randomClassifier(),
    bytes: fx.brokenBytes(),
    graph: fx.brokenGraph(),
    slow: fx.slowClassifier(),
    nan: fx.nanClassifier(),
    wrong: fx.wrongSignatureClassifier(),
    throws: fx.throwingClassifier(),
    hog: fx.memoryHogClassifier(),
  };
  for (const [name, bytes] of Object.entries(models)) hashes[name] = await writeBlob(dir.dir, bytes);
});

afterAll(async () => {
  await env?.ctx.models.close();
  await dir?.cleanup();
});

describe("evaluate job", () => {
  it("scores a good model far above a random one, with signed receipts", async () => {
    const good = await runEvaluateJob(env.ctx, "job-good", payload(hashes.good!));
    const random = await runEvaluateJob(env.ctx, "job-random", payload(hashes.random!));
    expect(good.status).toBe("ok");
    expect(good.score).toBeGreaterThan(90);
    expect(random.score).toBeLessThan(60);
    expect(good.score - random.score).toBeGreaterThan(30);
    expect(good.items).toHaveLength(300);
    expect(good.scoreBps).toBe(Math.round(good.score * 100));
    const signed = await verifyReceipt(good.receipt);
    expect(signed.receipt).toMatchObject({
      jobId: "job-good",
      modelHash: hashes.good,
      datasetHash,
      score: good.scoreBps,
      worker: env.account.address,
    });
  });

  it("records the improvement over a parent model", async () => {
    const r = await runEvaluateJob(
      env.ctx,
      "job-child",
      payload(hashes.good!, { parentModelHash: hashes.random!, parentScoreBps: 4000 }),
    );
    expect(r.receipt.receipt.improvement).toBe(r.scoreBps - 4000);
  });

  it("tells the worker when its last inference is over, before the result is ready", async () => {
    const calls: string[] = [];
    const onInferenceDone = () => calls.push("inference done");
    const own = runEvaluateJob({ ...env.ctx, onInferenceDone }, "job-signal", payload(hashes.good!));
    expect((await own).scoreBps).toBeGreaterThan(0);
    expect(calls).toEqual(["inference done"]);
    // Measuring the parent here: only the parent's inference (the last one) signals.
    calls.length = 0;
    const progress: number[] = [];
    const r = await runEvaluateJob(
      {
        ...env.ctx,
        onInferenceDone,
        onProgress: (done) => {
          if (calls.length > 0) progress.push(done);
        },
      },
      "job-parent-signal",
      payload(hashes.good!, { parentModelHash: hashes.random! }),
    );
    expect(calls).toEqual(["inference done"]);
    expect(progress).toEqual([]); // no batch ran after the signal
    expect(r.receipt.receipt.parentScore).toBeDefined();
  });

  const failures: [string, RegExp][] = [
    ["bytes", /cannot be loaded.*protobuf parsing failed/],
    ["graph", /cannot be loaded/],
    ["wrong", /wrong model signature: model has no input named "x"/],
    ["nan", /contains NaN/],
    ["throws", /model raised an error.*Gather/],
    ["slow", /exceeded 3000 ms and was killed/],
  ];
  for (const [name, reason] of failures) {
    it(`gives the ${name} model score 0 with a clear reason, and keeps serving`, async () => {
      const bad = await runEvaluateJob(env.ctx, `job-${name}`, payload(hashes[name]!));
      expect(bad.status).toBe("failed");
      expect(bad.score).toBe(0);
      expect(bad.reason).toMatch(reason);
      expect(bad.receipt.receipt.score).toBe(0);
      const after = await runEvaluateJob(env.ctx, `job-after-${name}`, payload(hashes.good!));
      expect(after.status).toBe("ok");
      expect(after.score).toBeGreaterThan(90);
    });
  }

  it("kills a model that exceeds the memory limit, whatever the time limit", async () => {
    // A generous time limit, so only the memory watchdog (or a failed allocation) can end it.
    const roomy = await testContext(dir.dir, { "inference-timeout": "120s" });
    try {
      const r = await runEvaluateJob(roomy.ctx, "job-hog", payload(hashes.hog!));
      expect(r.status).toBe("failed");
      expect(r.reason).toMatch(/over the 768 MiB limit, and was killed|model raised an error/);
      const after = await runEvaluateJob(roomy.ctx, "job-after-hog", payload(hashes.good!));
      expect(after.score).toBeGreaterThan(90);
    } finally {
      await roomy.ctx.models.close();
    }
  });

  it("fails a model that is over the size limit or not what its hash says", async () => {
    const small = await testContext(dir.dir, { "max-model-size": "100B" });
    try {
      const r = await runEvaluateJob(small.ctx, "job-big", payload(hashes.good!));
      expect(r.reason).toMatch(/over the 100-byte limit/);
    } finally {
      await small.ctx.models.close();
    }
    // A model published under one hash whose URI serves other bytes.
    const claimed = sha256Hex(fx.mlp(4, 4, 4));
    const lie = await runEvaluateJob(
      env.ctx,
      "job-lie",
      payload(claimed, { modelUri: `file://${dir.dir}/${hashes.random!.slice(2)}` }),
    );
    expect(lie.status).toBe("failed");
    expect(lie.reason).toMatch(/hash to .* expected/);
  });

  it("throws (for the worker to retry) when the data set cannot be found", async () => {
    const spec = fx.classificationSpec(`0x${"ee".repeat(32)}`);
    await expect(
      runEvaluateJob(env.ctx, "job-nods", payload(hashes.good!, { taskSpec: spec })),
    ).rejects.toThrow(/not found|cannot fetch/);
  });
});

describe("evaluate job on regression and embedding tasks", () => {
  it("dispatches to the task's evaluator", async () => {
    // The good classifier's logits, computed here in float64, as regression targets and as
    // reference embeddings: the model reproduces them almost exactly.
    const base = fx.classificationDataset(64, 9);
    const mu = fx.centres();
    const x = base.inputs.x!.data as Float32Array;
    const expected = new Float32Array(64 * fx.C);
    for (let i = 0; i < 64; i++) {
      for (let k = 0; k < fx.C; k++) {
        let v = -0.5 * mu[k]!.reduce((a, m) => a + m * m, 0);
        for (let j = 0; j < fx.D; j++) v += x[i * fx.D + j]! * mu[k]![j]!;
        expected[i * fx.C + k] = v;
      }
    }
    const target = { dtype: "float32" as const, shape: [64, fx.C], data: expected };
    const reg = encodeDataset({ taskType: "regression", size: 64, inputs: base.inputs, targets: target });
    const emb = encodeDataset({ taskType: "embedding", size: 64, inputs: base.inputs, references: target });
    await writeBlob(dir.dir, reg.bytes);
    await writeBlob(dir.dir, emb.bytes);
    const r = await runEvaluateJob(
      env.ctx,
      "job-reg",
      payload(hashes.good!, {
        taskSpec: fx.classificationSpec(reg.hash, { taskType: "regression", metric: "mse" }),
      }),
    );
    expect(r.status).toBe("ok");
    expect(r.score).toBeGreaterThan(99.9);
    expect(r.metrics.mse).toBeLessThan(1e-3);
    const e = await runEvaluateJob(
      env.ctx,
      "job-emb",
      payload(hashes.good!, {
        taskSpec: fx.classificationSpec(emb.hash, { taskType: "embedding", metric: "cosine" }),
      }),
    );
    expect(e.score).toBeGreaterThan(99.9);
    // The random model is far off on both.
    const rr = await runEvaluateJob(
      env.ctx,
      "job-reg-rand",
      payload(hashes.random!, {
        taskSpec: fx.classificationSpec(reg.hash, { taskType: "regression", metric: "mse" }),
      }),
    );
    expect(rr.score).toBeLessThan(50);
  });
});

describe("infer job", () => {
  it("returns the model's outputs, and a clear failure for bad input", async () => {
    const ds = fx.classificationDataset(3);
    const ok = await runInferJob(env.ctx, {
      modelHash: hashes.good!,
      inputs: { x: encodeTensor(ds.inputs.x!) },
    });
    expect(ok.status).toBe("ok");
    expect(ok.outputs.logits!.shape).toEqual([3, fx.C]);
    const bad = await runInferJob(env.ctx, {
      modelHash: hashes.good!,
      inputs: { y: encodeTensor(ds.inputs.x!) },
    });
    expect(bad.status).toBe("failed");
    expect(bad.reason).toMatch(/model raised an error/);
    const nan = await runInferJob(env.ctx, {
      modelHash: hashes.nan!,
      inputs: { x: encodeTensor(ds.inputs.x!) },
    });
    expect(nan.reason).toMatch(/NaN/);
  });
});
