import { describe, expect, it } from "vitest";
import { nobleVerifier } from "./crypto.js";
import { KeySigner, nativeVerifier } from "./signer.js";
import type { Hex, Proposal, Vote } from "./types.js";
import {
  ConsensusEncodingError,
  InvalidValidatorSetError,
  bytesToHex,
  decodeCommitCertificate,
  decodeProposal,
  decodeVote,
  encodeCommitCertificate,
  encodeProposal,
  encodeVote,
  hexToBytes,
  keccak256,
  makeValidatorSet,
  proposalDigest,
  voteDigest,
  voteSignBytes,
} from "./types.js";

const signer = new KeySigner(keccak256(new TextEncoder().encode("types-test")));
const validator = { address: bytesToHex(keccak256(signer.pubKey).subarray(12)), pubKey: signer.pubKey };
const H = bytesToHex(keccak256(new Uint8Array([1])));

function signedVote(blockHash: Hex | null, chainId = 1n): Vote {
  const v = { type: "precommit" as const, height: 12, round: 3, blockHash, validator: validator.address };
  return { ...v, signature: signer.sign(voteDigest(chainId, v)) };
}

describe("consensus types and encodings", () => {
  it("round-trips votes, nil votes, proposals and certificates", () => {
    for (const v of [signedVote(H), signedVote(null)]) expect(decodeVote(encodeVote(v))).toEqual(v);
    const p: Proposal = {
      height: 9,
      round: 2,
      blockHash: H,
      polRound: 1,
      proposer: validator.address,
      signature: signer.sign(proposalDigest(1n, { height: 9, round: 2, blockHash: H, polRound: 1 })),
    };
    expect(decodeProposal(encodeProposal(p))).toEqual(p);
    const c = {
      height: 12,
      round: 3,
      blockHash: H,
      signatures: [{ validator: validator.address, signature: signedVote(H).signature }],
    };
    expect(decodeCommitCertificate(encodeCommitCertificate(c))).toEqual(c);
  });

  it("rejects truncated, padded and malformed encodings", () => {
    const bytes = encodeVote(signedVote(H));
    expect(() => decodeVote(bytes.subarray(0, bytes.length - 1))).toThrow(ConsensusEncodingError);
    expect(() => decodeVote(new Uint8Array([...bytes, 0]))).toThrow(ConsensusEncodingError);
    const badType = bytes.slice();
    badType[1] = 9;
    expect(() => decodeVote(badType)).toThrow(ConsensusEncodingError);
    const nilWithHash = encodeVote(signedVote(null));
    nilWithHash[20] = 1;
    expect(() => decodeVote(nilWithHash)).toThrow(ConsensusEncodingError);
    expect(() => decodeProposal(bytes)).toThrow(ConsensusEncodingError);
    expect(() => proposalDigest(1n, { height: 1, round: 1, blockHash: H, polRound: 1 })).toThrow(
      ConsensusEncodingError,
    );
    expect(() => hexToBytes("0x123")).toThrow(ConsensusEncodingError);
    expect(() => hexToBytes("0xzz")).toThrow(ConsensusEncodingError);
  });

  it("domain-separates sign bytes by chain id, type and value", () => {
    const base = { type: "prevote" as const, height: 1, round: 0, blockHash: H };
    const ref = bytesToHex(voteSignBytes(1n, base));
    expect(bytesToHex(voteSignBytes(2n, base))).not.toBe(ref);
    expect(bytesToHex(voteSignBytes(1n, { ...base, type: "precommit" }))).not.toBe(ref);
    expect(bytesToHex(voteSignBytes(1n, { ...base, blockHash: null }))).not.toBe(ref);
    expect(bytesToHex(voteDigest(1n, base))).not.toBe(
      bytesToHex(proposalDigest(1n, { height: 1, round: 0, blockHash: H, polRound: -1 })),
    );
  });

  it("native and noble verifiers agree, and reject wrong chain, value, key and high-s forms", () => {
    const v = signedVote(H);
    const d = voteDigest(1n, v);
    for (const verifier of [nativeVerifier, nobleVerifier]) {
      expect(verifier.verify(d, v.signature, validator)).toBe(true);
      expect(verifier.verify(voteDigest(2n, v), v.signature, validator)).toBe(false);
      expect(verifier.verify(voteDigest(1n, { ...v, blockHash: null }), v.signature, validator)).toBe(false);
      const other = new KeySigner(keccak256(new TextEncoder().encode("other")));
      expect(verifier.verify(d, v.signature, { address: validator.address, pubKey: other.pubKey })).toBe(
        false,
      );
      const bad = v.signature.slice();
      bad[64] = 5;
      expect(verifier.verify(d, bad, validator)).toBe(false);
      // s → n − s is the same signature in its malleated (high-s) form.
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const s = BigInt(bytesToHex(v.signature.subarray(32, 64)));
      const high = v.signature.slice();
      high.set(hexToBytes(`0x${(n - s).toString(16).padStart(64, "0")}`), 32);
      high[64] = high[64]! ^ 1;
      expect(verifier.verify(d, high, validator)).toBe(false);
    }
  });

  it("builds validator sets sorted by address and rejects bad ones", () => {
    const k = (b: number): Uint8Array => {
      const x = new Uint8Array(33);
      x[0] = 3;
      x[1] = b;
      return x;
    };
    const set = makeValidatorSet([
      { address: "0x" + "bb".repeat(20), pubKey: k(1), power: 2n },
      { address: "0x" + "AA".repeat(20), pubKey: k(2), power: 3n },
    ]);
    expect(set.validators.map((v) => v.address)).toEqual(["0x" + "aa".repeat(20), "0x" + "bb".repeat(20)]);
    expect(set.totalPower).toBe(5n);
    expect(() => makeValidatorSet([])).toThrow(InvalidValidatorSetError);
    expect(() => makeValidatorSet([{ address: "0x" + "aa".repeat(20), pubKey: k(1), power: 0n }])).toThrow(
      InvalidValidatorSetError,
    );
    expect(() =>
      makeValidatorSet([{ address: "0x" + "aa".repeat(20), pubKey: new Uint8Array(33), power: 1n }]),
    ).toThrow(InvalidValidatorSetError);
    expect(() =>
      makeValidatorSet([
        { address: "0x" + "aa".repeat(20), pubKey: k(1), power: 1n },
        { address: "0x" + "AA".repeat(20), pubKey: k(2), power: 1n },
      ]),
    ).toThrow(InvalidValidatorSetError);
  });
});
