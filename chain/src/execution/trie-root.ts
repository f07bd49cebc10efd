// Root of a Merkle-Patricia trie built in one pass from a complete key set, for the
// transactions and receipts roots of a block. EthereumJS's MPT inserts keys one by one (async,
// re-walking the path each time); that makes a 5,000-tx block's two roots cost more than the
// transfers themselves. Here the trie is built bottom-up from sorted keys: O(n · key length),
// synchronous, no database. Tested for equality against @ethereumjs/mpt.
import { RLP } from "@ethereumjs/rlp";
import { keccak256 } from "../crypto/secp256k1.js";
import { EMPTY_TRIE_ROOT } from "./block.js";
import { listLength, stringLength, writeHeader, writeString } from "./rlp-writer.js";

// Nodes are RLP-encoded straight into one buffer each (no nested arrays, no generic encoder):
// these roots are computed for every block over every transaction and receipt.

function toNibbles(key: Uint8Array): number[] {
  const out = new Array<number>(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i]! >> 4;
    out[2 * i + 1] = key[i]! & 15;
  }
  return out;
}

/** Hex-prefix encoding of a nibble path (yellow paper appendix C). */
function hexPrefix(nibbles: number[], from: number, to: number, leaf: boolean): Uint8Array {
  const len = to - from;
  const odd = len % 2 === 1;
  const out = new Uint8Array(Math.floor(len / 2) + 1);
  const flag = (leaf ? 2 : 0) + (odd ? 1 : 0);
  let i = from;
  if (odd) {
    out[0] = (flag << 4) | nibbles[i]!;
    i++;
  } else {
    out[0] = flag << 4;
  }
  for (let j = 1; i < to; j++, i += 2) out[j] = (nibbles[i]! << 4) | nibbles[i + 1]!;
  return out;
}

/** How a parent embeds a child: the child itself when its encoding is shorter than 32 bytes, else rlp(hash). */
function ref(encoded: Uint8Array): Uint8Array {
  if (encoded.length < 32) return encoded;
  const out = new Uint8Array(33);
  out[0] = 0xa0;
  out.set(keccak256(encoded), 1);
  return out;
}

/** A list of two byte strings (leaf, or extension with an embedded/hashed child already encoded). */
function pair(path: Uint8Array, second: Uint8Array, secondEncoded: boolean): Uint8Array {
  const payload = stringLength(path) + (secondEncoded ? second.length : stringLength(second));
  const out = new Uint8Array(listLength(payload));
  let at = writeHeader(out, 0, payload, 0xc0);
  at = writeString(out, at, path);
  if (secondEncoded) out.set(second, at);
  else writeString(out, at, second);
  return out;
}

interface Entry {
  key: number[];
  value: Uint8Array;
}

/** RLP encoding of the node over entries[lo, hi), which are sorted and share `depth` nibbles. */
function build(entries: Entry[], lo: number, hi: number, depth: number): Uint8Array {
  if (hi - lo === 1) {
    const e = entries[lo]!;
    return pair(hexPrefix(e.key, depth, e.key.length, true), e.value, false);
  }
  // Longest common prefix beyond depth = common prefix of the first and last (sorted) keys.
  const first = entries[lo]!.key;
  const last = entries[hi - 1]!.key;
  let p = depth;
  while (p < first.length && p < last.length && first[p] === last[p]) p++;
  if (p > depth) return pair(hexPrefix(first, depth, p, false), ref(build(entries, lo, hi, p)), true);
  const children: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(16);
  let value: Uint8Array | undefined;
  let i = lo;
  if (entries[i]!.key.length === depth) {
    value = entries[i]!.value;
    i++;
  }
  let payload = value ? stringLength(value) : 1;
  while (i < hi) {
    const nib = entries[i]!.key[depth]!;
    let j = i + 1;
    while (j < hi && entries[j]!.key[depth] === nib) j++;
    const c = ref(build(entries, i, j, depth + 1));
    children[nib] = c;
    payload += c.length;
    i = j;
  }
  for (let k = 0; k < 16; k++) if (!children[k]) payload += 1;
  const out = new Uint8Array(listLength(payload));
  let at = writeHeader(out, 0, payload, 0xc0);
  for (let k = 0; k < 16; k++) {
    const c = children[k];
    if (c) {
      out.set(c, at);
      at += c.length;
    } else out[at++] = 0x80;
  }
  if (value) writeString(out, at, value);
  else out[at] = 0x80;
  return out;
}

function compareNibbles(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Root of the trie mapping each key to its value (keys unique; values non-empty). */
export function trieRoot(pairs: { key: Uint8Array; value: Uint8Array }[]): Uint8Array {
  if (pairs.length === 0) return EMPTY_TRIE_ROOT;
  const entries = pairs.map((p) => ({ key: toNibbles(p.key), value: p.value }));
  entries.sort((a, b) => compareNibbles(a.key, b.key));
  return keccak256(build(entries, 0, entries.length, 0));
}

/** Root of a block's list trie: key rlp(index) → item (transactions, receipts). */
export function orderedTrieRoot(items: Uint8Array[]): Uint8Array {
  return trieRoot(items.map((value, i) => ({ key: RLP.encode(i), value })));
}
