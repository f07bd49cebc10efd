// Our one-pass trie builders must give the same roots as @ethereumjs/mpt, the reference.
import { describe, expect, it } from "vitest";
import { createMPT } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, bytesToHex } from "@ethereumjs/util";
import { keccak256 } from "../crypto/secp256k1.js";
import { EMPTY_TRIE_ROOT, encodeReceiptForRoot } from "./block.js";
import type { Receipt } from "./block.js";
import { orderedTrieRoot } from "./trie-root.js";
import { TrieBatch, TrieNodeCache } from "./trie-batch.js";

function rng(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe("orderedTrieRoot", () => {
  it("matches @ethereumjs/mpt for list tries of every shape", async () => {
    for (const n of [0, 1, 2, 15, 16, 17, 127, 128, 129, 300]) {
      const items = Array.from({ length: n }, (_, i) =>
        new Uint8Array(i % 5 === 0 ? 2 : 40).fill((i % 250) + 1),
      );
      const ref = await createMPT();
      for (let i = 0; i < n; i++) await ref.put(RLP.encode(i), items[i]!);
      expect(bytesToHex(orderedTrieRoot(items)), `n=${n}`).toBe(bytesToHex(ref.root()));
    }
  });

  it("matches @ethereumjs/mpt for values of every RLP length class", async () => {
    // 1 byte below and above 0x80, short strings, 56+ bytes (long header), 300 bytes (2-byte length).
    const sizes = [1, 1, 2, 31, 55, 56, 120, 300];
    const items = Array.from({ length: 40 }, (_, i) =>
      new Uint8Array(sizes[i % sizes.length]!).fill(i % 2 === 0 ? 0x7f : 0x80 + i),
    );
    const ref = await createMPT();
    for (let i = 0; i < items.length; i++) await ref.put(RLP.encode(i), items[i]!);
    expect(bytesToHex(orderedTrieRoot(items))).toBe(bytesToHex(ref.root()));
  });
});

describe("encodeReceiptForRoot", () => {
  it("writes receipts without logs exactly as the generic RLP encoding", () => {
    for (const [type, status, gas] of [
      [2, 1, 21_000n],
      [0, 0, 0n],
      [1, 1, 127n],
      [2, 0, 2n ** 64n - 1n],
    ] as const) {
      const r: Receipt = {
        type,
        status,
        cumulativeGasUsed: gas,
        gasUsed: 1n,
        effectiveGasPrice: 1n,
        logs: [],
      };
      const bloom = new Uint8Array(256).fill(type + 1);
      const body = RLP.encode([
        status === 1 ? Uint8Array.of(1) : new Uint8Array(0),
        bigIntToUnpaddedBytes(gas),
        bloom,
        [],
      ]);
      const expected = type === 0 ? body : Uint8Array.of(type, ...body);
      expect(bytesToHex(encodeReceiptForRoot(r, bloom))).toBe(bytesToHex(expected));
    }
  });
});

describe("TrieBatch", () => {
  it.each([
    ["without a node cache", undefined],
    // Small enough to evict: later batches meet both cached and evicted nodes.
    ["with a node cache shared across batches", 64],
  ])(
    "applies random batches of inserts, updates and deletes exactly like MPT.put/del, %s",
    async (_, cacheSize) => {
      const cache = cacheSize === undefined ? undefined : new TrieNodeCache(cacheSize);
      const rnd = rng(7);
      const db = new Map<string, Uint8Array>();
      const io = {
        get: async (h: Uint8Array) => db.get(bytesToHex(h)),
        put: (h: Uint8Array, e: Uint8Array) => void db.set(bytesToHex(h), e),
      };
      const ref = await createMPT();
      let root = EMPTY_TRIE_ROOT;
      const keys: Uint8Array[] = [];
      for (let round = 0; round < 30; round++) {
        const changes: { key: Uint8Array; value: Uint8Array | null }[] = [];
        for (let i = 0, n = 1 + Math.floor(rnd() * 50); i < n; i++) {
          let key: Uint8Array;
          if (keys.length && rnd() < 0.4) key = keys[Math.floor(rnd() * keys.length)]!;
          else {
            // Short keys that are prefixes of each other exercise branch values and extensions.
            key =
              round % 4 === 0
                ? Uint8Array.of(Math.floor(rnd() * 3), Math.floor(rnd() * 3))
                : keccak256(Uint8Array.of(round, i));
            keys.push(key);
          }
          changes.push({
            key,
            value:
              rnd() < 0.25
                ? null
                : new Uint8Array(1 + Math.floor(rnd() * 40)).fill(1 + Math.floor(rnd() * 250)),
          });
        }
        for (const c of changes) {
          if (c.value) await ref.put(c.key, c.value);
          else await ref.del(c.key);
        }
        root = await new TrieBatch(io, cache).apply(root, changes);
        expect(bytesToHex(root), `round ${round}`).toBe(bytesToHex(ref.root()));
        const probe = keys.slice(-40).concat([keccak256(Uint8Array.of(255, round))]);
        const got = await new TrieBatch(io, cache).getMany(root, probe);
        for (let i = 0; i < probe.length; i++) {
          const want = await ref.get(probe[i]!);
          expect(got[i] ? bytesToHex(got[i]!) : null).toBe(want ? bytesToHex(want) : null);
        }
      }
    },
  );

  it("deleting every key gives the empty root", async () => {
    const db = new Map<string, Uint8Array>();
    const io = {
      get: async (h: Uint8Array) => db.get(bytesToHex(h)),
      put: (h: Uint8Array, e: Uint8Array) => void db.set(bytesToHex(h), e),
    };
    const keys = Array.from({ length: 20 }, (_, i) => keccak256(Uint8Array.of(i)));
    const root = await new TrieBatch(io).apply(
      EMPTY_TRIE_ROOT,
      keys.map((key) => ({ key, value: Uint8Array.of(1) })),
    );
    expect(
      bytesToHex(
        await new TrieBatch(io).apply(
          root,
          keys.map((key) => ({ key, value: null })),
        ),
      ),
    ).toBe(bytesToHex(EMPTY_TRIE_ROOT));
  });
});
