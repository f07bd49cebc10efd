// score: ask a miner's endpoint for answers to the data set's prompts and score them against
// the references (exact match, token F1 or numeric; evaluators/text.ts).
//
// Endpoint protocol: POST <endpoint> with {"prompts": string[]} (a batch, in data set order)
// → 200 {"answers": string[]} of the same length. A batch that still fails after retries (or
// while the endpoint's circuit is open) scores 0 for its items; an endpoint that answers no
// batch at all fails the job with the reason.
//
// Receipt: an endpoint has no model hash, so the receipt's modelHash is the transcript hash,
// sha256(JSON.stringify({endpoint, answers})) over the answers as scored (failed batches as "").
// The result carries the answers (items[].predicted), so anyone can re-score the transcript.
import { z } from "zod";
import { WorkerError, errorReason } from "../errors.js";
import { evaluateText } from "../evaluators/text.js";
import { sha256Hex } from "../dataset.js";
import { signReceipt, toBps } from "../receipts.js";
import type { JobContext } from "./context.js";
import { postJson } from "./http-client.js";
import type { ScorePayload, ScoreResult } from "./types.js";

const DEFAULT_BATCH = 16;
const MAX_ANSWER_BYTES = 16 * 2 ** 20;

const answersSchema = z.object({ answers: z.array(z.string().max(100_000)) });

export function transcriptHash(endpoint: string, answers: readonly string[]) {
  return sha256Hex(new TextEncoder().encode(JSON.stringify({ endpoint, answers })));
}

export async function runScoreJob(
  ctx: JobContext,
  jobId: string,
  payload: ScorePayload,
): Promise<ScoreResult> {
  const started = performance.now();
  const spec = payload.taskSpec;
  const ds = await ctx.datasets.get(spec.dataset.hash, { uri: spec.dataset.uri });
  if (ds.taskType !== "text")
    throw new WorkerError("DATASET_INVALID", `data set is for ${ds.taskType}, score jobs need text`);
  const batch = spec.batchSize ?? DEFAULT_BATCH;
  const answers: string[] = new Array(ds.size).fill("");
  let answered = 0;
  let lastError: string | undefined;
  for (let start = 0; start < ds.size; start += batch) {
    ctx.signal?.throwIfAborted();
    const prompts = ds.prompts.slice(start, start + batch);
    try {
      const json = await postJson(
        payload.endpoint,
        { prompts },
        {
          timeoutMs: ctx.endpoint.timeoutMs,
          retries: ctx.endpoint.retries,
          breakers: ctx.endpoint.breakers,
          maxResponseBytes: MAX_ANSWER_BYTES,
          signal: ctx.signal,
        },
      );
      const parsed = answersSchema.safeParse(json);
      if (!parsed.success || parsed.data.answers.length !== prompts.length) {
        throw new WorkerError(
          "ENDPOINT_FAILED",
          `endpoint answered ${parsed.success ? parsed.data.answers.length : "malformed"} answers for ${prompts.length} prompts`,
        );
      }
      parsed.data.answers.forEach((a, i) => (answers[start + i] = a));
      answered += prompts.length;
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      lastError = errorReason(err);
      ctx.log?.warn("endpoint batch failed", { endpoint: payload.endpoint, start, reason: lastError });
    }
    ctx.onProgress?.(Math.min(ds.size, start + batch), ds.size);
  }
  const failed = answered === 0;
  const evaluation = evaluateText(answers, ds.answers, spec.metric, {
    absTolerance: spec.absTolerance,
    relTolerance: spec.relTolerance,
  });
  const score = failed ? 0 : evaluation.score;
  const transcript = transcriptHash(payload.endpoint, answers);
  const receipt = await signReceipt(ctx.account, {
    jobId,
    netuid: payload.netuid,
    uid: payload.uid,
    hotkey: payload.hotkey,
    modelHash: transcript,
    datasetHash: spec.dataset.hash,
    metric: spec.metric,
    score: toBps(score),
    worker: ctx.account.address,
    createdAt: Math.floor(Date.now() / 1000),
  });
  return {
    kind: "score",
    status: failed ? "failed" : "ok",
    ...(failed ? { reason: lastError ?? "endpoint answered nothing" } : {}),
    metric: spec.metric,
    metricValue: failed ? 0 : evaluation.metricValue,
    score,
    scoreBps: toBps(score),
    metrics: failed ? {} : evaluation.metrics,
    items: failed ? [] : evaluation.items,
    durationMs: performance.now() - started,
    endpoint: payload.endpoint,
    answered,
    transcriptHash: transcript,
    receipt,
  };
}
