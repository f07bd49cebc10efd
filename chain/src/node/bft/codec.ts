// Wire payloads of the BFT driver. A proposal travels with its full block on the proposals topic
// (validators need the block to prevote, and one message avoids a fetch round trip); a sync
// response carries each block with the certificate that finalised it; tx gossip batches raw
// transactions. All are RLP lists of byte strings, decoded strictly: a malformed payload is an
// error the caller turns into "reject" (gossip) or a peer penalty (sync).
import { RLP } from "@ethereumjs/rlp";
import { decodeBlock, encodeBlock } from "../../execution/block.js";
import type { Block } from "../../execution/block.js";
import {
  bytesToHex,
  decodeCommitCertificate,
  decodeProposal,
  decodeVote,
  encodeCommitCertificate,
  encodeProposal,
  encodeVote,
} from "../../consensus/types.js";
import type { CommitCertificate, Proposal, Vote } from "../../consensus/types.js";

export class BftPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BftPayloadError";
  }
}

function list(bytes: Uint8Array, n: number | null, what: string): Uint8Array[] {
  let decoded: unknown;
  try {
    decoded = RLP.decode(bytes);
  } catch (e) {
    throw new BftPayloadError(`${what}: not RLP (${(e as Error).message})`);
  }
  if (!Array.isArray(decoded) || (n !== null && decoded.length !== n))
    throw new BftPayloadError(`${what}: expected a list of ${n ?? "byte strings"}`);
  for (const x of decoded)
    if (!(x instanceof Uint8Array)) throw new BftPayloadError(`${what}: nested list where bytes expected`);
  return decoded as Uint8Array[];
}

function wrap<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BftPayloadError) throw e;
    throw new BftPayloadError(`${what}: ${(e as Error).message}`);
  }
}

export interface ProposalMessage {
  proposal: Proposal;
  block: Block;
  /** The block's encoding as received, persisted verbatim for WAL replay. */
  blockBytes: Uint8Array;
}

// Gossip ids are content hashes, so re-sending identical bytes is a no-op; consensus needs
// retransmission (Tendermint assumes eventually reliable delivery, and messages sent before
// peers subscribed are lost). Each send carries a fresh stamp to make it a new message.
let stampCounter = 0;
function stamp(): Uint8Array {
  const b = new Uint8Array(12);
  const v = new DataView(b.buffer);
  v.setFloat64(0, Date.now());
  v.setUint32(8, stampCounter++ >>> 0);
  return b;
}

export function encodeProposalMessage(p: Proposal, blockBytes: Uint8Array): Uint8Array {
  return RLP.encode([encodeProposal(p), blockBytes, stamp()]);
}

export function encodeVoteMessage(v: Vote): Uint8Array {
  return RLP.encode([encodeVote(v), stamp()]);
}

export function decodeVoteMessage(bytes: Uint8Array): Vote {
  const [vb] = list(bytes, 2, "vote message");
  return wrap("vote", () => decodeVote(vb!));
}

/**
 * Decodes and checks that the block is the one the proposal names. `knownBlock`: the block of
 * that hash when the caller already holds it (a retransmitted or relayed proposal); its bytes in
 * the message are then not decoded again (hashing every transaction of a large block is not free).
 */
export function decodeProposalMessage(
  bytes: Uint8Array,
  knownBlock?: (blockHash: string) => { block: Block; bytes: Uint8Array } | undefined,
): ProposalMessage {
  const [pb, bb] = list(bytes, 3, "proposal message");
  const proposal = wrap("proposal", () => decodeProposal(pb!));
  const known = knownBlock?.(proposal.blockHash);
  if (known && Number(known.block.header.number) === proposal.height)
    return { proposal, block: known.block, blockBytes: known.bytes };
  const block = wrap("proposal block", () => decodeBlock(bb!));
  if (bytesToHex(block.hash) !== proposal.blockHash)
    throw new BftPayloadError("proposal block does not hash to the proposal's block hash");
  if (block.header.number !== BigInt(proposal.height))
    throw new BftPayloadError("proposal block number differs from the proposal height");
  return { proposal, block, blockBytes: bb! };
}

export interface FinalizedBlock {
  block: Block;
  certificate: CommitCertificate;
}

export function encodeFinalizedBlock(block: Block, cert: CommitCertificate): Uint8Array {
  return RLP.encode([encodeBlock(block), encodeCommitCertificate(cert)]);
}

/** Decodes a sync payload and checks that the certificate names this block. Signatures are the caller's. */
export function decodeFinalizedBlock(bytes: Uint8Array): FinalizedBlock {
  const [bb, cb] = list(bytes, 2, "finalized block");
  const block = wrap("synced block", () => decodeBlock(bb!));
  const certificate = wrap("certificate", () => decodeCommitCertificate(cb!));
  if (certificate.blockHash !== bytesToHex(block.hash) || BigInt(certificate.height) !== block.header.number)
    throw new BftPayloadError(`certificate does not name block ${block.header.number}`);
  return { block, certificate };
}

export function encodeTxBatch(raws: Uint8Array[]): Uint8Array {
  return RLP.encode(raws);
}

export function decodeTxBatch(bytes: Uint8Array): Uint8Array[] {
  return list(bytes, null, "tx batch");
}
