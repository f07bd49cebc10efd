import { describe, expect, it } from "vitest";
import { RLP } from "@ethereumjs/rlp";
import type { NestedUint8Array } from "@ethereumjs/rlp";
import { bytesToHex } from "@ethereumjs/util";
import { encodeRlp } from "./rlp-writer.js";

/** Deterministic pseudo-random generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

// Lengths around every RLP length boundary: single byte, 55/56 bytes, 1- and 2-byte lengths.
const LENGTHS = [0, 1, 2, 31, 32, 55, 56, 57, 255, 256, 1024];

function randomItem(r: () => number, depth: number): Uint8Array | NestedUint8Array {
  if (depth > 2 || r() < 0.5) {
    const len = LENGTHS[Math.floor(r() * LENGTHS.length)]!;
    return new Uint8Array(len).map(() => (r() < 0.5 ? Math.floor(r() * 0x80) : Math.floor(r() * 256)));
  }
  const n = Math.floor(r() * 18);
  return Array.from({ length: n }, () => randomItem(r, depth + 1)) as NestedUint8Array;
}

describe("encodeRlp", () => {
  it("gives the bytes @ethereumjs/rlp gives for nested byte strings", () => {
    const r = rng(7);
    for (let i = 0; i < 300; i++) {
      const item = randomItem(r, 0);
      expect(bytesToHex(encodeRlp(item))).toBe(bytesToHex(RLP.encode(item)));
    }
    for (const b of [0x00, 0x7f, 0x80, 0xff])
      expect(bytesToHex(encodeRlp(Uint8Array.of(b)))).toBe(bytesToHex(RLP.encode(Uint8Array.of(b))));
    expect(bytesToHex(encodeRlp([]))).toBe("0xc0");
    const long = [new Uint8Array(70_000).fill(1), new Uint8Array(300)];
    expect(bytesToHex(encodeRlp(long))).toBe(bytesToHex(RLP.encode(long)));
  });
});
