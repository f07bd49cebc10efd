import { describe, expect, it } from "vitest";
import { DEFAULT_PROTOCOL_PARAMS } from "../protocol/params.js";
import type { DowntimeParams, DowntimeState } from "./downtime.js";
import { emptyDowntimeState, maxMissedBlocks, recordBlock } from "./downtime.js";
import type { Hex } from "./types.js";

const V1 = ("0x" + "11".repeat(20)) as Hex;
const V2 = ("0x" + "22".repeat(20)) as Hex;
const params: DowntimeParams = DEFAULT_PROTOCOL_PARAMS;

function run(state: DowntimeState, from: number, to: number, signs: (h: number) => Hex[]) {
  const decisions = [];
  let s = state;
  for (let h = from; h <= to; h++) {
    const r = recordBlock(s, params, h, [V1, V2], new Set(signs(h)));
    s = r.state;
    decisions.push(...r.decisions);
  }
  return { state: s, decisions };
}

describe("downtime (signed-blocks window)", () => {
  it("uses the Cosmos defaults of PROTOCOL.md: 100 blocks, 50% signed", () => {
    expect(params.downtimeWindow).toBe(100);
    expect(maxMissedBlocks(params)).toBe(50);
  });

  it("jails a validator that missed more than half of a full window, and only it", () => {
    // V2 signs only every third block: 66 missed in the first 100.
    const { state, decisions } = run(emptyDowntimeState(), 1, 100, (h) => (h % 3 === 0 ? [V1, V2] : [V1]));
    expect(decisions).toEqual([
      { validator: V2, height: 100, missed: 67, slashPercent: 1, jailSeconds: 600 },
    ]);
    expect(state.infos.has(V2)).toBe(false);
    expect(state.infos.get(V1)?.missedCount).toBe(0);
  });

  it("does not slash before a validator has served a full window", () => {
    const { decisions } = run(emptyDowntimeState(), 1, 99, () => [V1]);
    expect(decisions).toEqual([]);
  });

  it("forgets misses that slid out of the window", () => {
    // Miss 50 blocks (allowed), then sign forever: never slashed, and the count decays.
    const { state, decisions } = run(emptyDowntimeState(), 1, 250, (h) => (h <= 50 ? [V1] : [V1, V2]));
    expect(decisions).toEqual([]);
    expect(state.infos.get(V2)?.missedCount).toBe(0);
    // 51 misses inside one window is one too many.
    const again = run(state, 251, 351, (h) => (h <= 301 ? [V1] : [V1, V2]));
    expect(again.decisions.map((d) => d.validator)).toEqual([V2]);
  });

  it("does not change the input state (pure)", () => {
    const s0 = run(emptyDowntimeState(), 1, 10, () => [V1]).state;
    const before = s0.infos.get(V2)!.missedCount;
    recordBlock(s0, params, 11, [V1, V2], new Set([V1]));
    expect(s0.infos.get(V2)!.missedCount).toBe(before);
  });
});
