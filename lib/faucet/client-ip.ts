// Which IP a faucet claim counts against. Next.js route handlers get no socket address (the
// Request is all there is), so the IP comes from X-Forwarded-For, honouring only the configured
// number of trusted proxies (FAUCET_TRUSTED_PROXY_COUNT):
//
// - Each proxy appends the address it received the connection from. With N trusted proxies
//   the right-most N entries were written by them, and the left-most of those is the client as
//   the outermost trusted proxy saw it. Everything further left was sent by the client and can
//   be forged, so it is ignored: a forged left-most value cannot change the result.
// - Fewer than N entries means the request did not come through the proxies; with N = 0 the
//   header is not trusted at all. Then the socket address is used when the runtime gives one,
//   otherwise every such request shares the bucket UNKNOWN_IP (the per-IP limit then acts as a
//   global limit: set the proxy count behind Vercel / nginx, typically 1).
import { isIP } from "node:net";

export const UNKNOWN_IP = "unknown";

function normalise(entry: string): string | null {
  let v = entry.trim();
  // "[2001:db8::1]:443" and "1.2.3.4:5678" forms some proxies write.
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracket) v = bracket[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(":"));
  if (v.startsWith("::ffff:") && isIP(v.slice(7)) === 4) v = v.slice(7);
  return isIP(v) === 0 ? null : v.toLowerCase();
}

/** Pure: the client IP from an X-Forwarded-For value, the trusted proxy count and the socket address. */
export function clientIp(
  forwardedFor: string | null,
  trustedProxyCount: number,
  socketAddress?: string | null,
): string {
  const fallback = (socketAddress && normalise(socketAddress)) || UNKNOWN_IP;
  if (trustedProxyCount <= 0 || forwardedFor === null) return fallback;
  const entries = forwardedFor
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (entries.length < trustedProxyCount) return fallback;
  return normalise(entries[entries.length - trustedProxyCount]!) ?? fallback;
}

export function clientIpOf(request: Request, trustedProxyCount: number): string {
  return clientIp(request.headers.get("x-forwarded-for"), trustedProxyCount);
}
