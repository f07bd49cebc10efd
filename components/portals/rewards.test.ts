import { describe, expect, it } from "vitest";
import { rewardIntervals, sampleBlocks } from "./rewards";

const T = 10n ** 18n;

describe("rewardIntervals", () => {
  it("separates rewards from the delegator's own stakes and unstakes", () => {
    const samples = [
      { block: 100n, stake: 0n },
      { block: 200n, stake: 10n * T + 1n * T }, // staked 10 at 150, earned 1
      { block: 300n, stake: 6n * T + T / 2n }, // unstaked 5 at 300 (the boundary is in), earned 0.5
      { block: 400n, stake: 6n * T + T / 2n }, // nothing happened
    ];
    const flows = [
      { block: 150n, amount: 10n * T },
      { block: 300n, amount: -5n * T },
    ];
    expect(rewardIntervals(samples, flows)).toEqual([
      { fromBlock: 100n, toBlock: 200n, reward: 1n * T },
      { fromBlock: 200n, toBlock: 300n, reward: T / 2n },
      { fromBlock: 300n, toBlock: 400n, reward: 0n },
    ]);
  });

  it("shows a slash as a negative reward, and a flow in the first sample's block as already counted", () => {
    const samples = [
      { block: 10n, stake: 5n * T },
      { block: 20n, stake: 4n * T },
    ];
    expect(rewardIntervals(samples, [{ block: 10n, amount: 5n * T }])).toEqual([
      { fromBlock: 10n, toBlock: 20n, reward: -1n * T },
    ]);
  });
});

describe("sampleBlocks", () => {
  it("spreads samples over the window, clamped at genesis, ending at the head", () => {
    expect(sampleBlocks(1000n, 400n, 5)).toEqual([600n, 700n, 800n, 900n, 1000n]);
    expect(sampleBlocks(3n, 400n, 5)).toEqual([0n, 1n, 2n, 3n]);
    expect(sampleBlocks(0n, 400n, 5)).toEqual([0n]);
  });
});
