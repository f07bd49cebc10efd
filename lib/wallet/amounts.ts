// Parsing of amounts and keys typed into the portals' forms: exact (no floats), with the
// one-line error the form shows under the field. Client-safe.
import { isAddress, parseEther, type Address, type Hex } from "viem";

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const TEN = /^\d+(\.\d{1,18})?$/;

/** "1.5" TEN → wei; empty, negative, over 18 decimals or zero is refused. */
export function parseTenAmount(input: string): Parsed<bigint> {
  const s = input.trim();
  if (s === "") return { ok: false, error: "Enter an amount." };
  if (!TEN.test(s))
    return { ok: false, error: "Enter an amount in TEN such as 10 or 0.5 (at most 18 decimals)." };
  const wei = parseEther(s);
  if (wei === 0n) return { ok: false, error: "The amount must be more than 0." };
  return { ok: true, value: wei };
}

export function parseAddressInput(input: string): Parsed<Address> {
  const s = input.trim();
  return isAddress(s, { strict: false })
    ? { ok: true, value: s as Address }
    : { ok: false, error: "Enter a 0x-prefixed 20-byte address." };
}

/** A 33-byte compressed secp256k1 public key (the consensus key validators sign votes with). */
export function parseConsensusKey(input: string): Parsed<Hex> {
  const s = input.trim().toLowerCase();
  return /^0x0[23][0-9a-f]{64}$/.test(s)
    ? { ok: true, value: s as Hex }
    : {
        ok: false,
        error:
          "Enter the 33-byte compressed public key (0x02… or 0x03…, 66 hex digits) from `tensorchain keys show`.",
      };
}

/** An axon endpoint: host:port or an http(s) URL, bounded like the chain bounds it. */
export function parseEndpoint(input: string): Parsed<string> {
  const s = input.trim();
  if (s.length === 0 || s.length > 256)
    return { ok: false, error: "Enter an endpoint of 1 to 256 characters." };
  if (/^https?:\/\/[^\s]+$/.test(s) || /^[a-zA-Z0-9.-]+:\d{1,5}$/.test(s)) return { ok: true, value: s };
  return { ok: false, error: "Enter host:port or an http(s):// URL." };
}

export async function sha256Hex(data: ArrayBuffer): Promise<Hex> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return `0x${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
