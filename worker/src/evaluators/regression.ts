// Regression: predictions and targets are rows of K values. The score compares the model with
// the best constant predictor, so it is comparable across data sets whatever their units:
//   r2, mse:  score = 100 · max(0, 1 − SSE / SST)  (SST around each column's mean; = R² clipped)
//   mae:      score = 100 · max(0, 1 − MAE / MAD)  (MAD = mean |y − median(y)| per column, the
//             MAE of the best constant predictor)
// A constant target (SST or MAD = 0) scores 100 for an exact model, else 0.
import { WorkerError } from "../errors.js";
import type { Metric } from "../task-spec.js";
import { clampScore, mean, type Evaluation, type ItemResult } from "./types.js";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function relativeScore(err: number, baseline: number): number {
  if (baseline === 0) return err === 0 ? 100 : 0;
  return clampScore(100 * (1 - err / baseline));
}

export function evaluateRegression(
  predictions: readonly number[][],
  targets: readonly number[][],
  metric: Metric,
): Evaluation {
  if (predictions.length !== targets.length) {
    throw new WorkerError(
      "OUTPUT_SHAPE",
      `model returned ${predictions.length} rows for ${targets.length} items`,
    );
  }
  const k = targets[0]?.length ?? 1;
  const items: ItemResult[] = [];
  let sse = 0;
  let sae = 0;
  for (let i = 0; i < targets.length; i++) {
    const p = predictions[i]!;
    const t = targets[i]!;
    if (p.length !== k)
      throw new WorkerError("OUTPUT_SHAPE", `model returned ${p.length} values per item, expected ${k}`);
    let se = 0;
    let ae = 0;
    for (let j = 0; j < k; j++) {
      const d = p[j]! - t[j]!;
      se += d * d;
      ae += Math.abs(d);
    }
    sse += se;
    sae += ae;
    items.push({ index: i, score: 1 / (1 + se / k), predicted: [...p], expected: [...t] });
  }
  let sst = 0;
  let mad = 0;
  for (let j = 0; j < k; j++) {
    const col = targets.map((t) => t[j]!);
    const mu = mean(col);
    const med = median(col);
    for (const y of col) {
      sst += (y - mu) * (y - mu);
      mad += Math.abs(y - med);
    }
  }
  const n = Math.max(1, targets.length * k);
  const mse = sse / n;
  const mae = sae / n;
  const r2 = sst === 0 ? (sse === 0 ? 1 : 0) : 1 - sse / sst;
  const score = metric === "mae" ? relativeScore(sae, mad) : relativeScore(sse, sst);
  const metricValue = metric === "mae" ? mae : metric === "mse" ? mse : r2;
  return { metric, metricValue, score, metrics: { mse, mae, r2 }, items };
}
