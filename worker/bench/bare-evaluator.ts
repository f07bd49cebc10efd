// The peer of the evaluation benchmarks: a bare onnxruntime `session.run` loop over the same
// model and data set (argmax accuracy), one thread, no worker machinery. Shared by
// worker/bench/worker.bench.ts and lib/bench/jobs.bench.ts so both compare against one loop.
import * as ort from "onnxruntime-node";
import { sliceRows, type HostTensor } from "../src/tensor.js";

export interface BareEvaluator {
  session: ort.InferenceSession;
  /** Runs the whole data set once; returns the number of correct argmax predictions. */
  evaluate(): Promise<number>;
}

/** `dataset`: a classification data set (its input `x` and labels), as the benchmarks build it. */
export async function createBareEvaluator(o: {
  model: Uint8Array;
  dataset: { inputs: Record<string, HostTensor>; labels: ArrayLike<number> };
  items: number;
  batch: number;
  classes: number;
}): Promise<BareEvaluator> {
  const x = o.dataset.inputs.x!;
  const labels = o.dataset.labels;
  const session = await ort.InferenceSession.create(o.model, {
    executionProviders: ["cpu"],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
  });
  const evaluate = async () => {
    let correct = 0;
    for (let start = 0; start < o.items; start += o.batch) {
      const rows = sliceRows(x, start, Math.min(o.items, start + o.batch));
      const out = await session.run({ x: new ort.Tensor("float32", rows.data as Float32Array, rows.shape) });
      const logits = out.logits!.data as Float32Array;
      for (let r = 0; r < rows.shape[0]!; r++) {
        let best = 0;
        for (let c = 1; c < o.classes; c++)
          if (logits[r * o.classes + c]! > logits[r * o.classes + best]!) best = c;
        if (best === labels[start + r]) correct++;
      }
    }
    return correct;
  };
  return { session, evaluate };
}
