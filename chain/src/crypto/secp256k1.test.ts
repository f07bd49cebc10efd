import { keccak_256 } from "@noble/hashes/sha3";
import { describe, expect, it } from "vitest";
import { keccak256, keccak256Js, keccakReady } from "./secp256k1.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("keccak256", () => {
  it("gives the same bytes from WebAssembly, js-sha3 and @noble/hashes, at every input size that matters", async () => {
    await keccakReady;
    expect(hex(keccak256(new Uint8Array(0)))).toBe(
      "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    // Around the 136-byte Keccak-256 rate, and the sizes of trie nodes and transactions.
    let seed = 7;
    for (const size of [1, 31, 32, 33, 64, 110, 135, 136, 137, 271, 272, 273, 532, 4096]) {
      const data = new Uint8Array(size).map(() => (seed = (seed * 1103515245 + 12345) & 0xff));
      const expected = hex(keccak_256(data));
      expect(hex(keccak256(data))).toBe(expected);
      expect(hex(keccak256Js(data))).toBe(expected);
    }
    // A subarray view hashes its own bytes, not its buffer's.
    const buf = new Uint8Array(100).fill(9);
    expect(hex(keccak256(buf.subarray(10, 42)))).toBe(hex(keccak_256(buf.slice(10, 42))));
  });
});
