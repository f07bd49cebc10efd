// The browser's solver against the server's verifier: a nonce it finds must be accepted.
import { describe, expect, it } from "vitest";
import { issueChallenge, leadingZeroBits as serverBits, verifySolution } from "@/lib/faucet/pow";
import { leadingZeroBits, solveChunk } from "./pow-solver";

describe("browser proof-of-work solver", () => {
  it("counts leading zero bits like the server", () => {
    for (const bytes of [[0, 0, 1], [0x80], [0x0f, 0xff], [0, 0, 0, 0], [1]]) {
      expect(leadingZeroBits(Uint8Array.from(bytes))).toBe(serverBits(Uint8Array.from(bytes)));
    }
  });

  it("finds a nonce the faucet accepts, resuming across chunks", () => {
    const secret = Buffer.alloc(32, 7);
    const c = issueChallenge(secret, 10, 60);
    let next = 0;
    let nonce: string | null = null;
    while (nonce === null) ({ nonce, next } = solveChunk(c.challenge, c.difficulty, next, 97));
    expect(() => verifySolution(secret, c.challenge, nonce!, 10)).not.toThrow();
  });
});
