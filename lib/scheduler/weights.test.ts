import { describe, expect, it } from "vitest";
import { deriveWeights, U16_MAX } from "./weights";

describe("deriveWeights", () => {
  it("weighs each miner by its score relative to the best, leaving out failures and the validator", () => {
    const w = deriveWeights(
      [
        { uid: 3, scoreBps: 2500 },
        { uid: 1, scoreBps: 10_000 },
        { uid: 0, scoreBps: 9_000 }, // the validator itself
        { uid: 2, scoreBps: 0 }, // failed model
        { uid: 4, scoreBps: 5000 },
      ],
      0,
    );
    expect(w).toEqual({ uids: [1, 3, 4], values: [U16_MAX, Math.round(U16_MAX / 4), Math.round(U16_MAX / 2)] });
  });

  it("keeps a UID's best score when it was evaluated twice, and gives a tiny score a non-zero weight", () => {
    expect(
      deriveWeights([
        { uid: 5, scoreBps: 100 },
        { uid: 5, scoreBps: 8000 },
        { uid: 6, scoreBps: 1 },
      ]),
    ).toEqual({ uids: [5, 6], values: [U16_MAX, 8] });
  });

  it("sets no weights when nothing scored above zero", () => {
    expect(deriveWeights([{ uid: 1, scoreBps: 0 }])).toEqual({ uids: [], values: [] });
    expect(deriveWeights([])).toEqual({ uids: [], values: [] });
  });
});
