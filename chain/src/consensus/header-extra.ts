// The consensus part of a BFT block header, carried in its extraData (so the block hash covers
// it): the commit certificate of the previous height (empty at height 1) and the double-sign
// evidence the proposer includes.
//
//   extraData = certificate ‖ [ 0x01 ‖ count u32 ‖ (length u32 ‖ evidence)* ]
//
// The certificate encoding is self-delimiting (its signature count), and the evidence section is
// left out when there is none, so a block without evidence carries exactly the certificate.
import { decodeEvidence, encodeEvidence } from "./evidence.js";
import type { DuplicateVoteEvidence } from "./evidence.js";
import {
  ConsensusEncodingError,
  SIGNATURE_LENGTH,
  decodeCommitCertificate,
  encodeCommitCertificate,
} from "./types.js";
import type { CommitCertificate } from "./types.js";

export interface HeaderExtra {
  /** Certificate of the previous height; null only at height 1. */
  certificate: CommitCertificate | null;
  evidence: DuplicateVoteEvidence[];
}

const EVIDENCE_TAG = 1;
/** Certificate layout: height u64, round u32, hash 32, count u32, then (address 20, signature 65)*. */
const CERT_HEAD = 8 + 4 + 32 + 4;
/** Bounds what one block can make every validator verify. */
export const MAX_EVIDENCE_PER_BLOCK = 64;

export function encodeHeaderExtra(x: HeaderExtra): Uint8Array {
  if (!x.certificate) {
    if (x.evidence.length > 0) throw new ConsensusEncodingError("evidence needs a parent certificate");
    return new Uint8Array(0);
  }
  const cert = encodeCommitCertificate(x.certificate);
  if (x.evidence.length === 0) return cert;
  const evs = x.evidence.map(encodeEvidence);
  const out = new Uint8Array(cert.length + 5 + evs.reduce((s, e) => s + 4 + e.length, 0));
  const view = new DataView(out.buffer);
  out.set(cert);
  let pos = cert.length;
  view.setUint8(pos, EVIDENCE_TAG);
  view.setUint32(pos + 1, evs.length);
  pos += 5;
  for (const e of evs) {
    view.setUint32(pos, e.length);
    out.set(e, pos + 4);
    pos += 4 + e.length;
  }
  return out;
}

/** Throws ConsensusEncodingError (or InvalidEvidenceError for votes that are no conflict). */
export function decodeHeaderExtra(bytes: Uint8Array): HeaderExtra {
  if (bytes.length === 0) return { certificate: null, evidence: [] };
  if (bytes.length < CERT_HEAD) throw new ConsensusEncodingError("truncated commit certificate");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const certLen = CERT_HEAD + view.getUint32(CERT_HEAD - 4) * (20 + SIGNATURE_LENGTH);
  if (certLen > bytes.length) throw new ConsensusEncodingError("truncated commit certificate");
  const certificate = decodeCommitCertificate(bytes.subarray(0, certLen));
  const evidence: DuplicateVoteEvidence[] = [];
  if (certLen === bytes.length) return { certificate, evidence };
  let pos = certLen;
  if (bytes.length < pos + 5 || view.getUint8(pos) !== EVIDENCE_TAG)
    throw new ConsensusEncodingError("malformed evidence section");
  const count = view.getUint32(pos + 1);
  pos += 5;
  if (count === 0 || count > MAX_EVIDENCE_PER_BLOCK)
    throw new ConsensusEncodingError(`evidence count ${count} out of range`);
  for (let i = 0; i < count; i++) {
    if (bytes.length < pos + 4) throw new ConsensusEncodingError("truncated evidence");
    const len = view.getUint32(pos);
    if (bytes.length < pos + 4 + len) throw new ConsensusEncodingError("truncated evidence");
    evidence.push(decodeEvidence(bytes.subarray(pos + 4, pos + 4 + len)));
    pos += 4 + len;
  }
  if (pos !== bytes.length) throw new ConsensusEncodingError("trailing bytes after the evidence");
  return { certificate, evidence };
}
