// Display formatting of the explorer's numbers, amounts, hashes and times. Pure functions, no
// locale surprises: every figure is formatted with en-US grouping so server and client agree.

const TEN_DECIMALS = 18n;
const WEI_PER_TEN = 10n ** TEN_DECIMALS;

/**
 * A wei amount (bigint or decimal string) as TEN, exact: 18 decimals at most, trailing zeros
 * dropped, integer part grouped. `maxFractionDigits` truncates (never rounds up a balance).
 */
export function formatTen(
  wei: bigint | string | null | undefined,
  opts: { maxFractionDigits?: number; symbol?: boolean } = {},
): string {
  if (wei === null || wei === undefined) return "—";
  const v = typeof wei === "bigint" ? wei : BigInt(wei);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const whole = abs / WEI_PER_TEN;
  let frac = (abs % WEI_PER_TEN).toString().padStart(Number(TEN_DECIMALS), "0");
  if (opts.maxFractionDigits !== undefined) frac = frac.slice(0, opts.maxFractionDigits);
  frac = frac.replace(/0+$/, "");
  const body = `${groupDigits(whole.toString())}${frac ? `.${frac}` : ""}`;
  const shown = neg ? `-${body}` : body;
  return opts.symbol === false ? shown : `${shown} TEN`;
}

/** Thousands separators on a string of digits (bigint-safe). */
export function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function formatNumber(n: number | bigint | null | undefined, maxFractionDigits = 2): string {
  if (n === null || n === undefined) return "—";
  if (typeof n === "bigint") return groupDigits(n.toString());
  return n.toLocaleString("en-US", { maximumFractionDigits: maxFractionDigits });
}

/** A [0, 1] fraction as a percentage. */
export function formatPercent(f: number | null | undefined, digits = 2): string {
  if (f === null || f === undefined || !Number.isFinite(f)) return "—";
  return `${(f * 100).toFixed(digits)}%`;
}

/** `0x1234…abcd`: the head and tail of a hash or address; short values are left as they are. */
export function shortHash(h: string, head = 6, tail = 4): string {
  if (h.length <= head + tail + 3) return h;
  return `${h.slice(0, head)}…${h.slice(-tail)}`;
}

/** ISO time as `2026-11-21 20:47:20 UTC`. */
export function formatTime(t: Date | string): string {
  const d = typeof t === "string" ? new Date(t) : t;
  return d
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}

/** How long before `now` the time `t` was, coarse (`12s ago`, `5 min ago`). */
export function formatAge(t: Date | string, now: Date): string {
  const d = typeof t === "string" ? new Date(t) : t;
  const s = Math.round((now.getTime() - d.getTime()) / 1000);
  if (s < 0) return "in the future";
  if (s < 90) return `${s}s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129_600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

/** Bytes of a 0x-hex string. */
export function hexByteLength(hex: string): number {
  return Math.max(0, (hex.length - 2) / 2);
}

/** A wei amount as a float of TEN, for charts only (loses precision by design). */
export function weiToTenNumber(wei: bigint | string): number {
  const v = typeof wei === "bigint" ? wei : BigInt(wei);
  return Number(v / 10n ** 9n) / 1e9;
}
