// Route handlers of /api/auth/*: nonce (GET), verify (POST, signs in), session (GET), logout
// (POST). Dependencies come from a factory so tests run them on their own KV.
import { getConfig } from "@/lib/config";
import { getKv } from "@/lib/kv/client";
import type { Kv } from "@/lib/kv/kv";
import { clearedSessionCookie, sessionCookie, sessionIdFrom } from "./session";
import { AuthError, endSession, issueNonce, readSession, signIn } from "./siwe";

export interface AuthHandlerDeps {
  kv: Kv;
  chainId: number;
  sessionTtlSeconds: number;
  /** The app's public URL: its host is an accepted SIWE domain and https makes the cookie Secure. */
  appUrl: string;
}

const MAX_BODY_CHARS = 8192;
const noStore = { "cache-control": "no-store" };

function authError(err: unknown): Response {
  if (err instanceof AuthError)
    return Response.json({ error: err.message, code: err.code }, { status: err.status, headers: noStore });
  console.error("auth API error:", err);
  return Response.json({ error: "internal error", code: "INTERNAL" }, { status: 500, headers: noStore });
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.length > MAX_BODY_CHARS)
    throw new AuthError("BAD_REQUEST", `the request body is over ${MAX_BODY_CHARS} characters`);
  try {
    return JSON.parse(text);
  } catch {
    throw new AuthError("BAD_REQUEST", "the request body is not JSON");
  }
}

export function createAuthHandlers(deps: () => AuthHandlerDeps) {
  const secure = (d: AuthHandlerDeps) => new URL(d.appUrl).protocol === "https:";
  return {
    async nonce(): Promise<Response> {
      try {
        return Response.json({ nonce: await issueNonce(deps().kv) }, { headers: noStore });
      } catch (err) {
        return authError(err);
      }
    },
    async verify(request: Request): Promise<Response> {
      try {
        const d = deps();
        const domains = [
          new URL(request.url).host,
          request.headers.get("host") ?? "",
          new URL(d.appUrl).host,
        ].filter((h) => h !== "");
        const { id, session } = await signIn(await readJson(request), {
          kv: d.kv,
          domains,
          chainId: d.chainId,
          sessionTtlSeconds: d.sessionTtlSeconds,
        });
        return Response.json(
          { address: session.address, expiresAt: new Date(session.expiresAt).toISOString() },
          { headers: { ...noStore, "set-cookie": sessionCookie(id, d.sessionTtlSeconds, secure(d)) } },
        );
      } catch (err) {
        return authError(err);
      }
    },
    async session(request: Request): Promise<Response> {
      try {
        const s = await readSession(deps().kv, sessionIdFrom(request));
        return Response.json(
          s === null
            ? { address: null }
            : { address: s.address, expiresAt: new Date(s.expiresAt).toISOString() },
          { headers: noStore },
        );
      } catch (err) {
        return authError(err);
      }
    },
    async logout(request: Request): Promise<Response> {
      try {
        const d = deps();
        await endSession(d.kv, sessionIdFrom(request));
        return Response.json(
          { address: null },
          { headers: { ...noStore, "set-cookie": clearedSessionCookie(secure(d)) } },
        );
      } catch (err) {
        return authError(err);
      }
    },
  };
}

export const authHandlers = createAuthHandlers(() => {
  const cfg = getConfig();
  return {
    kv: getKv(),
    chainId: cfg.chain.id,
    sessionTtlSeconds: cfg.auth.sessionTtlSeconds,
    appUrl: cfg.app.url,
  };
});
