// Proof-of-work challenges instead of a third-party captcha. A challenge is
// `<random>.<difficulty>.<expiresAtMs>.<hmac>`: stateless to issue (HMAC-signed, so a client can
// neither invent one nor lower its difficulty), checked for expiry, and spent once through the
// KV (setNX on its random part). The client finds a nonce such that sha256(challenge ‖ nonce)
// starts with `difficulty` zero bits (2^difficulty hashes on average).
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { leadingZeroBits } from "./pow-bits";

export class PowError extends Error {
  override name = "PowError";
}

export interface Challenge {
  challenge: string;
  difficulty: number;
  expiresAt: number;
}

const CHALLENGE_RE = /^([0-9a-f]{32})\.(\d{1,2})\.(\d{13})\.([0-9a-f]{64})$/;
/** Nonces are short decimal or hex strings; bounding them bounds the hashing work we do. */
export const NONCE_RE = /^[0-9a-zA-Z]{1,64}$/;

function mac(secret: Buffer, payload: string): string {
  return createHmac("sha256", secret).update(payload).digest("hex");
}

export function issueChallenge(
  secret: Buffer,
  difficulty: number,
  ttlSeconds: number,
  now = Date.now(),
): Challenge {
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 32)
    throw new PowError(`difficulty must be 0..32 bits, got ${difficulty}`);
  const expiresAt = now + ttlSeconds * 1000;
  const payload = `${randomBytes(16).toString("hex")}.${difficulty}.${expiresAt}`;
  return { challenge: `${payload}.${mac(secret, payload)}`, difficulty, expiresAt };
}

export { leadingZeroBits };

export function powHash(challenge: string, nonce: string): Buffer {
  return createHash("sha256")
    .update(challenge + nonce, "utf8")
    .digest();
}

export interface VerifiedChallenge {
  /** The challenge's random id: spend it once (KV setNX) before paying. */
  id: string;
  expiresAt: number;
}

/**
 * Checks signature, expiry, difficulty (at least `minDifficulty`, so lowering the configured
 * difficulty never accepts weaker old challenges by mistake — it's the signed one that counts)
 * and the work itself. Does not spend the challenge.
 */
export function verifySolution(
  secret: Buffer,
  challenge: string,
  nonce: string,
  minDifficulty: number,
  now = Date.now(),
): VerifiedChallenge {
  const m = CHALLENGE_RE.exec(challenge);
  if (!m) throw new PowError("challenge is malformed");
  if (!NONCE_RE.test(nonce)) throw new PowError("nonce must be 1-64 letters or digits");
  const [, id, diff, exp, sig] = m;
  const expected = Buffer.from(mac(secret, `${id}.${diff}.${exp}`), "hex");
  if (!timingSafeEqual(expected, Buffer.from(sig!, "hex")))
    throw new PowError("challenge was not issued by this faucet");
  const expiresAt = Number(exp);
  if (expiresAt <= now) throw new PowError("challenge expired; request a new one");
  const difficulty = Number(diff);
  if (difficulty < minDifficulty) throw new PowError("challenge difficulty is below the faucet's");
  if (leadingZeroBits(powHash(challenge, nonce)) < difficulty)
    throw new PowError(`sha256(challenge ‖ nonce) does not start with ${difficulty} zero bits`);
  return { id: id!, expiresAt };
}

/** Finds a nonce (decimal) for a challenge: what a client does; used by tests and benchmarks. */
export function solveChallenge(challenge: string, difficulty: number): string {
  for (let n = 0; ; n++) {
    const nonce = n.toString(10);
    if (leadingZeroBits(powHash(challenge, nonce)) >= difficulty) return nonce;
  }
}
