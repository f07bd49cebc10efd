// The faucet's proof of work, solved in the browser: find a nonce such that
// sha256(challenge ‖ nonce) starts with `difficulty` zero bits (lib/faucet/pow.ts verifies it).
// Pure and synchronous per chunk so it runs the same in a Web Worker, on the main thread in
// slices (no Worker support), and under test against the server's verifier.
import { sha256 } from "viem";
import { leadingZeroBits } from "@/lib/faucet/pow-bits";

const encoder = new TextEncoder();

export { leadingZeroBits };

/**
 * Tries nonces `start`, `start + 1`, ... (decimal strings) for at most `count` attempts.
 * Returns the nonce found, or null with the next nonce to try.
 */
export function solveChunk(
  challenge: string,
  difficulty: number,
  start: number,
  count: number,
): { nonce: string | null; next: number } {
  for (let n = start; n < start + count; n++) {
    const nonce = n.toString(10);
    if (leadingZeroBits(sha256(encoder.encode(challenge + nonce), "bytes")) >= difficulty)
      return { nonce, next: n + 1 };
  }
  return { nonce: null, next: start + count };
}

/** Average number of hashes a solution takes: the scale of the progress bar. */
export const expectedHashes = (difficulty: number) => 2 ** difficulty;

export type WorkerRequest = { challenge: string; difficulty: number };
export type WorkerMessage =
  { type: "progress"; tried: number } | { type: "solved"; nonce: string; tried: number };
