// Proof-of-work challenges, the client-IP trust rule and recipient validation: pure functions.
import { describe, expect, it } from "vitest";
import { clientIp, UNKNOWN_IP } from "./client-ip";
import { parseRecipient } from "./faucet";
import { issueChallenge, leadingZeroBits, powHash, PowError, solveChallenge, verifySolution } from "./pow";

const secret = Buffer.from("a-test-secret-of-at-least-32-bytes!!");

describe("proof of work", () => {
  it("accepts a solved challenge and rejects wrong, forged, weakened and expired ones", () => {
    const now = 1_800_000_000_000;
    const c = issueChallenge(secret, 10, 60, now);
    const nonce = solveChallenge(c.challenge, 10);
    expect(leadingZeroBits(powHash(c.challenge, nonce))).toBeGreaterThanOrEqual(10);
    expect(verifySolution(secret, c.challenge, nonce, 10, now).expiresAt).toBe(now + 60_000);

    // A nonce that does not meet the difficulty.
    let wrong = 0;
    while (leadingZeroBits(powHash(c.challenge, String(wrong))) >= 10) wrong++;
    expect(() => verifySolution(secret, c.challenge, String(wrong), 10, now)).toThrow(/zero bits/);
    // Signed by someone else.
    expect(() =>
      verifySolution(Buffer.from("another-secret-another-secret-xx"), c.challenge, nonce, 10, now),
    ).toThrow(/not issued/);
    // Difficulty field lowered by the client: the signature no longer matches.
    const [id, , exp, sig] = c.challenge.split(".");
    expect(() => verifySolution(secret, `${id}.0.${exp}.${sig}`, "0", 10, now)).toThrow(/not issued/);
    // Issued with less work than the faucet now asks for.
    const easy = issueChallenge(secret, 2, 60, now);
    expect(() => verifySolution(secret, easy.challenge, solveChallenge(easy.challenge, 2), 10, now)).toThrow(
      /below/,
    );
    // Expired.
    expect(() => verifySolution(secret, c.challenge, nonce, 10, now + 60_000)).toThrow(/expired/);
    expect(() => verifySolution(secret, "garbage", nonce, 10, now)).toThrow(PowError);
    expect(() => verifySolution(secret, c.challenge, "not a nonce!", 10, now)).toThrow(/nonce/);
  });

  it("counts leading zero bits", () => {
    expect(leadingZeroBits(Uint8Array.from([0, 0, 0x10]))).toBe(19);
    expect(leadingZeroBits(Uint8Array.from([0x80]))).toBe(0);
    expect(leadingZeroBits(Uint8Array.from([0, 0]))).toBe(16);
  });
});

describe("client IP behind trusted proxies", () => {
  it("ignores X-Forwarded-For without trusted proxies", () => {
    expect(clientIp("6.6.6.6", 0)).toBe(UNKNOWN_IP);
    expect(clientIp("6.6.6.6", 0, "::ffff:10.1.2.3")).toBe("10.1.2.3");
  });

  it("takes the entry written by the outermost trusted proxy, whatever the client prepends", () => {
    expect(clientIp("203.0.113.7", 1)).toBe("203.0.113.7");
    expect(clientIp("6.6.6.6, 203.0.113.7", 1)).toBe("203.0.113.7");
    expect(clientIp("1.1.1.1, 6.6.6.6, 203.0.113.7, 10.0.0.2", 2)).toBe("203.0.113.7");
    expect(clientIp(" 6.6.6.6 ,[2001:db8::1]:443", 1)).toBe("2001:db8::1");
    expect(clientIp("6.6.6.6, 203.0.113.7:5555", 1)).toBe("203.0.113.7");
  });

  it("falls back when the chain of proxies is shorter than configured or the entry is not an IP", () => {
    expect(clientIp("203.0.113.7", 2)).toBe(UNKNOWN_IP);
    expect(clientIp(null, 1)).toBe(UNKNOWN_IP);
    expect(clientIp("6.6.6.6, not-an-ip", 1)).toBe(UNKNOWN_IP);
  });
});

describe("recipient address", () => {
  it("accepts checksummed and lowercase addresses and rejects bad checksums", () => {
    expect(parseRecipient("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")).toBe(
      "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
    );
    expect(parseRecipient("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")).toBe(
      "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
    );
    expect(() => parseRecipient("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266")).toThrow(/checksum/);
    expect(() => parseRecipient("0x1234")).toThrow(/40 hex/);
  });
});
