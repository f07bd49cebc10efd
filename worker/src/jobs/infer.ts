// infer: run a user's request on a model and return its outputs. Model faults (invalid model,
// wrong inputs, throws, hangs, NaN) give status "failed" with the reason.
import { errorReason, isModelFault, WorkerError } from "../errors.js";
import { decodeTensor, encodeTensor, type HostTensor } from "../tensor.js";
import type { JobContext } from "./context.js";
import type { InferPayload, InferResult } from "./types.js";

export async function runInferJob(ctx: JobContext, payload: InferPayload): Promise<InferResult> {
  const started = performance.now();
  const failed = (reason: string): InferResult => ({
    kind: "infer",
    status: "failed",
    reason,
    outputs: {},
    durationMs: performance.now() - started,
  });
  let feeds: Record<string, HostTensor>;
  try {
    feeds = Object.fromEntries(
      Object.entries(payload.inputs).map(([name, t]) => [name, decodeTensor(t, `input "${name}"`)]),
    );
  } catch (err) {
    return failed(errorReason(err)); // the user's request is malformed: nothing to retry
  }
  try {
    const lease = await ctx.models.acquire(payload.modelHash, { uri: payload.modelUri });
    try {
      const { session } = lease.model;
      const known = session.signature.outputs.map((o) => o.name);
      const fetches = payload.outputs ?? known;
      const unknown = fetches.filter((f) => !known.includes(f));
      if (unknown.length > 0)
        throw new WorkerError("MODEL_SIGNATURE", `model has no output(s) ${unknown.join(", ")}`);
      const t0 = performance.now();
      const out = await session.run(feeds, fetches);
      ctx.metrics?.inference.observe((performance.now() - t0) / 1000);
      return {
        kind: "infer",
        status: "ok",
        outputs: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, encodeTensor(v)])),
        provider: session.provider,
        durationMs: performance.now() - started,
      };
    } finally {
      lease.release();
    }
  } catch (err) {
    if (!isModelFault(err)) throw err;
    return failed(errorReason(err));
  }
}
