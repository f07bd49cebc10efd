import { describe, expect, it } from "vitest";
import { estimateApr } from "./apr";

const TEN = 10n ** 18n;

describe("estimateApr", () => {
  it("annualises one epoch's emission at the measured block time, less the take", () => {
    // 1 TEN per 100-block epoch at 1 s blocks = 315,576 epochs a year; stake 1,000,000 TEN; 0% take.
    const apr = estimateApr({
      earnings: [{ emission: TEN, tempoBlocks: 100 }],
      totalStake: 1_000_000n * TEN,
      take: 0,
      secondsPerBlock: 1,
    });
    expect(apr).toBeCloseTo(0.315576, 6);
    const halfTake = estimateApr({
      earnings: [{ emission: TEN, tempoBlocks: 100 }],
      totalStake: 1_000_000n * TEN,
      take: 65535 / 2,
      secondsPerBlock: 1,
    });
    expect(halfTake).toBeCloseTo(0.157788, 6);
  });

  it("sums subnets and has no estimate without stake or a block time", () => {
    const two = estimateApr({
      earnings: [
        { emission: TEN, tempoBlocks: 100 },
        { emission: TEN, tempoBlocks: 200 },
      ],
      totalStake: 1_000_000n * TEN,
      take: 0,
      secondsPerBlock: 1,
    });
    expect(two).toBeCloseTo(0.315576 * 1.5, 6);
    expect(estimateApr({ earnings: [], totalStake: 0n, take: 0, secondsPerBlock: 1 })).toBeNull();
    expect(
      estimateApr({
        earnings: [{ emission: TEN, tempoBlocks: 100 }],
        totalStake: TEN,
        take: 0,
        secondsPerBlock: undefined,
      }),
    ).toBeNull();
  });
});
