import { describe, expect, it } from "vitest";
import { argmax, evaluateClassification, macroF1 } from "./classification.js";
import { cosine, evaluateEmbedding } from "./embedding.js";
import { evaluateRegression } from "./regression.js";
import { evaluateText, exactMatch, normalizeAnswer, numericMatch, parseNumber, tokenF1 } from "./text.js";

describe("classification", () => {
  it("takes the argmax of logits, a single column as a binary logit", () => {
    expect(argmax([0.1, 2, -1])).toBe(1);
    expect(argmax([3, 3, 1])).toBe(0); // ties go to the first class
    expect(argmax([0.2])).toBe(1);
    expect(argmax([-0.2])).toBe(0);
  });

  it("computes accuracy and macro F1 on a hand-checked example", () => {
    // labels    0 0 1 1 2
    // predicted 0 1 1 1 0
    const logits = [
      [5, 0, 0],
      [0, 5, 0],
      [0, 5, 0],
      [0, 5, 0],
      [5, 0, 0],
    ];
    const labels = [0, 0, 1, 1, 2];
    const e = evaluateClassification(logits, labels, "macro_f1");
    expect(e.metrics.accuracy).toBeCloseTo(3 / 5);
    // class 0: tp1 fp1 fn1 → 0.5; class 1: tp2 fp1 fn0 → 0.8; class 2: tp0 → 0
    expect(e.metricValue).toBeCloseTo((0.5 + 0.8 + 0) / 3);
    expect(e.score).toBeCloseTo((100 * 1.3) / 3);
    expect(e.items[1]).toEqual({ index: 1, score: 0, predicted: 1, expected: 0 });
    expect(macroF1([1, 1], [1, 1])).toBe(1);
  });

  it("scores accuracy as 100 × accuracy", () => {
    const e = evaluateClassification(
      [
        [1, 0],
        [0, 1],
        [1, 0],
        [1, 0],
      ],
      [0, 1, 1, 0],
      "accuracy",
    );
    expect(e.metricValue).toBe(0.75);
    expect(e.score).toBe(75);
  });

  it("refuses a row count that does not match the labels", () => {
    expect(() => evaluateClassification([[1, 0]], [0, 1], "accuracy")).toThrow(/1 rows for 2 items/);
  });
});

describe("regression", () => {
  it("maps MSE to 100·(1 − SSE/SST) and MAE to 100·(1 − MAE/MAD)", () => {
    const targets = [[1], [2], [3], [4]]; // mean 2.5, SST = 5; median 2.5, MAD sum = 4
    const preds = [[1], [2], [3], [5]]; // SSE = 1, SAE = 1
    const e = evaluateRegression(preds, targets, "mse");
    expect(e.metricValue).toBeCloseTo(0.25);
    expect(e.score).toBeCloseTo(80);
    expect(e.metrics.r2).toBeCloseTo(0.8);
    const m = evaluateRegression(preds, targets, "mae");
    expect(m.metricValue).toBeCloseTo(0.25);
    expect(m.score).toBeCloseTo(75);
  });

  it("gives 0, not a negative score, to a model worse than the mean", () => {
    expect(evaluateRegression([[10], [-10]], [[1], [2]], "r2").score).toBe(0);
  });

  it("handles a constant target", () => {
    expect(evaluateRegression([[3], [3]], [[3], [3]], "r2").score).toBe(100);
    expect(evaluateRegression([[3], [4]], [[3], [3]], "r2").score).toBe(0);
  });
});

describe("embedding", () => {
  it("averages cosine similarity and clips negatives to 0", () => {
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([1, 1], [2, 2])).toBeCloseTo(1);
    expect(cosine([0, 0], [1, 1])).toBe(0);
    const e = evaluateEmbedding(
      [
        [1, 0],
        [1, 1],
      ],
      [
        [1, 0],
        [-1, -1],
      ],
      "cosine",
    );
    expect(e.metricValue).toBeCloseTo(0); // (1 + −1) / 2
    expect(e.score).toBe(0);
    const g = evaluateEmbedding(
      [
        [1, 0],
        [0, 2],
      ],
      [
        [2, 0],
        [0, 1],
      ],
      "cosine",
    );
    expect(g.score).toBeCloseTo(100);
  });
});

describe("text", () => {
  it("normalizes like SQuAD", () => {
    expect(normalizeAnswer("  The Eiffel-Tower!  ")).toBe("eiffeltower");
    expect(normalizeAnswer("an apple, a pear")).toBe("apple pear");
  });

  it("scores exact match, token F1 and numeric match", () => {
    expect(exactMatch("the Paris.", "Paris")).toBe(1);
    expect(exactMatch("Paris France", "Paris")).toBe(0);
    // answer tokens: paris france; reference: paris → P = 1/2, R = 1 → F1 = 2/3
    expect(tokenF1("Paris, France", "Paris")).toBeCloseTo(2 / 3);
    expect(tokenF1("", "")).toBe(1);
    expect(parseNumber("about 1,234.5 meters")).toBe(1234.5);
    expect(parseNumber("no number")).toBeUndefined();
    expect(numericMatch("1234.6", "1,234.5", 0, 1e-3)).toBe(1);
    expect(numericMatch("1240", "1234.5", 0, 1e-3)).toBe(0);
    expect(numericMatch("-3e2", "-300", 1e-9, 0)).toBe(1);
  });

  it("takes the best reference per item and averages", () => {
    const e = evaluateText(["Paris", "4", "blue"], [["paris"], ["four", "4"], ["red"]], "exact_match", {
      absTolerance: 0,
      relTolerance: 0,
    });
    expect(e.metricValue).toBeCloseTo(2 / 3);
    expect(e.score).toBeCloseTo(200 / 3);
    expect(e.items.map((i) => i.score)).toEqual([1, 1, 0]);
  });
});
