import { describe, expect, it } from "vitest";
import { MemoryLastSignStore } from "./last-sign.js";
import { proposerForRound } from "./proposer.js";
import { ConsensusRunner, InvalidConsensusMessageError } from "./runner.js";
import { KeySigner, nativeVerifier } from "./signer.js";
import type { Hex, Vote } from "./types.js";
import { bytesToHex, keccak256, makeValidatorSet, proposalDigest, voteDigest } from "./types.js";
import { ConsensusWal, MemoryWalStorage } from "./wal.js";

const CHAIN_ID = 3n;
const keys = [1, 2, 3, 4].map((i) => new KeySigner(keccak256(new TextEncoder().encode(`runner-${i}`))));
const addr = (k: KeySigner): Hex => bytesToHex(keccak256(k.pubKey).subarray(12));
const vals = makeValidatorSet(keys.map((k) => ({ address: addr(k), pubKey: k.pubKey, power: 1n })));
const keyOf = (a: Hex): KeySigner => keys.find((k) => addr(k) === a)!;
const A = bytesToHex(keccak256(new Uint8Array([0xa])));
const me = vals.validators.find((v) => v.address !== proposerForRound(vals, 0).address)!.address;

function vote(validator: Hex, type: "prevote" | "precommit", blockHash: Hex | null, height = 1): Vote {
  const v = { type, height, round: 0, blockHash, validator };
  return { ...v, signature: keyOf(validator).sign(voteDigest(CHAIN_ID, v)) };
}

function runner() {
  const storage = new MemoryWalStorage();
  const r = new ConsensusRunner({
    config: {
      chainId: CHAIN_ID,
      self: me,
      timeouts: {
        proposeBase: 10,
        proposeDelta: 1,
        prevoteBase: 10,
        prevoteDelta: 1,
        precommitBase: 10,
        precommitDelta: 1,
      },
      maxRoundsAhead: 5,
    },
    signer: keyOf(me),
    verifier: nativeVerifier,
    wal: ConsensusWal.open(storage),
    lastSign: new MemoryLastSignStore(),
  });
  return { r, storage };
}

describe("consensus runner", () => {
  it("rejects forged votes and votes of non-validators with a typed error", () => {
    const { r } = runner();
    r.start(1, vals);
    const other = vals.validators.find((v) => v.address !== me)!.address;
    const forged = { ...vote(other, "prevote", A), blockHash: null };
    expect(() => r.receiveVote(forged)).toThrow(InvalidConsensusMessageError);
    const outsider = new KeySigner(keccak256(new Uint8Array([99])));
    const v = { type: "prevote" as const, height: 1, round: 0, blockHash: A, validator: addr(outsider) };
    expect(() => r.receiveVote({ ...v, signature: outsider.sign(voteDigest(CHAIN_ID, v)) })).toThrow(
      InvalidConsensusMessageError,
    );
    // A proposal in the round-0 proposer's name, signed with another key.
    const p = {
      height: 1,
      round: 0,
      blockHash: A,
      polRound: -1,
      proposer: proposerForRound(vals, 0).address,
    };
    const badProposal = { ...p, signature: keyOf(me).sign(proposalDigest(CHAIN_ID, p)) };
    expect(() => r.receiveProposal(badProposal)).toThrow(InvalidConsensusMessageError);
  });

  it("logs a vote once: gossip duplicates are neither re-verified nor re-logged", () => {
    const { r, storage } = runner();
    r.start(1, vals);
    const other = vals.validators.find((v) => v.address !== me)!.address;
    const v = vote(other, "prevote", A);
    r.receiveVote(v);
    const size = storage.readAll().length;
    expect(r.knowsVote(v)).toBe(true);
    expect(r.receiveVote({ ...v })).toEqual([]);
    expect(storage.readAll().length).toBe(size);
  });

  it("keeps next-height messages and applies them when that height starts", () => {
    const { r } = runner();
    r.start(1, vals);
    const others = vals.validators.map((v) => v.address).filter((a) => a !== me);
    // Height 1 is decided from a certificate the node verifies as a whole.
    const digest = voteDigest(CHAIN_ID, { type: "precommit", height: 1, round: 0, blockHash: A });
    const cert = {
      height: 1,
      round: 0,
      blockHash: A,
      signatures: others.map((a) => ({ validator: a, signature: keyOf(a).sign(digest) })),
    };
    expect(r.receiveCommitCertificate(cert)).toEqual([{ type: "validate-block", height: 1, blockHash: A }]);
    const early = others.map((a) => vote(a, "prevote", null, 2));
    for (const v of early) expect(r.receiveVote(v)).toEqual([]);
    const commit = r.blockValidated(1, A, true);
    expect(commit.map((o) => o.type)).toEqual(["commit"]);
    r.start(2, vals);
    expect(early.every((v) => r.knowsVote(v))).toBe(true);
    // With everyone else's nil prevote already counted, our own nil prevote completes +2/3.
    const out = r.timeout(2, 0, "propose");
    const signed = out.flatMap((o) =>
      o.type === "broadcast-vote" ? [`${o.vote.type}:${o.vote.blockHash}`] : [],
    );
    expect(signed).toEqual(["prevote:null", "precommit:null"]);
  });

  it("rejects a certificate without 2/3 of the power", () => {
    const { r } = runner();
    r.start(1, vals);
    const digest = voteDigest(CHAIN_ID, { type: "precommit", height: 1, round: 0, blockHash: A });
    const one = vals.validators[0]!.address;
    const cert = {
      height: 1,
      round: 0,
      blockHash: A,
      signatures: [{ validator: one, signature: keyOf(one).sign(digest) }],
    };
    expect(() => r.receiveCommitCertificate(cert)).toThrow(InvalidConsensusMessageError);
  });
  it("marks only signature-checked messages as relayable; forged next-height votes are not kept", () => {
    const { r } = runner();
    r.start(1, vals);
    const others = vals.validators.map((v) => v.address).filter((a) => a !== me);
    const good = vote(others[0]!, "prevote", A);
    r.receiveVote(good);
    expect(r.lastVerified).toBe(true);
    // The same vote with another signature: a duplicate by key, never checked, so not relayed.
    r.receiveVote({ ...good, signature: keyOf(me).sign(voteDigest(CHAIN_ID, good)) });
    expect(r.lastVerified).toBe(false);
    // Next height: a vote signed by its validator is checked against the current set and kept;
    // one in a validator's name with another key is neither relayable nor kept.
    const early = vote(others[1]!, "prevote", null, 2);
    r.receiveVote(early);
    expect(r.lastVerified).toBe(true);
    const { signature: _unused, ...body } = vote(others[2]!, "prevote", null, 2);
    const forged = { ...body, signature: keyOf(me).sign(voteDigest(CHAIN_ID, body)) };
    r.receiveVote(forged);
    expect(r.lastVerified).toBe(false);
    const digest = voteDigest(CHAIN_ID, { type: "precommit", height: 1, round: 0, blockHash: A });
    r.receiveCommitCertificate({
      height: 1,
      round: 0,
      blockHash: A,
      signatures: others.map((a) => ({ validator: a, signature: keyOf(a).sign(digest) })),
    });
    r.blockValidated(1, A, true);
    r.start(2, vals);
    expect(r.knowsVote(early)).toBe(true);
    expect(r.knowsVote(forged)).toBe(false);
  });
});
