// Writing RLP straight into a preallocated buffer, for the encodings computed for every
// transaction of every block (trie nodes of the transactions and receipts roots, receipts):
// the generic encoder builds nested arrays and concatenates them, which costs more than the
// hashing that follows.

function lengthBytes(n: number): number {
  return n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
}

/** Length of the RLP encoding of a byte string. */
export function stringLength(b: Uint8Array): number {
  if (b.length === 1 && b[0]! < 0x80) return 1;
  if (b.length <= 55) return 1 + b.length;
  return 1 + lengthBytes(b.length) + b.length;
}

/** Write an RLP header (string: offset 0x80, list: 0xc0) for a payload of `len` bytes. */
export function writeHeader(out: Uint8Array, at: number, len: number, base: number): number {
  if (len <= 55) {
    out[at] = base + len;
    return at + 1;
  }
  const n = lengthBytes(len);
  out[at] = base + 55 + n;
  for (let k = n; k > 0; k--) out[at + k] = (len >>> (8 * (n - k))) & 0xff;
  return at + 1 + n;
}

export function writeString(out: Uint8Array, at: number, b: Uint8Array): number {
  if (b.length === 1 && b[0]! < 0x80) {
    out[at] = b[0]!;
    return at + 1;
  }
  at = writeHeader(out, at, b.length, 0x80);
  out.set(b, at);
  return at + b.length;
}

export function listLength(payload: number): number {
  return payload + (payload <= 55 ? 1 : 1 + lengthBytes(payload));
}

type Item = Uint8Array | readonly Item[];

/** Payload length of every list in `item`, depth first, into `sizes`; returns the encoding's length. */
function measure(item: Item, sizes: number[]): number {
  if (item instanceof Uint8Array) return stringLength(item);
  const slot = sizes.length;
  sizes.push(0);
  let payload = 0;
  for (const it of item) payload += measure(it, sizes);
  sizes[slot] = payload;
  return listLength(payload);
}

function write(out: Uint8Array, at: number, item: Item, sizes: number[], next: { i: number }): number {
  if (item instanceof Uint8Array) return writeString(out, at, item);
  at = writeHeader(out, at, sizes[next.i++]!, 0xc0);
  for (const it of item) at = write(out, at, it, sizes, next);
  return at;
}

/**
 * RLP of nested byte strings, the same bytes as @ethereumjs/rlp's encode (for byte-string input)
 * measured first and written into one buffer (trie nodes of every block's state flush).
 */
export function encodeRlp(item: Item): Uint8Array {
  const sizes: number[] = [];
  const out = new Uint8Array(measure(item, sizes));
  write(out, 0, item, sizes, { i: 0 });
  return out;
}
