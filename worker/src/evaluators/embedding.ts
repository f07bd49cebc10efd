// Embeddings: cosine similarity of each output vector to its reference vector.
// Score = 100 · max(0, mean cosine): anti-correlated or orthogonal embeddings earn nothing.
// A zero vector (model or reference) has cosine 0.
import { WorkerError } from "../errors.js";
import type { Metric } from "../task-spec.js";
import { clampScore, mean, type Evaluation, type ItemResult } from "./types.js";

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  if (na === 0 || nb === 0) return 0;
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}

export function evaluateEmbedding(
  vectors: readonly number[][],
  references: readonly number[][],
  metric: Metric,
): Evaluation {
  if (vectors.length !== references.length) {
    throw new WorkerError(
      "OUTPUT_SHAPE",
      `model returned ${vectors.length} vectors for ${references.length} items`,
    );
  }
  const items: ItemResult[] = vectors.map((v, index) => {
    const r = references[index]!;
    if (v.length !== r.length) {
      throw new WorkerError(
        "OUTPUT_SHAPE",
        `model returned ${v.length}-dimensional vectors, references have ${r.length}`,
      );
    }
    return { index, score: cosine(v, r) };
  });
  const meanCosine = mean(items.map((it) => it.score));
  return {
    metric,
    metricValue: meanCosine,
    score: clampScore(100 * meanCosine),
    metrics: { cosine: meanCosine },
    items,
  };
}
