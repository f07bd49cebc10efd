import { describe, expect, it } from "vitest";
import type { ConsensusAction, ConsensusEvent, ConsensusState, MachineConfig } from "./machine.js";
import { initialState, step } from "./machine.js";
import { proposerForRound } from "./proposer.js";
import { Prng } from "./simulator.js";
import type { Hex, Proposal, ValidatorSet, Vote, VoteType } from "./types.js";
import { makeValidatorSet } from "./types.js";

const addr = (i: number): Hex => `0x${i.toString(16).padStart(40, "0")}` as Hex;
const hash = (s: string): Hex => `0x${Buffer.from(s.padEnd(32, "_")).toString("hex")}` as Hex;
const SIG = new Uint8Array(65);
const A = hash("block A");
const B = hash("block B");

function set(powers: number[]): ValidatorSet {
  return makeValidatorSet(
    powers.map((p, i) => {
      const k = new Uint8Array(33);
      k[0] = 2;
      k[32] = i + 1;
      return { address: addr(i + 1), pubKey: k, power: BigInt(p) };
    }),
  );
}

const TIMEOUTS = {
  proposeBase: 1000,
  proposeDelta: 100,
  prevoteBase: 500,
  prevoteDelta: 50,
  precommitBase: 700,
  precommitDelta: 70,
};

class Harness {
  state: ConsensusState;
  log: ConsensusAction[] = [];
  constructor(
    readonly vals: ValidatorSet,
    self: Hex | null,
  ) {
    const config: MachineConfig = { chainId: 1n, self, timeouts: TIMEOUTS, maxRoundsAhead: 10 };
    this.state = initialState(config);
  }
  send(e: ConsensusEvent): ConsensusAction[] {
    const { state, actions } = step(this.state, e);
    this.state = state;
    this.log.push(...actions);
    return actions;
  }
  start(height = 1): ConsensusAction[] {
    return this.send({ type: "start", height, validators: this.vals });
  }
  vote(
    type: VoteType,
    round: number,
    blockHash: Hex | null,
    validator: number,
    height = 1,
  ): ConsensusAction[] {
    const vote: Vote = { type, height, round, blockHash, validator: addr(validator), signature: SIG };
    return this.send({ type: "vote", vote });
  }
  proposal(round: number, blockHash: Hex, polRound = -1, height = 1): ConsensusAction[] {
    const proposer = proposerForRound(this.vals, round).address;
    const proposal: Proposal = { height, round, blockHash, polRound, proposer, signature: SIG };
    return this.send({ type: "proposal", proposal });
  }
  /** Execute own sign requests the way the runner does: feed the signed message back. */
  echoOwn(actions: ConsensusAction[]): ConsensusAction[] {
    const more: ConsensusAction[] = [];
    for (const a of actions) {
      if (a.type === "sign-vote")
        more.push(...this.echoOwn(this.send({ type: "vote", vote: { ...a.vote, signature: SIG } })));
      if (a.type === "sign-proposal")
        more.push(
          ...this.echoOwn(this.send({ type: "proposal", proposal: { ...a.proposal, signature: SIG } })),
        );
    }
    return [...actions, ...more];
  }
}

const signs = (actions: ConsensusAction[]): string[] =>
  actions.flatMap((a) =>
    a.type === "sign-vote"
      ? [`${a.vote.type}:${a.vote.round}:${a.vote.blockHash ?? "nil"}`]
      : a.type === "sign-proposal"
        ? [`proposal:${a.proposal.round}:${a.proposal.blockHash}:${a.proposal.polRound}`]
        : [],
  );

/** Index (1-based) of the validator that is not the proposer of round 0. */
function nonProposer(vals: ValidatorSet, round = 0): number {
  const p = proposerForRound(vals, round).address;
  return vals.validators.findIndex((v) => v.address !== p) + 1;
}

describe("consensus state machine", () => {
  it("a single validator proposes, votes and commits one block", () => {
    const vals = set([10]);
    const h = new Harness(vals, addr(1));
    expect(h.start()).toEqual([
      { type: "request-block", height: 1, round: 0 },
      { type: "schedule-timeout", height: 1, round: 0, step: "propose", durationMs: 1000 },
    ]);
    const all = h.echoOwn(h.send({ type: "block-ready", height: 1, round: 0, blockHash: A }));
    expect(signs(all)).toEqual([`proposal:0:${A}:-1`, `prevote:0:${A}`, `precommit:0:${A}`]);
    const commit = all.find((a) => a.type === "commit");
    expect(commit).toMatchObject({
      height: 1,
      round: 0,
      blockHash: A,
      certificate: { height: 1, round: 0, blockHash: A, signatures: [{ validator: addr(1) }] },
    });
    expect(h.state.step).toBe("decided");
  });

  it("prevotes a valid proposal, locks on +2/3 prevotes and commits on +2/3 precommits", () => {
    const vals = set([1, 1, 1, 1]);
    const me = nonProposer(vals);
    const h = new Harness(vals, addr(me));
    expect(h.start().map((a) => a.type)).toEqual(["schedule-timeout"]);
    expect(h.proposal(0, A)).toEqual([{ type: "validate-block", height: 1, blockHash: A }]);
    expect(
      signs(h.echoOwn(h.send({ type: "block-validated", height: 1, blockHash: A, valid: true }))),
    ).toEqual([`prevote:0:${A}`]);
    const others = [1, 2, 3, 4].filter((i) => i !== me);
    h.vote("prevote", 0, A, others[0]!);
    const afterQuorum = h.echoOwn(h.vote("prevote", 0, A, others[1]!));
    expect(signs(afterQuorum)).toEqual([`precommit:0:${A}`]);
    expect(afterQuorum).toContainEqual({
      type: "schedule-timeout",
      height: 1,
      round: 0,
      step: "prevote",
      durationMs: 500,
    });
    expect(h.state.lockedValue).toBe(A);
    expect(h.state.lockedRound).toBe(0);
    h.vote("precommit", 0, A, others[0]!);
    const done = h.vote("precommit", 0, A, others[1]!);
    const commit = done.find((a) => a.type === "commit");
    expect(commit?.type === "commit" && commit.certificate.signatures.length).toBe(3);
  });

  it("prevotes nil for an invalid block", () => {
    const vals = set([1, 1, 1, 1]);
    const h = new Harness(vals, addr(nonProposer(vals)));
    h.start();
    h.proposal(0, A);
    expect(signs(h.send({ type: "block-validated", height: 1, blockHash: A, valid: false }))).toEqual([
      "prevote:0:nil",
    ]);
  });

  it("times out through a round without a proposal and grows the timeouts per round", () => {
    const vals = set([1, 1, 1, 1]);
    const me = nonProposer(vals);
    const h = new Harness(vals, addr(me));
    h.start();
    expect(signs(h.echoOwn(h.send({ type: "timeout", height: 1, round: 0, step: "propose" })))).toEqual([
      "prevote:0:nil",
    ]);
    const others = [1, 2, 3, 4].filter((i) => i !== me);
    h.vote("prevote", 0, A, others[0]!);
    h.vote("prevote", 0, null, others[1]!);
    expect(h.log).toContainEqual({
      type: "schedule-timeout",
      height: 1,
      round: 0,
      step: "prevote",
      durationMs: 500,
    });
    expect(signs(h.echoOwn(h.send({ type: "timeout", height: 1, round: 0, step: "prevote" })))).toEqual([
      "precommit:0:nil",
    ]);
    h.vote("precommit", 0, null, others[0]!);
    h.vote("precommit", 0, A, others[1]!);
    expect(h.log).toContainEqual({
      type: "schedule-timeout",
      height: 1,
      round: 0,
      step: "precommit",
      durationMs: 700,
    });
    const next = h.send({ type: "timeout", height: 1, round: 0, step: "precommit" });
    expect(h.state.round).toBe(1);
    expect(next).toContainEqual({
      type: "schedule-timeout",
      height: 1,
      round: 1,
      step: "propose",
      durationMs: 1100,
    });
    // A stale timeout of an earlier round changes nothing.
    expect(h.send({ type: "timeout", height: 1, round: 0, step: "propose" })).toEqual([]);
  });

  it("a locked validator prevotes nil for another value until a newer proof-of-lock", () => {
    const vals = set([1, 1, 1, 1]);
    // Pick a validator that proposes in none of rounds 0-2.
    const proposers = [0, 1, 2].map((r) => proposerForRound(vals, r).address);
    const me = [1, 2, 3, 4].find((i) => !proposers.includes(addr(i)))!;
    const others = [1, 2, 3, 4].filter((i) => i !== me);
    const h = new Harness(vals, addr(me));
    h.start();
    h.proposal(0, A);
    h.send({ type: "block-validated", height: 1, blockHash: A, valid: true });
    h.send({ type: "block-validated", height: 1, blockHash: B, valid: true });
    h.echoOwn(h.log.splice(0));
    for (const o of others.slice(0, 2)) h.echoOwn(h.vote("prevote", 0, A, o));
    expect(h.state.lockedValue).toBe(A);
    // Round 0 fails to commit; go to round 1.
    h.vote("precommit", 0, null, others[0]!);
    h.vote("precommit", 0, null, others[1]!);
    h.send({ type: "timeout", height: 1, round: 0, step: "precommit" });
    expect(h.state.round).toBe(1);
    // A fresh proposal of B: locked on A → nil.
    expect(signs(h.proposal(1, B))).toEqual(["prevote:1:nil"]);
    // Round 1 gathers +2/3 prevotes for B without us; round 2 re-proposes B with polRound 1.
    for (const o of others) h.vote("prevote", 1, B, o);
    for (const o of others) h.vote("precommit", 1, null, o);
    h.send({ type: "timeout", height: 1, round: 1, step: "precommit" });
    expect(h.state.round).toBe(2);
    expect(signs(h.proposal(2, B, 1))).toEqual([`prevote:2:${B}`]);
  });

  it("re-proposes its valid value with its valid round as polRound", () => {
    const vals = set([1, 1, 1, 1]);
    const p1 = proposerForRound(vals, 1).address;
    const me = vals.validators.findIndex((v) => v.address === p1) + 1;
    if (proposerForRound(vals, 0).address === p1)
      throw new Error("test assumes a different proposer in round 0");
    const others = [1, 2, 3, 4].filter((i) => i !== me);
    const h = new Harness(vals, addr(me));
    h.start();
    h.proposal(0, A);
    h.echoOwn(h.send({ type: "block-validated", height: 1, blockHash: A, valid: true }));
    for (const o of others.slice(0, 2)) h.echoOwn(h.vote("prevote", 0, A, o));
    for (const o of others) h.vote("precommit", 0, null, o);
    const next = h.send({ type: "timeout", height: 1, round: 0, step: "precommit" });
    expect(signs(next)).toEqual([`proposal:1:${A}:0`]);
    expect(next.map((a) => a.type)).not.toContain("request-block");
  });

  it("skips ahead when more than 1/3 of the power is in a later round", () => {
    const vals = set([1, 1, 1, 1]);
    const h = new Harness(vals, addr(nonProposer(vals)));
    h.start();
    h.vote("prevote", 5, null, 1);
    expect(h.state.round).toBe(0);
    h.vote("precommit", 5, null, 2);
    expect(h.state.round).toBe(5);
    expect(h.log).toContainEqual({
      type: "schedule-timeout",
      height: 1,
      round: 5,
      step: "propose",
      durationMs: 1500,
    });
  });

  it("reports a validator that votes twice in one round as evidence, once", () => {
    const vals = set([1, 1, 1, 1]);
    const h = new Harness(vals, addr(1));
    h.start();
    h.vote("prevote", 0, A, 2);
    const ev = h.vote("prevote", 0, B, 2);
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ type: "evidence", evidence: { kind: "duplicate-vote" } });
    expect(h.vote("prevote", 0, null, 2).filter((a) => a.type === "evidence")).toHaveLength(0);
  });

  it("ignores votes of non-validators, other heights and proposals from the wrong proposer", () => {
    const vals = set([1, 1, 1, 1]);
    const h = new Harness(vals, addr(nonProposer(vals)));
    h.start();
    expect(h.vote("prevote", 0, A, 9)).toEqual([]);
    expect(h.vote("prevote", 0, A, 1, 2)).toEqual([]);
    const wrong = vals.validators.find((v) => v.address !== proposerForRound(vals, 0).address)!.address;
    expect(
      h.send({
        type: "proposal",
        proposal: { height: 1, round: 0, blockHash: A, polRound: -1, proposer: wrong, signature: SIG },
      }),
    ).toEqual([]);
    expect(h.state.rounds.get(0)?.proposal ?? null).toBeNull();
  });

  it("commits from a verified certificate of a peer that is ahead, once the block is valid", () => {
    const vals = set([1, 1, 1, 1]);
    const h = new Harness(vals, addr(nonProposer(vals)));
    h.start();
    const cert = { height: 1, round: 3, blockHash: A, signatures: [] };
    expect(h.send({ type: "commit-certificate", certificate: cert })).toEqual([
      { type: "validate-block", height: 1, blockHash: A },
    ]);
    const out = h.send({ type: "block-validated", height: 1, blockHash: A, valid: true });
    expect(out).toContainEqual({ type: "commit", height: 1, round: 3, blockHash: A, certificate: cert });
  });

  it("never asks to sign twice for one height/round/step under random event orders", () => {
    const vals = set([3, 2, 2, 1, 1]);
    for (let seed = 1; seed <= 150; seed++) {
      const rng = new Prng(seed);
      const me = 1 + rng.int(5);
      const h = new Harness(vals, addr(me));
      h.start();
      const values = [A, B, null];
      for (let i = 0; i < 250 && h.state.step !== "decided"; i++) {
        const r = rng.int(4);
        const k = rng.int(10);
        let out: ConsensusAction[];
        if (k < 5)
          out = h.vote(rng.chance(0.5) ? "prevote" : "precommit", r, values[rng.int(3)]!, 1 + rng.int(5));
        else if (k < 7)
          out = h.proposal(r, rng.chance(0.5) ? A : B, rng.chance(0.7) ? -1 : r - 1 >= 0 ? rng.int(r) : -1);
        else if (k < 8)
          out = h.send({
            type: "block-validated",
            height: 1,
            blockHash: rng.chance(0.5) ? A : B,
            valid: rng.chance(0.8),
          });
        else if (k < 9)
          out = h.send({
            type: "timeout",
            height: 1,
            round: h.state.round,
            step: (["propose", "prevote", "precommit"] as const)[rng.int(3)]!,
          });
        else out = h.send({ type: "block-ready", height: 1, round: h.state.round, blockHash: A });
        h.echoOwn(out);
      }
      const seen = new Map<string, string>();
      for (const a of h.log) {
        if (a.type !== "sign-vote" && a.type !== "sign-proposal") continue;
        const key =
          a.type === "sign-vote" ? `${a.vote.round}/${a.vote.type}` : `${a.proposal.round}/proposal`;
        expect(seen.has(key), `seed ${seed}: second sign request for ${key}`).toBe(false);
        seen.set(key, JSON.stringify(a));
      }
    }
  });
});
