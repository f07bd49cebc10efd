// Request signing between workers and the job queue (ARCHITECTURE.md §4). Workers hold no
// database credentials; each request to /api/jobs/* carries
//   x-worker-address    the worker's address (EIP-55)
//   x-worker-timestamp  unix milliseconds when signed
//   x-worker-signature  personal_sign (EIP-191) over the message below
// message = "tensorchain-worker-request\n" + METHOD + "\n" + path (with query) + "\n" +
//           timestamp + "\n" + sha256(body bytes) as 0x-hex (sha256 of empty for no body), over
//           the bytes as sent: gzip-compressed for a `content-encoding: gzip` body.
// The server verifies with verifyWorkerRequest, then checks that the address belongs to a
// registered validator, and should remember signatures for the allowed skew to refuse replays.
//
// Free of Node-only APIs: the app's route handlers import verifyWorkerRequest.
import {
  getAddress,
  isAddress,
  bytesToHex,
  hashMessage,
  stringToBytes,
  type Address,
  type Hex,
  type LocalAccount,
} from "viem";
import { WorkerError } from "./errors.js";
import { recoverHashSigner } from "./recover.js";

export const AUTH_HEADERS = {
  address: "x-worker-address",
  timestamp: "x-worker-timestamp",
  signature: "x-worker-signature",
} as const;

export const DEFAULT_MAX_SKEW_MS = 60_000;

function bodyBytes(body: string | Uint8Array | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array();
  return typeof body === "string" ? stringToBytes(body) : body;
}

/**
 * The body's sha256 through WebCrypto (native in Node, browsers and edge runtimes): bodies such as
 * an evaluation's per-item results are hundreds of kB, where a JavaScript sha256 costs milliseconds
 * on both sides of every request.
 */
async function bodyDigest(body: string | Uint8Array | undefined): Promise<Hex> {
  const bytes = bodyBytes(body);
  return bytesToHex(
    new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)),
  );
}

export async function requestMessage(
  method: string,
  path: string,
  timestamp: number,
  body?: string | Uint8Array,
): Promise<string> {
  return [
    "tensorchain-worker-request",
    method.toUpperCase(),
    path,
    String(timestamp),
    await bodyDigest(body),
  ].join("\n");
}

export async function signWorkerRequest(
  account: LocalAccount,
  req: { method: string; path: string; body?: string | Uint8Array; now?: number },
): Promise<Record<(typeof AUTH_HEADERS)[keyof typeof AUTH_HEADERS], string>> {
  const timestamp = req.now ?? Date.now();
  const signature = await account.signMessage({
    message: await requestMessage(req.method, req.path, timestamp, req.body),
  });
  return {
    [AUTH_HEADERS.address]: getAddress(account.address),
    [AUTH_HEADERS.timestamp]: String(timestamp),
    [AUTH_HEADERS.signature]: signature,
  };
}

export interface VerifiedWorkerRequest {
  address: Address;
  timestamp: number;
  /** For the server's replay cache. */
  signature: Hex;
  /** The message the signature covers (requestMessage), so the server need not hash the body again. */
  message: string;
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(h: HeaderSource, name: string): string | undefined {
  if (typeof (h as Headers).get === "function") return (h as Headers).get(name) ?? undefined;
  const v = (h as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Checks a signed worker request; throws WorkerError AUTH_INVALID with the reason. `path` must be
 * the path (and query) exactly as the client requested it; `body` the raw body bytes or text.
 */
export async function verifyWorkerRequest(req: {
  method: string;
  path: string;
  headers: HeaderSource;
  body?: string | Uint8Array;
  now?: number;
  maxSkewMs?: number;
}): Promise<VerifiedWorkerRequest> {
  const address = header(req.headers, AUTH_HEADERS.address);
  const ts = header(req.headers, AUTH_HEADERS.timestamp);
  const signature = header(req.headers, AUTH_HEADERS.signature);
  if (!address || !ts || !signature) {
    throw new WorkerError(
      "AUTH_INVALID",
      `missing ${AUTH_HEADERS.address}, ${AUTH_HEADERS.timestamp} or ${AUTH_HEADERS.signature} header`,
    );
  }
  if (!isAddress(address, { strict: false }))
    throw new WorkerError("AUTH_INVALID", `${AUTH_HEADERS.address} is not an address`);
  if (!/^\d{1,16}$/.test(ts))
    throw new WorkerError("AUTH_INVALID", `${AUTH_HEADERS.timestamp} is not unix milliseconds`);
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature))
    throw new WorkerError("AUTH_INVALID", `${AUTH_HEADERS.signature} is not a 65-byte signature`);
  const timestamp = Number(ts);
  const now = req.now ?? Date.now();
  const skew = req.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (Math.abs(now - timestamp) > skew) {
    throw new WorkerError(
      "AUTH_INVALID",
      `request timestamp is ${Math.round((now - timestamp) / 1000)} s off the server clock (max ${skew / 1000} s)`,
    );
  }
  const message = await requestMessage(req.method, req.path, timestamp, req.body);
  let signer: Address;
  try {
    signer = recoverHashSigner(hashMessage(message), signature as Hex);
  } catch (err) {
    throw new WorkerError("AUTH_INVALID", "request signature is malformed", { cause: err });
  }
  if (signer !== getAddress(address))
    throw new WorkerError("AUTH_INVALID", "request signature does not match the worker address");
  return { address: signer, timestamp, signature: signature as Hex, message };
}
