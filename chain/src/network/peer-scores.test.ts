import { describe, expect, it } from "vitest";
import { PeerScorer } from "./peer-scores.js";

const params = { invalidPenalty: 10, banThreshold: -30, banMs: 60_000, recoveryPerMinute: 5 };

describe("PeerScorer", () => {
  it("bans at the threshold, refuses during the cool-down, then gives a fresh start", () => {
    let now = 0;
    const scorer = new PeerScorer(params, () => now);
    expect(scorer.penalize("a", "bad vote")).toEqual({ score: -10, banned: false });
    expect(scorer.penalize("a", "bad vote")).toEqual({ score: -20, banned: false });
    expect(scorer.penalize("a", "bad block")).toEqual({ score: -30, banned: true });
    expect(scorer.isBanned("a")).toBe(true);
    expect(scorer.info("a")).toEqual({ score: -30, bannedUntil: 60_000, lastReason: "bad block" });
    // Further faults while banned neither extend the ban nor ban twice.
    expect(scorer.penalize("a", "more")).toEqual({ score: -30, banned: false });
    expect(scorer.banned()).toEqual([{ peerId: "a", until: 60_000 }]);
    expect(scorer.isBanned("b")).toBe(false);

    now = 60_000;
    expect(scorer.isBanned("a")).toBe(false);
    expect(scorer.score("a")).toBe(0);
    expect(scorer.banned()).toEqual([]);
  });

  it("recovers whole points over time, never above zero, and forgets recovered peers", () => {
    let now = 0;
    const scorer = new PeerScorer(params, () => now);
    scorer.penalize("a", "x", 2); // weight 2: -20
    now = 11_999; // 5 points a minute = one point per 12 s
    expect(scorer.score("a")).toBe(-20);
    now = 12_000;
    expect(scorer.score("a")).toBe(-19);
    now = 12_000 + 5 * 12_000 + 6_000;
    expect(scorer.score("a")).toBe(-14);
    now += 6_000; // the carried remainder counts
    expect(scorer.score("a")).toBe(-13);
    now += 60 * 60_000;
    expect(scorer.score("a")).toBe(0);
    scorer.penalize("b", "y");
    scorer.prune();
    expect(scorer.info("a")).toEqual({ score: 0 });
    expect(scorer.score("b")).toBe(-10);
  });

  it("does not recover when recovery is disabled", () => {
    let now = 0;
    const scorer = new PeerScorer({ ...params, recoveryPerMinute: 0 }, () => now);
    scorer.penalize("a", "x");
    now = 10 * 60 * 60_000;
    expect(scorer.score("a")).toBe(-10);
  });
});
