import { describe, expect, it } from "vitest";
import { z } from "zod";
import { evaluateResultSchema } from "./types.js";

// The per-item schema the fast check replaced: both must accept and refuse the same items.
const reference = z.array(
  z.object({
    index: z.number().int().min(0),
    score: z.number(),
    predicted: z.union([z.number(), z.string(), z.array(z.number())]).optional(),
    expected: z.union([z.number(), z.string(), z.array(z.number()), z.array(z.string())]).optional(),
  }),
);

const base = {
  kind: "evaluate",
  status: "ok",
  metric: "accuracy",
  metricValue: 1,
  score: 100,
  scoreBps: 10_000,
  metrics: {},
  durationMs: 1,
  receipt: {
    receipt: {
      jobId: "j",
      netuid: 1,
      uid: 0,
      hotkey: `0x${"11".repeat(20)}`,
      modelHash: `0x${"22".repeat(32)}`,
      datasetHash: `0x${"33".repeat(32)}`,
      metric: "accuracy",
      score: 10_000,
      worker: `0x${"44".repeat(20)}`,
      createdAt: 1,
    },
    signature: `0x${"55".repeat(65)}`,
  },
};

describe("per-item results of a completed job", () => {
  const cases: unknown[] = [
    { index: 0, score: 1 },
    { index: 3, score: 0.5, predicted: 2, expected: 2 },
    { index: 1, score: 0, predicted: "a", expected: "b" },
    { index: 1, score: 0.9, predicted: [0.1, 0.2], expected: [0.1, 0.3] },
    { index: 1, score: 0.9, predicted: [], expected: ["a", "b"] },
    { index: 1, score: 1, extra: "dropped", predicted: 1 },
    { index: 1, score: 1, a: 1, b: 2 },
    { index: -1, score: 1 },
    { index: 1.5, score: 1 },
    { index: 2 ** 60, score: 1 },
    { index: "1", score: 1 },
    { score: 1 },
    { index: 0 },
    { index: 0, score: null },
    { index: 0, score: 1, predicted: ["a"] },
    { index: 0, score: 1, predicted: [1, "a"] },
    { index: 0, score: 1, expected: [1, "a"] },
    { index: 0, score: 1, expected: { a: 1 } },
    { index: 0, score: 1, predicted: null },
    { index: 0, score: 1, expected: true },
    [],
    null,
    "item",
    7,
  ];

  it("accepts and refuses exactly what a zod object schema per item does, keeping only known keys", () => {
    for (const item of cases) {
      const items = [{ index: 0, score: 1 }, item];
      const ours = evaluateResultSchema.safeParse({ ...base, items });
      const ref = reference.safeParse(items);
      expect(ours.success, JSON.stringify(item)).toBe(ref.success);
      if (ours.success && ref.success) expect(ours.data.items).toEqual(ref.data);
      if (!ours.success) expect(ours.error.issues[0]!.path.slice(0, 2)).toEqual(["items", 1]);
    }
    expect(evaluateResultSchema.safeParse({ ...base, items: { 0: { index: 0, score: 1 } } }).success).toBe(
      false,
    );
  });

  it("leaves the sent array as it is when no item has unknown keys", () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({
      index: i,
      score: i % 2,
      predicted: 1,
      expected: 1,
    }));
    const parsed = evaluateResultSchema.parse({ ...base, items });
    expect(parsed.items).toBe(items);
  });
});
