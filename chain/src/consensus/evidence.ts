// Double-sign evidence: two different signed votes of one validator for the same height, round
// and vote type. Anyone can verify it against the validator set of that height; the protocol
// layer turns a verified piece into a slash of doubleSignSlashPercent and a tombstone.
import type { ProtocolParams } from "../protocol/params.js";
import type { ConsensusVerifier } from "./crypto.js";
import type { Hex, ValidatorSet, Vote } from "./types.js";
import {
  ConsensusEncodingError,
  bytesToHex,
  decodeVote,
  encodeVote,
  findValidator,
  voteDigest,
} from "./types.js";

export interface DuplicateVoteEvidence {
  kind: "duplicate-vote";
  /** Ordered by the hex of the voted value (nil first) so that one offence has one encoding. */
  voteA: Vote;
  voteB: Vote;
}

export class InvalidEvidenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidEvidenceError";
  }
}

const valueKey = (v: Vote): string => v.blockHash ?? "";

/** Build canonical evidence from two conflicting votes; throws if they are not a conflict. */
export function makeDuplicateVoteEvidence(a: Vote, b: Vote): DuplicateVoteEvidence {
  if (a.validator !== b.validator || a.height !== b.height || a.round !== b.round || a.type !== b.type) {
    throw new InvalidEvidenceError("votes are not for the same validator, height, round and type");
  }
  if (a.blockHash === b.blockHash) throw new InvalidEvidenceError("votes are for the same value");
  return valueKey(a) < valueKey(b)
    ? { kind: "duplicate-vote", voteA: a, voteB: b }
    : { kind: "duplicate-vote", voteA: b, voteB: a };
}

/** Throws InvalidEvidenceError unless both votes are validly signed by a member of `set`. */
export function verifyDuplicateVoteEvidence(
  ev: DuplicateVoteEvidence,
  set: ValidatorSet,
  chainId: bigint,
  verifier: ConsensusVerifier,
): void {
  const canon = makeDuplicateVoteEvidence(ev.voteA, ev.voteB);
  if (canon.voteA !== ev.voteA) throw new InvalidEvidenceError("evidence votes are not in canonical order");
  const val = findValidator(set, ev.voteA.validator);
  if (!val) throw new InvalidEvidenceError(`${ev.voteA.validator} is not in the validator set`);
  for (const v of [ev.voteA, ev.voteB]) {
    if (!verifier.verify(voteDigest(chainId, v), v.signature, val))
      throw new InvalidEvidenceError("evidence vote signature is invalid");
  }
}

export function encodeEvidence(ev: DuplicateVoteEvidence): Uint8Array {
  const a = encodeVote(ev.voteA);
  const b = encodeVote(ev.voteB);
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function decodeEvidence(bytes: Uint8Array): DuplicateVoteEvidence {
  if (bytes.length % 2 !== 0) throw new ConsensusEncodingError("malformed evidence");
  const half = bytes.length / 2;
  const ev = makeDuplicateVoteEvidence(decodeVote(bytes.subarray(0, half)), decodeVote(bytes.subarray(half)));
  const canon = encodeEvidence(ev);
  if (bytesToHex(canon) !== bytesToHex(bytes))
    throw new ConsensusEncodingError("evidence votes are not in canonical order");
  return ev;
}

export interface DoubleSignDecision {
  validator: Hex;
  height: number;
  slashPercent: number;
  tombstone: true;
}

/** What the protocol layer applies for verified evidence (PROTOCOL.md: 5%, jailed forever). */
export function doubleSignDecision(
  ev: DuplicateVoteEvidence,
  params: Pick<ProtocolParams, "doubleSignSlashPercent">,
): DoubleSignDecision {
  return {
    validator: ev.voteA.validator,
    height: ev.voteA.height,
    slashPercent: params.doubleSignSlashPercent,
    tombstone: true,
  };
}
