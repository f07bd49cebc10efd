// What every evaluator returns: the subnet's metric, a 0–100 score derived from it, secondary
// metrics, and one result per data set item so a disputed score can be traced to items.
import type { Metric } from "../task-spec.js";

export interface ItemResult {
  index: number;
  /** The item's own contribution in [0, 1] (correct, cosine, F1, …). */
  score: number;
  predicted?: number | string | number[];
  expected?: number | string | number[] | string[];
}

export interface Evaluation {
  metric: Metric;
  /** The metric in its natural unit (accuracy in [0, 1], MSE in target units², …). */
  metricValue: number;
  /** 0–100, higher is better; see each evaluator for the mapping. */
  score: number;
  metrics: Record<string, number>;
  items: ItemResult[];
}

export function clampScore(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return Math.min(100, Math.max(0, x));
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}
