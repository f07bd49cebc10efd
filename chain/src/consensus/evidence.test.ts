import { describe, expect, it } from "vitest";
import { DEFAULT_PROTOCOL_PARAMS } from "../protocol/params.js";
import { nobleVerifier } from "./crypto.js";
import {
  InvalidEvidenceError,
  decodeEvidence,
  doubleSignDecision,
  encodeEvidence,
  makeDuplicateVoteEvidence,
  verifyDuplicateVoteEvidence,
} from "./evidence.js";
import { decodeHeaderExtra, encodeHeaderExtra } from "./header-extra.js";
import { KeySigner, nativeVerifier } from "./signer.js";
import type { Hex, Vote } from "./types.js";
import {
  ConsensusEncodingError,
  bytesToHex,
  encodeCommitCertificate,
  keccak256,
  makeValidatorSet,
  voteDigest,
} from "./types.js";

const CHAIN = 5n;
const keys = [1, 2].map((i) => new KeySigner(keccak256(new Uint8Array([i]))));
const addr = (k: KeySigner): Hex => bytesToHex(keccak256(k.pubKey).subarray(12));
const set = makeValidatorSet(keys.map((k) => ({ address: addr(k), pubKey: k.pubKey, power: 10n })));
const X = bytesToHex(keccak256(new Uint8Array([7])));
const Y = bytesToHex(keccak256(new Uint8Array([8])));

function vote(k: KeySigner, blockHash: Hex | null, round = 0): Vote {
  const v = { type: "prevote" as const, height: 3, round, blockHash, validator: addr(k) };
  return { ...v, signature: k.sign(voteDigest(CHAIN, v)) };
}

describe("duplicate-vote evidence", () => {
  it("is canonical, round-trips and verifies with either verifier", () => {
    const a = vote(keys[0]!, X);
    const b = vote(keys[0]!, Y);
    const ev1 = makeDuplicateVoteEvidence(a, b);
    const ev2 = makeDuplicateVoteEvidence(b, a);
    expect(encodeEvidence(ev1)).toEqual(encodeEvidence(ev2));
    expect(decodeEvidence(encodeEvidence(ev1))).toEqual(ev1);
    for (const v of [nativeVerifier, nobleVerifier])
      expect(() => verifyDuplicateVoteEvidence(ev1, set, CHAIN, v)).not.toThrow();
    expect(doubleSignDecision(ev1, DEFAULT_PROTOCOL_PARAMS)).toEqual({
      validator: addr(keys[0]!),
      height: 3,
      slashPercent: 5,
      tombstone: true,
    });
  });

  it("rejects votes that are not a conflict, forged signatures and non-canonical order", () => {
    expect(() => makeDuplicateVoteEvidence(vote(keys[0]!, X), vote(keys[0]!, X))).toThrow(
      InvalidEvidenceError,
    );
    expect(() => makeDuplicateVoteEvidence(vote(keys[0]!, X), vote(keys[1]!, Y))).toThrow(
      InvalidEvidenceError,
    );
    expect(() => makeDuplicateVoteEvidence(vote(keys[0]!, X), vote(keys[0]!, Y, 1))).toThrow(
      InvalidEvidenceError,
    );
    // Validator 1 "signed" a vote that was really signed by validator 2.
    const forged = { ...vote(keys[1]!, Y), validator: addr(keys[0]!) };
    const ev = makeDuplicateVoteEvidence(vote(keys[0]!, X), forged);
    expect(() => verifyDuplicateVoteEvidence(ev, set, CHAIN, nativeVerifier)).toThrow(InvalidEvidenceError);
    // Evidence from another chain does not verify here.
    const good = makeDuplicateVoteEvidence(vote(keys[0]!, X), vote(keys[0]!, null));
    expect(() => verifyDuplicateVoteEvidence(good, set, CHAIN + 1n, nativeVerifier)).toThrow(
      InvalidEvidenceError,
    );
    const swapped = { ...good, voteA: good.voteB, voteB: good.voteA };
    expect(() => verifyDuplicateVoteEvidence(swapped, set, CHAIN, nativeVerifier)).toThrow(
      InvalidEvidenceError,
    );
    const enc = encodeEvidence(good);
    const reversed = new Uint8Array([...enc.subarray(enc.length / 2), ...enc.subarray(0, enc.length / 2)]);
    expect(() => decodeEvidence(reversed)).toThrow(ConsensusEncodingError);
  });
});

describe("BFT header extra (parent certificate + evidence)", () => {
  const cert = {
    height: 2,
    round: 1,
    blockHash: X,
    signatures: keys.map((k) => ({ validator: addr(k), signature: vote(k, X).signature })),
  };

  it("is exactly the certificate without evidence and round-trips with it", () => {
    expect(encodeHeaderExtra({ certificate: cert, evidence: [] })).toEqual(encodeCommitCertificate(cert));
    expect(encodeHeaderExtra({ certificate: null, evidence: [] })).toEqual(new Uint8Array(0));
    const ev = makeDuplicateVoteEvidence(vote(keys[0]!, X), vote(keys[0]!, Y));
    const bytes = encodeHeaderExtra({ certificate: cert, evidence: [ev] });
    expect(decodeHeaderExtra(bytes)).toEqual({ certificate: cert, evidence: [ev] });
    expect(decodeHeaderExtra(new Uint8Array(0))).toEqual({ certificate: null, evidence: [] });
  });

  it("rejects truncated, trailing and non-canonical evidence bytes", () => {
    const ev = makeDuplicateVoteEvidence(vote(keys[0]!, X), vote(keys[0]!, Y));
    const bytes = encodeHeaderExtra({ certificate: cert, evidence: [ev] });
    expect(() => decodeHeaderExtra(bytes.subarray(0, bytes.length - 1))).toThrow(ConsensusEncodingError);
    expect(() => decodeHeaderExtra(new Uint8Array([...bytes, 0]))).toThrow(ConsensusEncodingError);
    expect(() => decodeHeaderExtra(new Uint8Array([...encodeCommitCertificate(cert), 7]))).toThrow(
      ConsensusEncodingError,
    );
    expect(() => encodeHeaderExtra({ certificate: null, evidence: [ev] })).toThrow(ConsensusEncodingError);
  });
});
