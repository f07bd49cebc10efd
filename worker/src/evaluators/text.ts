// Text answers against lists of acceptable references; each item takes its best reference.
//   exact_match  normalized answer equals a normalized reference (SQuAD normalization: lower
//                case, punctuation deleted, the articles a/an/the removed, whitespace collapsed)
//   token_f1     SQuAD token-level F1 between normalized answer and reference
//   numeric      the first number in the answer is within max(absTolerance, relTolerance·|ref|)
//                of the reference's number (thousands separators ignored)
// Score = 100 · mean item score.
import type { Metric } from "../task-spec.js";
import { clampScore, mean, type Evaluation, type ItemResult } from "./types.js";

export function normalizeAnswer(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, "")
    .replace(/\b(a|an|the)\b/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");
}

export function exactMatch(answer: string, reference: string): number {
  return normalizeAnswer(answer) === normalizeAnswer(reference) ? 1 : 0;
}

export function tokenF1(answer: string, reference: string): number {
  const a = normalizeAnswer(answer).split(" ").filter(Boolean);
  const r = normalizeAnswer(reference).split(" ").filter(Boolean);
  if (a.length === 0 || r.length === 0) return a.length === r.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of a) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      common++;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / a.length;
  const recall = common / r.length;
  return (2 * precision * recall) / (precision + recall);
}

const NUMBER = /[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+(?:[eE][-+]?\d+)?/;

export function parseNumber(s: string): number | undefined {
  const m = NUMBER.exec(s);
  if (!m) return undefined;
  const v = Number(m[0].replace(/,/g, ""));
  return Number.isFinite(v) ? v : undefined;
}

export function numericMatch(
  answer: string,
  reference: string,
  absTolerance: number,
  relTolerance: number,
): number {
  const a = parseNumber(answer);
  const r = parseNumber(reference);
  if (a === undefined || r === undefined) return 0;
  return Math.abs(a - r) <= Math.max(absTolerance, relTolerance * Math.abs(r)) ? 1 : 0;
}

export interface TextOptions {
  absTolerance: number;
  relTolerance: number;
}

export function evaluateText(
  answers: readonly string[],
  references: readonly string[][],
  metric: Metric,
  opts: TextOptions,
): Evaluation {
  const scoreOne = (a: string, r: string, m: Metric): number =>
    m === "token_f1"
      ? tokenF1(a, r)
      : m === "numeric"
        ? numericMatch(a, r, opts.absTolerance, opts.relTolerance)
        : exactMatch(a, r);
  const best = (a: string, refs: readonly string[], m: Metric) =>
    Math.max(0, ...refs.map((r) => scoreOne(a, r, m)));
  const items: ItemResult[] = references.map((refs, index) => {
    const answer = answers[index] ?? "";
    return { index, score: best(answer, refs, metric), predicted: answer, expected: [...refs] };
  });
  const metricValue = mean(items.map((it) => it.score));
  const metrics: Record<string, number> = {
    exact_match: mean(references.map((refs, i) => best(answers[i] ?? "", refs, "exact_match"))),
    token_f1: mean(references.map((refs, i) => best(answers[i] ?? "", refs, "token_f1"))),
  };
  return { metric, metricValue, score: clampScore(100 * metricValue), metrics, items };
}
