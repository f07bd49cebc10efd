import { describe, expect, it } from "vitest";
import {
  StakingError,
  compoundDividends,
  matureUnbonding,
  slash,
  splitDividends,
  startUnbonding,
} from "./staking.js";
import { prng } from "./test-prng.js";

const sumMap = (m: ReadonlyMap<string, bigint>): bigint => [...m.values()].reduce((a, b) => a + b, 0n);

describe("dividend split", () => {
  it("gives the owner its take plus flooring remainders and the rest pro rata", () => {
    // 1000 wei, take 11796/65535 (18%): owner take floor(1000·11796/65535) = 179; rest 821 split 1:3
    // between the owner's own stake and delegator d: d gets floor(821·3/4) = 615, owner floor(205.25) = 205 + 179 + 1 left over.
    const payout = splitDividends(1000n, 11796, "owner", [
      { coldkey: "owner", stake: 100n },
      { coldkey: "d", stake: 300n },
    ]);
    expect(payout.get("d")).toBe(615n);
    expect(payout.get("owner")).toBe(385n);
    expect(sumMap(payout)).toBe(1000n);
  });

  it("conserves every wei on random splits and compounds into stake", () => {
    const r = prng(9);
    for (let k = 0; k < 300; k++) {
      const positions = Array.from({ length: r.int(6) }, (_, i) => ({
        coldkey: `c${i}`,
        stake: BigInt(r.u32()) * BigInt(r.int(1000)),
      }));
      const amount = BigInt(r.u32()) * BigInt(r.u32());
      const payout = splitDividends(amount, r.int(65536), "owner", positions);
      expect(sumMap(payout)).toBe(amount);
      const next = compoundDividends(positions, payout);
      const before = positions.reduce((a, p) => a + p.stake, 0n);
      expect(next.reduce((a, p) => a + p.stake, 0n)).toBe(before + amount);
    }
    expect(() => splitDividends(1n, 70000, "o", [])).toThrow(StakingError);
  });
});

describe("unbonding", () => {
  it("releases an entry at its release block, not before", () => {
    const e = startUnbonding("c", "h", 5n, 100, 10);
    expect(e.releaseBlock).toBe(110);
    expect(matureUnbonding([e], 109).released).toEqual([]);
    expect(matureUnbonding([e], 110).released).toEqual([e]);
    expect(() => startUnbonding("c", "h", 0n, 1, 1)).toThrow(StakingError);
  });
});

describe("slashing", () => {
  it("cuts bonded and unbonding stake pro rata, exact in wei", () => {
    // Total 1000 + 500 + 500 = 2000, 5% → 100: 50, 25, 25.
    const res = slash(
      [
        { coldkey: "a", stake: 1000n },
        { coldkey: "b", stake: 500n },
      ],
      [startUnbonding("a", "h", 500n, 0, 10)],
      5,
    );
    expect(res.slashed).toBe(100n);
    expect(res.positions.map((p) => p.stake)).toEqual([950n, 475n]);
    expect(res.unbonding[0]!.amount).toBe(475n);
  });

  it("never cuts more than an item holds and removes exactly the slashed total", () => {
    const r = prng(21);
    for (let k = 0; k < 300; k++) {
      const positions = Array.from({ length: 1 + r.int(5) }, (_, i) => ({
        coldkey: `c${i}`,
        stake: BigInt(r.int(1000)),
      }));
      const entries = Array.from({ length: r.int(4) }, () =>
        startUnbonding("c0", "h", BigInt(1 + r.int(1000)), 0, 5),
      );
      const pct = r.int(101);
      const res = slash(positions, entries, pct);
      const before = [...positions.map((p) => p.stake), ...entries.map((e) => e.amount)];
      const after = [...res.positions.map((p) => p.stake), ...res.unbonding.map((e) => e.amount)];
      after.forEach((a, i) => expect(a >= 0n && a <= before[i]!).toBe(true));
      const total = before.reduce((a, b) => a + b, 0n);
      expect(total - after.reduce((a, b) => a + b, 0n)).toBe(res.slashed);
      expect(res.slashed).toBe((total * BigInt(pct)) / 100n);
    }
  });
});
