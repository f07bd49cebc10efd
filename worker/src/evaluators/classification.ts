// Classification: the predicted class is the argmax over the model's logits (a single logit
// column is read as a binary logit: class 1 when > 0). Score = 100 × accuracy or 100 × macro F1,
// where macro F1 averages per-class F1 over the classes that occur in the labels or predictions
// (scikit-learn's default label set).
import { WorkerError } from "../errors.js";
import type { Metric } from "../task-spec.js";
import { clampScore, type Evaluation, type ItemResult } from "./types.js";

export function argmax(row: readonly number[]): number {
  if (row.length === 1) return row[0]! > 0 ? 1 : 0;
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

export function macroF1(predicted: readonly number[], labels: readonly number[]): number {
  const classes = new Set<number>([...labels, ...predicted]);
  if (classes.size === 0) return 0;
  let sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < labels.length; i++) {
      const p = predicted[i] === c;
      const l = labels[i] === c;
      if (p && l) tp++;
      else if (p) fp++;
      else if (l) fn++;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / classes.size;
}

export function evaluateClassification(
  logits: readonly number[][],
  labels: readonly number[],
  metric: Metric,
): Evaluation {
  if (logits.length !== labels.length) {
    throw new WorkerError("OUTPUT_SHAPE", `model returned ${logits.length} rows for ${labels.length} items`);
  }
  const predicted = logits.map(argmax);
  const items: ItemResult[] = predicted.map((p, index) => ({
    index,
    score: p === labels[index] ? 1 : 0,
    predicted: p,
    expected: labels[index]!,
  }));
  const accuracy = labels.length === 0 ? 0 : items.reduce((a, it) => a + it.score, 0) / labels.length;
  const f1 = macroF1(predicted, labels);
  const metricValue = metric === "macro_f1" ? f1 : accuracy;
  return {
    metric,
    metricValue,
    score: clampScore(100 * metricValue),
    metrics: { accuracy, macro_f1: f1 },
    items,
  };
}
