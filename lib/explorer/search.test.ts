import { describe, expect, it } from "vitest";
import { classifyQuery } from "./search";

describe("classifyQuery", () => {
  it("reads a number as a block height and, when it fits a u16, as a netuid", () => {
    expect(classifyQuery(" 42 ")).toEqual([
      { kind: "block-number", number: 42n },
      { kind: "subnet", netuid: 42 },
    ]);
    expect(classifyQuery("1,000,000")).toEqual([{ kind: "block-number", number: 1_000_000n }]);
    expect(classifyQuery("9".repeat(20))).toEqual([]);
  });

  it("reads netuid/uid as a neuron", () => {
    expect(classifyQuery("3/17")).toEqual([{ kind: "neuron", netuid: 3, uid: 17 }]);
    expect(classifyQuery("3 / 17")).toEqual([{ kind: "neuron", netuid: 3, uid: 17 }]);
    expect(classifyQuery("70000/1")).toEqual([]);
  });

  it("tells 32-byte hashes from 20-byte addresses and lowercases both", () => {
    const h = `0x${"AB".repeat(32)}`;
    expect(classifyQuery(h)).toEqual([{ kind: "hash", hash: h.toLowerCase() }]);
    const a = `0x${"Cd".repeat(20)}`;
    expect(classifyQuery(a)).toEqual([{ kind: "address", address: a.toLowerCase() }]);
    // Wrong lengths are neither.
    expect(classifyQuery(`0x${"a".repeat(63)}`)).toEqual([{ kind: "text", text: `0x${"a".repeat(63)}` }]);
  });

  it("treats anything else as text (subnet names) and ignores blank or oversized input", () => {
    expect(classifyQuery("vision")).toEqual([{ kind: "text", text: "vision" }]);
    expect(classifyQuery("   ")).toEqual([]);
    expect(classifyQuery("x".repeat(500))).toEqual([]);
  });
});
