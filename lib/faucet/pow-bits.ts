// The one definition of the faucet's proof-of-work predicate, free of Node APIs so the
// browser solver (app/faucet/pow-solver.ts) and the server verifier (lib/faucet/pow.ts) share it.

/** Number of leading zero bits of a byte string. */
export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const b of bytes) {
    if (b === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(b) - 24;
  }
  return bits;
}
