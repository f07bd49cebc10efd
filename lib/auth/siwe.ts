// Sign-In with Ethereum (EIP-4361) for the portal's off-chain actions (uploads, worker keys,
// inference requests): a one-time nonce kept in the KV, the wallet's signature over the
// message, then a random session id in an HttpOnly cookie whose record (address, expiry)
// lives in the KV with the session TTL. Logging out deletes the record, so a copied cookie
// dies with it.
import { randomBytes } from "node:crypto";
import { getAddress, verifyMessage, type Address, type Hex } from "viem";
import { generateSiweNonce, parseSiweMessage, validateSiweMessage } from "viem/siwe";
import { z } from "zod";
import type { Kv } from "@/lib/kv/kv";

/** A nonce must be used within this many seconds of being issued. */
export const NONCE_TTL_SECONDS = 600;
export const SESSION_COOKIE = "tc_siwe";
/** Longest SIWE message accepted (the statement is short; a huge body is an attack). */
const MAX_MESSAGE_CHARS = 4096;

export type AuthErrorCode = "BAD_REQUEST" | "UNAUTHORIZED" | "RATE_LIMITED";

export class AuthError extends Error {
  override name = "AuthError";
  readonly status: number;
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.status = code === "BAD_REQUEST" ? 400 : code === "RATE_LIMITED" ? 429 : 401;
  }
}

export interface Session {
  address: Address;
  chainId: number;
  /** Unix milliseconds. */
  issuedAt: number;
  expiresAt: number;
}

const sessionSchema = z.object({
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  chainId: z.number().int().positive(),
  issuedAt: z.number().int(),
  expiresAt: z.number().int(),
});

export const signInSchema = z.object({
  message: z.string().min(1).max(MAX_MESSAGE_CHARS),
  signature: z.string().regex(/^0x([0-9a-fA-F]{2})+$/, "expected a hex signature"),
});

const SESSION_ID = /^[0-9a-f]{64}$/;
const nonceKey = (nonce: string) => `siwe-nonce:${nonce}`;
const sessionKey = (id: string) => `siwe-session:${id}`;

export async function issueNonce(kv: Kv): Promise<string> {
  const nonce = generateSiweNonce();
  await kv.set(nonceKey(nonce), "1", { ttlSeconds: NONCE_TTL_SECONDS });
  return nonce;
}

export interface VerifyOptions {
  kv: Kv;
  /** Hosts (host[:port]) a message may name as its domain: the request's and the app's own. */
  domains: readonly string[];
  chainId: number;
  sessionTtlSeconds: number;
  now?: number;
}

/**
 * Checks a signed SIWE message (domain, chain, time window, one-time nonce, signature) and
 * opens a session. Returns the session id for the cookie and the session.
 */
export async function signIn(input: unknown, opts: VerifyOptions): Promise<{ id: string; session: Session }> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AuthError(
      "BAD_REQUEST",
      `invalid sign-in request: ${issue?.path.join(".") || "body"}: ${issue?.message}`,
    );
  }
  const { message, signature } = parsed.data;
  const fields = parseSiweMessage(message);
  if (!fields.address || !fields.nonce || !fields.domain || fields.chainId === undefined) {
    throw new AuthError(
      "BAD_REQUEST",
      "not a Sign-In with Ethereum message (address, domain, nonce and chain id are required)",
    );
  }
  if (!opts.domains.includes(fields.domain))
    throw new AuthError("UNAUTHORIZED", `the message is for ${fields.domain}, not this site`);
  if (fields.chainId !== opts.chainId)
    throw new AuthError(
      "UNAUTHORIZED",
      `the message is for chain ${fields.chainId}, this network is ${opts.chainId}`,
    );
  const now = opts.now ?? Date.now();
  if (!validateSiweMessage({ message: fields, time: new Date(now) })) {
    throw new AuthError("UNAUTHORIZED", "the message has expired or is not valid yet");
  }
  // Consumed before the signature check: a nonce is good for one attempt, so it cannot be
  // replayed nor used to grind signatures.
  if (!(await opts.kv.del(nonceKey(fields.nonce)))) {
    throw new AuthError("UNAUTHORIZED", "unknown or already used nonce: request a new one and sign again");
  }
  const valid = await verifyMessage({ address: fields.address, message, signature: signature as Hex }).catch(
    () => false,
  );
  if (!valid) throw new AuthError("UNAUTHORIZED", "the signature does not match the message's address");

  const session: Session = {
    address: getAddress(fields.address),
    chainId: fields.chainId,
    issuedAt: now,
    expiresAt: now + opts.sessionTtlSeconds * 1000,
  };
  const id = randomBytes(32).toString("hex");
  await opts.kv.set(sessionKey(id), JSON.stringify(session), { ttlSeconds: opts.sessionTtlSeconds });
  return { id, session };
}

/** The session behind a cookie value, or null when absent, malformed or expired. */
export async function readSession(kv: Kv, id: string | undefined, now = Date.now()): Promise<Session | null> {
  if (id === undefined || !SESSION_ID.test(id)) return null;
  const raw = await kv.get(sessionKey(id));
  if (raw === null) return null;
  const parsed = sessionSchema.safeParse(JSON.parse(raw));
  if (!parsed.success || parsed.data.expiresAt <= now) return null;
  return { ...parsed.data, address: getAddress(parsed.data.address) };
}

export async function endSession(kv: Kv, id: string | undefined): Promise<void> {
  if (id !== undefined && SESSION_ID.test(id)) await kv.del(sessionKey(id));
}
