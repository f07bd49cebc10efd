// Re-runs the evaluation behind a signed receipt and reports whether its score reproduces: the
// check anyone can make against a validator's committed receiptsRoot.
//
// Input: a JSON file holding a signed receipt ({receipt, signature}), optionally with the
// subnet's task spec ({receipt, signature, taskSpec}). Without a task spec, one is rebuilt from
// the data set (task type), the receipt (metric) and the model (inputs, first output).
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { WorkerError } from "./errors.js";
import { errorReason, isModelFault } from "./errors.js";
import { verifyBlob } from "./cache.js";
import { scoreModel } from "./jobs/evaluate.js";
import type { JobContext } from "./jobs/context.js";
import { toBps, verifyReceipt, type SignedReceipt } from "./receipts.js";
import { taskSpecSchema, type TaskSpec } from "./task-spec.js";

export interface VerifyReport {
  reproduced: boolean;
  signatureValid: boolean;
  signer: string;
  claimedScoreBps: number;
  recomputedScoreBps: number;
  toleranceBps: number;
  metric: string;
  metricValue: number;
  reason?: string;
}

const bundleSchema = z.object({
  receipt: z.unknown(),
  signature: z.unknown(),
  taskSpec: taskSpecSchema.optional(),
});

export async function readReceiptFile(file: string): Promise<{ signed: SignedReceipt; taskSpec?: TaskSpec }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new WorkerError("RECEIPT_INVALID", `cannot read receipt ${file}: ${(err as Error).message}`);
  }
  const bundle = bundleSchema.safeParse(json);
  if (!bundle.success)
    throw new WorkerError("RECEIPT_INVALID", `receipt file ${file}: ${bundle.error.issues[0]?.message}`);
  const signed = await verifyReceipt({ receipt: bundle.data.receipt, signature: bundle.data.signature });
  return { signed, ...(bundle.data.taskSpec ? { taskSpec: bundle.data.taskSpec } : {}) };
}

export async function verifyEvaluation(
  ctx: Omit<JobContext, "signal" | "onProgress">,
  signed: SignedReceipt,
  opts: { taskSpec?: TaskSpec; modelBytes?: Uint8Array; datasetBytes?: Uint8Array; toleranceBps?: number },
): Promise<VerifyReport> {
  const r = signed.receipt;
  if (opts.modelBytes) verifyBlob(opts.modelBytes, r.modelHash, "model");
  const ds = await ctx.datasets.get(r.datasetHash, opts.datasetBytes ? { bytes: opts.datasetBytes } : {});
  let spec = opts.taskSpec;
  if (spec && spec.dataset.hash !== r.datasetHash) {
    throw new WorkerError(
      "TASK_SPEC_INVALID",
      `task spec names data set ${spec.dataset.hash}, the receipt ${r.datasetHash}`,
    );
  }
  let recomputed = 0;
  let metricValue = 0;
  let reason: string | undefined;
  try {
    if (!spec) {
      const lease = await ctx.models.acquire(r.modelHash, opts.modelBytes ? { bytes: opts.modelBytes } : {});
      const sig = lease.model.session.signature;
      lease.release();
      const first = sig.outputs[0];
      spec = taskSpecSchema.parse({
        version: 1,
        taskType: ds.taskType,
        metric: r.metric,
        inputs: sig.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape })),
        outputs: first ? [{ name: first.name, dtype: first.dtype, shape: first.shape }] : [],
        dataset: { hash: r.datasetHash },
      });
    }
    const out = await scoreModel(
      { ...ctx },
      spec,
      ds,
      r.modelHash,
      opts.modelBytes ? { modelBytes: opts.modelBytes } : {},
    );
    recomputed = toBps(out.evaluation.score);
    metricValue = out.evaluation.metricValue;
  } catch (err) {
    if (!isModelFault(err)) throw err;
    reason = errorReason(err); // a failing model reproduces a receipt of score 0
  }
  const tolerance = opts.toleranceBps ?? 0;
  return {
    reproduced: Math.abs(recomputed - r.score) <= tolerance,
    signatureValid: true,
    signer: r.worker,
    claimedScoreBps: r.score,
    recomputedScoreBps: recomputed,
    toleranceBps: tolerance,
    metric: r.metric,
    metricValue,
    ...(reason ? { reason } : {}),
  };
}
