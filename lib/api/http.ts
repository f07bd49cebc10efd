// Shared plumbing of the public REST API (app/api/v1/**): one error shape
// `{ error: { code, message } }`, zod validation of path and query input, cache headers, and a
// wrapper that turns any thrown error into that shape (400 bad input, 404 missing, 500 else).
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";

export type ApiErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "UNAVAILABLE"
  | "INTERNAL";

const STATUS: Record<ApiErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

/** Finalized chain data never changes (one-block finality): cache it for a year. */
export const CACHE_IMMUTABLE = "public, max-age=31536000, immutable";
/** Lists and heads move every block. */
export const CACHE_SHORT = "public, max-age=2, stale-while-revalidate=5";
export const CACHE_NONE = "no-store";

export function json(
  body: unknown,
  opts: { status?: number; cache?: string; headers?: Record<string, string> } = {},
): Response {
  return new Response(JSON.stringify(body), {
    status: opts.status ?? 200,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": opts.cache ?? CACHE_NONE,
      ...opts.headers,
    },
  });
}

export function errorJson(err: unknown): Response {
  if (err instanceof ApiError) {
    return json(
      { error: { code: err.code, message: err.message } },
      { status: err.status, headers: err.headers },
    );
  }
  if (err instanceof z.ZodError) {
    const i = err.issues[0];
    const where = i && i.path.length > 0 ? `${i.path.join(".")}: ` : "";
    return json(
      { error: { code: "BAD_REQUEST", message: `${where}${i?.message ?? "invalid input"}` } },
      { status: 400 },
    );
  }
  // Details (SQL, stack) stay in the server log, never in a public response.
  console.error("[api] internal error:", err);
  return json({ error: { code: "INTERNAL", message: "internal error" } }, { status: 500 });
}

/** Runs a handler body, mapping whatever it throws to the API's error JSON. */
export async function handle(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    return errorJson(err);
  }
}

/** The query string as a plain object for a zod schema (repeated keys: the last one wins). */
export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams.entries());
}

/** Reads a JSON body, 400 when it is not JSON (a schema then validates its shape). */
export async function readJson(request: Request, maxBytes = 16_384): Promise<unknown> {
  const text = await request.text();
  if (text.length > maxBytes) throw new ApiError("BAD_REQUEST", `body is larger than ${maxBytes} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("BAD_REQUEST", "body is not valid JSON");
  }
}

/** The bearer token of an Authorization header, or null. */
export function bearerToken(request: Request): string | null {
  const h = request.headers.get("authorization");
  const m = h === null ? null : /^Bearer\s+(\S+)$/i.exec(h.trim());
  return m ? m[1]! : null;
}

/** True when the request's bearer token is `expected` (compared in constant time). */
export function bearerTokenMatches(request: Request, expected: string): boolean {
  const token = bearerToken(request);
  if (token === null) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Guard of the cron routes (app/api/cron/**): with a secret configured (CRON_SECRET), the
 * request must carry it as its bearer token, as Vercel Cron sends it; without one, any caller
 * may trigger the step.
 */
export function requireCronSecret(request: Request, secret: string | undefined): void {
  if (secret !== undefined && !bearerTokenMatches(request, secret))
    throw new ApiError("UNAUTHORIZED", "missing or wrong bearer token (CRON_SECRET)");
}
