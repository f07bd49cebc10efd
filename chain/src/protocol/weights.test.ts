import { encodeAbiParameters, keccak256, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import {
  WeightsError,
  checkRateLimit,
  checkReveal,
  checkVersionKey,
  commitHash,
  normalizeWeightsU16,
  receiptsRootSchema,
  revealWindow,
  validateWeights,
  type WeightsErrorCode,
} from "./weights.js";

function codeOf(f: () => void): WeightsErrorCode | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof WeightsError) return e.code;
    throw e;
  }
  return undefined;
}

describe("weights validation", () => {
  const rules = { subnetSize: 8, selfUid: 0, minAllowedWeights: 2 };
  it("accepts a well-formed submission", () => {
    expect(codeOf(() => validateWeights({ uids: [1, 2, 3], values: [1, 2, 65535] }, rules))).toBeUndefined();
  });

  it("rejects each malformed submission with its own code", () => {
    expect(codeOf(() => validateWeights({ uids: [1, 2], values: [1] }, rules))).toBe("LengthMismatch");
    expect(codeOf(() => validateWeights({ uids: [1, 8], values: [1, 1] }, rules))).toBe("UidOutOfRange");
    expect(codeOf(() => validateWeights({ uids: [1, 1], values: [1, 1] }, rules))).toBe("DuplicateUid");
    expect(codeOf(() => validateWeights({ uids: [1, 2], values: [1, 65536] }, rules))).toBe(
      "ValueOutOfRange",
    );
    expect(codeOf(() => validateWeights({ uids: [1], values: [1] }, rules))).toBe("TooFewWeights");
    expect(codeOf(() => validateWeights({ uids: [1, 2], values: [0, 0] }, rules))).toBe("AllWeightsZero");
    expect(
      codeOf(() => validateWeights({ uids: [1, 2], values: [3, 1] }, { ...rules, maxWeightLimit: 32768 })),
    ).toBe("MaxWeightExceeded");
    expect(
      codeOf(() => validateWeights({ uids: [1, 2], values: [1, 1] }, { ...rules, maxWeightLimit: 32768 })),
    ).toBeUndefined();
  });

  it("allows a lone self-weight and caps minAllowedWeights at the subnet size", () => {
    expect(codeOf(() => validateWeights({ uids: [0], values: [65535] }, rules))).toBeUndefined();
    expect(
      codeOf(() =>
        validateWeights({ uids: [1], values: [1] }, { subnetSize: 2, selfUid: 0, minAllowedWeights: 5 }),
      ),
    ).toBe("TooFewWeights");
    expect(
      codeOf(() =>
        validateWeights(
          { uids: [0, 1], values: [1, 1] },
          { subnetSize: 2, selfUid: 0, minAllowedWeights: 5 },
        ),
      ),
    ).toBeUndefined();
  });

  it("max-upscales accepted weights to u16 so the largest is 65535", () => {
    expect(normalizeWeightsU16([1, 2, 4])).toEqual([16384, 32768, 65535]); // 16383.75 → 16384, 32767.5 → 32768
    expect(normalizeWeightsU16([0, 0])).toEqual([0, 0]);
    expect(normalizeWeightsU16([7])).toEqual([65535]);
  });
});

describe("version key and rate limit", () => {
  it("checks the version key (0 accepts any)", () => {
    expect(codeOf(() => checkVersionKey(0n, 0))).toBeUndefined();
    expect(codeOf(() => checkVersionKey(3n, 4))).toBe("IncorrectVersionKey");
    expect(codeOf(() => checkVersionKey(4n, 4))).toBeUndefined();
  });

  it("rate-limits and reports the next allowed block", () => {
    expect(codeOf(() => checkRateLimit(null, 100, 5))).toBeUndefined();
    let err: unknown;
    try {
      checkRateLimit(50, 100, 149);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WeightsError);
    expect((err as WeightsError).nextBlock).toBe(150);
    expect(codeOf(() => checkRateLimit(50, 100, 150))).toBeUndefined();
  });
});

describe("commit-reveal", () => {
  const hotkey = "0x1111111111111111111111111111111111111111" as const;
  const salt: Hex = `0x${"ab".repeat(32)}`;

  it("hashes keccak256(abi.encode(address, uint16, uint16[], uint16[], bytes32, uint64))", () => {
    const h = commitHash(hotkey, 3, [1, 2], [100, 200], salt, 7n);
    // The encoding spelled out by hand: 6 head words, then the two dynamic arrays.
    const word = (n: bigint): string => n.toString(16).padStart(64, "0");
    const manual = ("0x" +
      word(BigInt(hotkey)) +
      word(3n) +
      word(6n * 32n) + // offset of uids
      word(9n * 32n) + // offset of values (after uids: length + 2 items)
      "ab".repeat(32) +
      word(7n) +
      word(2n) +
      word(1n) +
      word(2n) +
      word(2n) +
      word(100n) +
      word(200n)) as Hex;
    expect(h).toBe(keccak256(manual));
    expect(h).toBe(
      keccak256(
        encodeAbiParameters(
          [
            { type: "address" },
            { type: "uint16" },
            { type: "uint16[]" },
            { type: "uint16[]" },
            { type: "bytes32" },
            { type: "uint64" },
          ],
          [hotkey, 3, [1, 2], [100, 200], salt, 7n],
        ),
      ),
    );
    expect(commitHash(hotkey, 3, [1, 2], [100, 201], salt, 7n)).not.toBe(h);
  });

  it("opens the reveal exactly commitRevealPeriod tempos after the commit", () => {
    // netuid 1, tempo 9: tempo k spans blocks 10k−1 .. 10k+8.
    expect(revealWindow(1, 9, 1, 5, 8)).toBe("too_early");
    expect(revealWindow(1, 9, 1, 5, 9)).toBe("open");
    expect(revealWindow(1, 9, 1, 5, 18)).toBe("open");
    expect(revealWindow(1, 9, 1, 5, 19)).toBe("expired");
    expect(revealWindow(1, 9, 2, 5, 19)).toBe("open");
  });

  it("checks a reveal against the stored commit", () => {
    const reveal = { hotkey, netuid: 1, uids: [1, 2], values: [5, 6], salt, versionKey: 0n };
    const commit = {
      hash: commitHash(hotkey, 1, [1, 2], [5, 6], salt, 0n),
      block: 5,
      receiptsRoot: receiptsRootSchema.parse(`0x${"00".repeat(32)}`),
    };
    const schedule = { tempo: 9, commitRevealPeriod: 1 };
    expect(codeOf(() => checkReveal(commit, reveal, schedule, 12))).toBeUndefined();
    expect(codeOf(() => checkReveal(commit, { ...reveal, values: [6, 5] }, schedule, 12))).toBe(
      "CommitHashMismatch",
    );
    expect(codeOf(() => checkReveal(commit, reveal, schedule, 19))).toBe("RevealExpired");
    let err: unknown;
    try {
      checkReveal(commit, reveal, schedule, 6);
    } catch (e) {
      err = e;
    }
    expect((err as WeightsError).code).toBe("RevealTooEarly");
    expect((err as WeightsError).nextBlock).toBe(9);
  });

  it("validates the receipts root as bytes32", () => {
    expect(receiptsRootSchema.safeParse("0x1234").success).toBe(false);
    expect(receiptsRootSchema.parse(`0x${"AB".repeat(32)}`)).toBe(`0x${"ab".repeat(32)}`);
  });
});
