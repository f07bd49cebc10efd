// evaluate: run a miner's published ONNX model on the subnet's held-out data set, compute the
// subnet's metric, and sign a receipt. Whatever is wrong with the model (invalid bytes, wrong
// signature, throws, hangs, NaN, too large, hash mismatch) yields status "failed", score 0 and
// a one-line reason — still with a signed receipt, because a zero is a result too. Problems that
// are not the model's (data set unreachable, network) are thrown for the worker to /fail.
import { WorkerError, errorReason, isModelFault } from "../errors.js";
import type { Dataset } from "../dataset.js";
import { evaluateOutputs } from "../evaluators/evaluate.js";
import type { Evaluation } from "../evaluators/types.js";
import { checkSignature, fixedBatchSize } from "../onnx/signature.js";
import { signReceipt, toBps, type EvaluationReceiptInput } from "../receipts.js";
import type { Hash32, TaskSpec } from "../task-spec.js";
import type { JobContext } from "./context.js";
import type { EvaluatePayload, EvaluateResult } from "./types.js";

export interface EvaluateOutcome {
  evaluation: Evaluation;
  provider?: "cuda" | "cpu";
}

/** Runs a model on a data set and scores it; throws WorkerError on any failure. */
export async function scoreModel(
  ctx: JobContext,
  spec: TaskSpec,
  ds: Dataset,
  modelHash: Hash32,
  opts: { modelUri?: string; modelBytes?: Uint8Array } = {},
): Promise<EvaluateOutcome> {
  if (ds.taskType === "text")
    throw new WorkerError("TASK_SPEC_INVALID", "evaluate jobs need a model task, not a text task");
  if (ds.taskType !== spec.taskType) {
    throw new WorkerError(
      "DATASET_INVALID",
      `data set is for ${ds.taskType}, the task spec says ${spec.taskType}`,
    );
  }
  const lease = await ctx.models.acquire(modelHash, { uri: opts.modelUri, bytes: opts.modelBytes });
  try {
    const { session } = lease.model;
    checkSignature(session.signature, spec.inputs, spec.outputs);
    const missing = spec.inputs.filter((i) => !ds.inputs[i.name]).map((i) => i.name);
    if (missing.length > 0)
      throw new WorkerError("DATASET_INVALID", `data set lacks model input(s) ${missing.join(", ")}`);
    const inputs = Object.fromEntries(spec.inputs.map((i) => [i.name, ds.inputs[i.name]!]));
    for (const i of spec.inputs) {
      if (inputs[i.name]!.dtype !== i.dtype) {
        throw new WorkerError(
          "DATASET_INVALID",
          `data set input "${i.name}" is ${inputs[i.name]!.dtype}, the task declares ${i.dtype}`,
        );
      }
    }
    const primary = spec.outputs[0]!.name;
    const fixedBatch = fixedBatchSize(session.signature);
    ctx.signal?.throwIfAborted();
    // The host keeps the data set between evaluations of this model: key it by content.
    const key = `${spec.dataset.hash}:${spec.inputs.map((i) => i.name).join(",")}`;
    const outputs = await session.runDataset(
      key,
      inputs,
      [primary],
      { batchSize: spec.batchSize ?? ctx.batchSize, ...(fixedBatch ? { fixedBatch } : {}) },
      {
        onProgress: (done, total, batchSeconds) => {
          for (const seconds of batchSeconds) ctx.metrics?.inference.observe(seconds);
          ctx.onProgress?.(done, total);
        },
        ...(ctx.onInferenceStarted ? { onStarted: ctx.onInferenceStarted } : {}),
      },
    );
    if (ctx.onInferenceDone) {
      ctx.onInferenceDone();
      // Scoring waits for the next job to reach the session.
      await new Promise((r) => setImmediate(r));
    }
    return { evaluation: evaluateOutputs(spec, ds, outputs[primary]!), provider: session.provider };
  } finally {
    lease.release();
  }
}

export async function runEvaluateJob(
  ctx: JobContext,
  jobId: string,
  payload: EvaluatePayload,
): Promise<EvaluateResult> {
  const started = performance.now();
  const spec = payload.taskSpec;
  // Data set problems are the subnet's or the network's, never the miner's: let them throw.
  const ds = await ctx.datasets.get(spec.dataset.hash, { uri: spec.dataset.uri });
  let outcome: EvaluateOutcome | undefined;
  let reason: string | undefined;
  try {
    // When the parent model is measured here, its inference is the job's last one.
    const parentRun = payload.parentModelHash !== undefined && payload.parentScoreBps === undefined;
    outcome = await scoreModel(
      parentRun ? { ...ctx, onInferenceDone: undefined, onInferenceStarted: undefined } : ctx,
      spec,
      ds,
      payload.modelHash,
      {
        modelUri: payload.modelUri,
      },
    );
  } catch (err) {
    if (!isModelFault(err)) throw err;
    reason = errorReason(err);
    ctx.log?.warn("model failed evaluation", { jobId, modelHash: payload.modelHash, reason });
  }
  const score = outcome?.evaluation.score ?? 0;
  const scoreBps = toBps(score);
  const receipt: EvaluationReceiptInput = {
    jobId,
    netuid: payload.netuid,
    uid: payload.uid,
    hotkey: payload.hotkey,
    modelHash: payload.modelHash,
    datasetHash: spec.dataset.hash,
    metric: spec.metric,
    score: scoreBps,
    worker: ctx.account.address,
    createdAt: Math.floor(Date.now() / 1000),
  };
  if (payload.parentModelHash !== undefined) {
    // Proof of learning: the parent's score on the same data set, given by the validator from an
    // earlier receipt or measured here, in the same job, when it has none.
    const parentScore =
      payload.parentScoreBps ?? (await scoreParent(ctx, jobId, spec, ds, payload.parentModelHash));
    receipt.parentModelHash = payload.parentModelHash;
    receipt.parentScore = parentScore;
    receipt.improvement = scoreBps - parentScore;
  }
  return {
    kind: "evaluate",
    status: outcome ? "ok" : "failed",
    ...(reason ? { reason } : {}),
    metric: spec.metric,
    metricValue: outcome?.evaluation.metricValue ?? 0,
    score,
    scoreBps,
    metrics: outcome?.evaluation.metrics ?? {},
    items: outcome?.evaluation.items ?? [],
    durationMs: performance.now() - started,
    ...(outcome?.provider ? { provider: outcome.provider } : {}),
    receipt: await signReceipt(ctx.account, receipt),
  };
}

/** The parent model's score in basis points; 0 when the parent itself fails or cannot be fetched. */
async function scoreParent(
  ctx: JobContext,
  jobId: string,
  spec: TaskSpec,
  ds: Dataset,
  parentModelHash: Hash32,
): Promise<number> {
  try {
    return toBps((await scoreModel(ctx, spec, ds, parentModelHash)).evaluation.score);
  } catch (err) {
    if (!isModelFault(err) && !(err instanceof WorkerError && err.code === "BLOB_NOT_FOUND")) throw err;
    ctx.log?.warn("parent model failed evaluation", { jobId, parentModelHash, reason: errorReason(err) });
    return 0;
  }
}
