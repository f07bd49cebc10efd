// Wire formats of the request/response protocols. Control messages are small JSON documents in
// length-prefixed frames, validated with zod on receipt; block payloads travel as raw frames so
// the network never parses (or depends on) the node's block encoding.
import { multiaddr } from "@multiformats/multiaddr";
import { z } from "zod";

/** Largest control frame (requests, headers, status); anything bigger is a protocol violation. */
export const MAX_CONTROL_FRAME_BYTES = 4 * 1024;
/** Largest peers-protocol response frame. */
export const MAX_PEERS_FRAME_BYTES = 512 * 1024;
/** Addresses kept per peer in requests and registry entries. */
export const MAX_ADDRS_PER_PEER = 16;

const height = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export function parsesAsMultiaddr(text: string): boolean {
  try {
    multiaddr(text);
    return true;
  } catch {
    return false;
  }
}

const multiaddrString = z.string().min(1).max(512).refine(parsesAsMultiaddr, "not a valid multiaddr");
const peerIdString = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,128}$/, "not a base58 peer id");

export const syncRequestSchema = z
  .object({ fromHeight: height, count: z.number().int().positive() })
  .strict();
export type SyncRequest = z.infer<typeof syncRequestSchema>;

/** First frame of a sync response: how many block frames follow, or why the request was refused. */
export const syncResponseHeaderSchema = z.union([
  z.object({ count: z.number().int().nonnegative() }).strict(),
  z.object({ error: z.string().max(256) }).strict(),
]);
export type SyncResponseHeader = z.infer<typeof syncResponseHeaderSchema>;

export const chainStatusSchema = z
  .object({
    height,
    headHash: z.string().regex(/^0x[0-9a-f]{64}$/, "headHash must be 0x + 32 lowercase hex bytes"),
  })
  .strict();
export type ChainStatus = z.infer<typeof chainStatusSchema>;

/** The asker tells the bootstrap node where it listens, so others can dial it. */
export const peersRequestSchema = z
  .object({ listenAddrs: z.array(multiaddrString).max(MAX_ADDRS_PER_PEER) })
  .strict();
export type PeersRequest = z.infer<typeof peersRequestSchema>;

export const peerRecordSchema = z
  .object({ peerId: peerIdString, addrs: z.array(multiaddrString).min(1).max(MAX_ADDRS_PER_PEER) })
  .strict();
export type PeerRecord = z.infer<typeof peerRecordSchema>;

export const peersResponseSchema = z.object({ peers: z.array(peerRecordSchema).max(1_000) }).strict();

export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireFormatError";
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Decodes a JSON frame and validates it; throws WireFormatError with the first problem found. */
export function decodeJson<S extends z.ZodType>(bytes: Uint8Array, schema: S, what: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new WireFormatError(`${what} is not UTF-8 JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new WireFormatError(`invalid ${what}${where}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}
