// The session cookie on HTTP requests: reading it, setting it after sign-in, clearing it, and
// the guard routes put in front of SIWE-only actions (uploads, worker keys, inference).
import type { Kv } from "@/lib/kv/kv";
import { AuthError, readSession, SESSION_COOKIE, type Session } from "./siwe";

/** The session cookie's value from a request's Cookie header. */
export function sessionIdFrom(request: Request): string | undefined {
  const header = request.headers.get("cookie");
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The signed-in wallet, or AuthError UNAUTHORIZED. */
export async function requireSession(request: Request, kv: Kv): Promise<Session> {
  const session = await readSession(kv, sessionIdFrom(request));
  if (session === null)
    throw new AuthError("UNAUTHORIZED", "sign in with your wallet first (no or expired session)");
  return session;
}

/** Set-Cookie for a new session: HttpOnly (no script reads it), SameSite=Lax, Secure on https. */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
}
