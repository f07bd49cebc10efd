// The Tendermint consensus algorithm ("The latest gossip on BFT consensus", Buchman, Kwon,
// Milosevic 2018, Algorithm 1) as a deterministic state machine: step(state, event) → actions.
// No clock, socket, disk, randomness or signing inside: the driver (runner.ts) executes the
// actions — it signs what the machine asks to sign (after persisting it), feeds the node's own
// signed messages back in as events, schedules timeouts and reports block validity.
//
// Thresholds are by voting power: "2f+1" = more than 2/3 of the height's total power, "f+1" =
// more than 1/3. Signatures and validator membership of incoming messages are checked by the
// driver before they reach the machine; the machine re-checks membership and the proposer.
import { makeDuplicateVoteEvidence, type DuplicateVoteEvidence } from "./evidence.js";
import { proposerForRound } from "./proposer.js";
import type {
  CommitCertificate,
  Hex,
  Proposal,
  StepName,
  UnsignedProposal,
  UnsignedVote,
  Validator,
  ValidatorSet,
  Vote,
  VoteType,
} from "./types.js";
import { Step, isOneThirdPlus, isSupermajority } from "./types.js";

export interface TimeoutParams {
  /** Milliseconds; timeout of round r = base + r × delta, so rounds eventually outlast any delay. */
  proposeBase: number;
  proposeDelta: number;
  prevoteBase: number;
  prevoteDelta: number;
  precommitBase: number;
  precommitDelta: number;
}

export const DEFAULT_TIMEOUTS: TimeoutParams = {
  proposeBase: 3000,
  proposeDelta: 500,
  prevoteBase: 1000,
  prevoteDelta: 500,
  precommitBase: 1000,
  precommitDelta: 500,
};

export interface MachineConfig {
  chainId: bigint;
  /** This node's validator address, or null for a non-validating (full) node. */
  self: Hex | null;
  timeouts: TimeoutParams;
  /** Messages for rounds beyond round + this are dropped (bounds memory against spam). */
  maxRoundsAhead: number;
}

// ---------------------------------------------------------------- events and actions

export type ConsensusEvent =
  /** Begin `height` with its validator set (priorities included). Resets all height state. */
  | { type: "start"; height: number; validators: ValidatorSet }
  /** A proposal whose signature the driver verified (own proposals come back this way too). */
  | { type: "proposal"; proposal: Proposal }
  /** A vote whose signature the driver verified (own votes come back this way too). */
  | { type: "vote"; vote: Vote }
  | { type: "timeout"; height: number; round: number; step: StepName }
  /** The node fetched, checked and executed the block with this hash. */
  | { type: "block-validated"; height: number; blockHash: Hex; valid: boolean }
  /** The block the node built after a request-block action. */
  | { type: "block-ready"; height: number; round: number; blockHash: Hex }
  /**
   * A verified certificate for this height from a peer that is ahead (catch-up). Taken as a
   * whole: its signers may include equivocators whose other vote this node already counted.
   */
  | { type: "commit-certificate"; certificate: CommitCertificate };

export type ConsensusAction =
  /** Sign (after persisting, see runner.ts), broadcast, and feed back as a "proposal" event. */
  | { type: "sign-proposal"; proposal: UnsignedProposal }
  /** Sign (after persisting), broadcast, and feed back as a "vote" event. */
  | { type: "sign-vote"; vote: UnsignedVote }
  | { type: "schedule-timeout"; height: number; round: number; step: StepName; durationMs: number }
  /** This node proposes: build a block for (height, round) and answer with block-ready. */
  | { type: "request-block"; height: number; round: number }
  /** Obtain (fetch if missing), validate and execute this block; answer with block-validated. */
  | { type: "validate-block"; height: number; blockHash: Hex }
  /** The block is final. Store it with the certificate, then send start(height + 1). */
  | { type: "commit"; height: number; round: number; blockHash: Hex; certificate: CommitCertificate }
  | { type: "evidence"; evidence: DuplicateVoteEvidence };

// ---------------------------------------------------------------- state

/**
 * Votes of one (round, type). Value tallies count every validator that signed that value, an
 * equivocator towards each value it signed: quorum intersection keeps this safe while faulty
 * power is below 1/3, and it is needed for liveness — a node that first saw an equivocator's
 * other vote must still be able to see a proof-of-lock that includes this one (CometBFT gets
 * the same effect through peer maj23 claims).
 */
interface VoteSet {
  /** First vote of each validator: the "any value" tallies count a validator once. */
  votes: Map<Hex, Vote>;
  sum: bigint;
  /** "" = nil. */
  byValue: Map<string, { power: bigint; votes: Vote[] }>;
  /** "validator|value" pairs already counted. */
  seen: Set<string>;
  /** Distinct values per validator, capped so an equivocator cannot grow the set unboundedly. */
  valuesOf: Map<Hex, number>;
}

/** Values one validator may have counted per (round, type); an honest one signs exactly one. */
const MAX_VALUES_PER_VALIDATOR = 4;

interface RoundState {
  proposal: Proposal | null;
  prevotes: VoteSet;
  precommits: VoteSet;
  prevoteTimeoutScheduled: boolean;
  precommitTimeoutScheduled: boolean;
  /** Line 36 of the algorithm fires once per round. */
  polSeen: boolean;
}

export type MachineStep = "idle" | StepName | "decided";

export interface ConsensusState {
  readonly config: MachineConfig;
  height: number;
  round: number;
  step: MachineStep;
  validators: ValidatorSet | null;
  byAddress: Map<Hex, Validator>;
  proposers: Map<number, Hex>;
  lockedValue: Hex | null;
  lockedRound: number;
  validValue: Hex | null;
  validRound: number;
  rounds: Map<number, RoundState>;
  /** Validity of blocks this height; "pending" once a validate-block action went out. */
  validity: Map<Hex, boolean | "pending">;
  /** Highest (round, step) this machine asked to sign at this height: the anti-equivocation guard. */
  lastSignRequest: { round: number; step: number } | null;
  /** Validators already reported for equivocation, "addr/round/type". */
  reported: Set<string>;
  decision: { round: number; blockHash: Hex } | null;
  /** A verified certificate received for this height, decided on once its block is valid. */
  externalCommit: CommitCertificate | null;
}

export function initialState(config: MachineConfig): ConsensusState {
  return {
    config,
    height: 0,
    round: 0,
    step: "idle",
    validators: null,
    byAddress: new Map(),
    proposers: new Map(),
    lockedValue: null,
    lockedRound: -1,
    validValue: null,
    validRound: -1,
    rounds: new Map(),
    validity: new Map(),
    lastSignRequest: null,
    reported: new Set(),
    decision: null,
    externalCommit: null,
  };
}

const NIL = "";
const newVoteSet = (): VoteSet => ({
  votes: new Map(),
  sum: 0n,
  byValue: new Map(),
  seen: new Set(),
  valuesOf: new Map(),
});
const powerFor = (set: VoteSet, value: string): bigint => set.byValue.get(value)?.power ?? 0n;

function roundState(s: ConsensusState, r: number): RoundState {
  let rs = s.rounds.get(r);
  if (!rs) {
    rs = {
      proposal: null,
      prevotes: newVoteSet(),
      precommits: newVoteSet(),
      prevoteTimeoutScheduled: false,
      precommitTimeoutScheduled: false,
      polSeen: false,
    };
    s.rounds.set(r, rs);
  }
  return rs;
}

function proposerOf(s: ConsensusState, r: number): Hex {
  let p = s.proposers.get(r);
  if (!p) {
    p = proposerForRound(s.validators!, r).address;
    s.proposers.set(r, p);
  }
  return p;
}

function timeoutFor(s: ConsensusState, step: StepName, r: number): number {
  const t = s.config.timeouts;
  if (step === "propose") return t.proposeBase + r * t.proposeDelta;
  if (step === "prevote") return t.prevoteBase + r * t.prevoteDelta;
  return t.precommitBase + r * t.precommitDelta;
}

// ---------------------------------------------------------------- helpers that emit

type Out = ConsensusAction[];

function schedule(s: ConsensusState, out: Out, step: StepName, r = s.round): void {
  out.push({
    type: "schedule-timeout",
    height: s.height,
    round: r,
    step,
    durationMs: timeoutFor(s, step, r),
  });
}

/** Ask to sign, unless this (round, step) or a later one was already asked for at this height. */
function mayRequestSign(s: ConsensusState, r: number, step: number): boolean {
  if (s.config.self === null || !s.byAddress.has(s.config.self)) return false;
  const last = s.lastSignRequest;
  if (last && (r < last.round || (r === last.round && step <= last.step))) return false;
  s.lastSignRequest = { round: r, step };
  return true;
}

function signVote(s: ConsensusState, out: Out, type: VoteType, blockHash: Hex | null): void {
  if (!mayRequestSign(s, s.round, Step[type])) return;
  out.push({
    type: "sign-vote",
    vote: { type, height: s.height, round: s.round, blockHash, validator: s.config.self! },
  });
}

function signProposal(s: ConsensusState, out: Out, blockHash: Hex, polRound: number): void {
  if (!mayRequestSign(s, s.round, Step.propose)) return;
  out.push({
    type: "sign-proposal",
    proposal: { height: s.height, round: s.round, blockHash, polRound, proposer: s.config.self! },
  });
}

/** Known validity of a block; asks the node to validate it the first time it matters. */
function validityOf(s: ConsensusState, out: Out, hash: Hex): boolean | undefined {
  const v = s.validity.get(hash);
  if (v === undefined) {
    s.validity.set(hash, "pending");
    out.push({ type: "validate-block", height: s.height, blockHash: hash });
    return undefined;
  }
  return v === "pending" ? undefined : v;
}

function startRound(s: ConsensusState, out: Out, r: number): void {
  s.round = r;
  s.step = "propose";
  roundState(s, r);
  if (proposerOf(s, r) === s.config.self) {
    if (s.validValue !== null) signProposal(s, out, s.validValue, s.validRound);
    else out.push({ type: "request-block", height: s.height, round: r });
  }
  // Everyone (the proposer too) bounds the propose step, so a slow block build cannot stall.
  schedule(s, out, "propose");
}

// ---------------------------------------------------------------- the upon-rules

/** Applies rules until none fires; each rule moves state forward, so this terminates. */
function advance(s: ConsensusState, out: Out): void {
  for (let guard = 0; guard < 10_000; guard++) {
    if (!fireOne(s, out)) return;
  }
  throw new Error("consensus machine: rule evaluation did not converge");
}

function fireOne(s: ConsensusState, out: Out): boolean {
  if (s.step === "idle" || s.step === "decided") return false;
  const total = s.validators!.totalPower;

  // Lines 49-54: a value with +2/3 precommits in any round is decided (once valid).
  for (const [r, rs] of s.rounds) {
    for (const [value, { power }] of rs.precommits.byValue) {
      if (value === NIL || !isSupermajority(power, total)) continue;
      const hash = value as Hex;
      if (validityOf(s, out, hash) !== true) continue;
      decide(s, out, r, hash, rs);
      return true;
    }
  }

  const ext = s.externalCommit;
  if (ext && validityOf(s, out, ext.blockHash) === true) {
    s.decision = { round: ext.round, blockHash: ext.blockHash };
    s.step = "decided";
    out.push({
      type: "commit",
      height: s.height,
      round: ext.round,
      blockHash: ext.blockHash,
      certificate: ext,
    });
    return true;
  }

  // Line 55: f+1 of power already in a higher round → catch up to it.
  for (const [r, rs] of s.rounds) {
    if (r <= s.round) continue;
    let power = 0n;
    for (const addr of rs.prevotes.votes.keys()) power += s.byAddress.get(addr)!.power;
    for (const addr of rs.precommits.votes.keys())
      if (!rs.prevotes.votes.has(addr)) power += s.byAddress.get(addr)!.power;
    if (isOneThirdPlus(power, total)) {
      startRound(s, out, r);
      return true;
    }
  }

  const rs = roundState(s, s.round);
  const p = rs.proposal;

  if (s.step === "propose" && p) {
    if (p.polRound === -1) {
      // Lines 22-27.
      const valid = validityOf(s, out, p.blockHash);
      if (valid === undefined) return false;
      const ok = valid && (s.lockedRound === -1 || s.lockedValue === p.blockHash);
      signVote(s, out, "prevote", ok ? p.blockHash : null);
      s.step = "prevote";
      return true;
    }
    // Lines 28-33: a re-proposal justified by +2/3 prevotes in its polRound.
    const pol = s.rounds.get(p.polRound);
    if (pol && isSupermajority(powerFor(pol.prevotes, p.blockHash), total)) {
      const valid = validityOf(s, out, p.blockHash);
      if (valid !== undefined) {
        const ok = valid && (s.lockedRound <= p.polRound || s.lockedValue === p.blockHash);
        signVote(s, out, "prevote", ok ? p.blockHash : null);
        s.step = "prevote";
        return true;
      }
    }
  }

  // Lines 34-35.
  if (s.step === "prevote" && !rs.prevoteTimeoutScheduled && isSupermajority(rs.prevotes.sum, total)) {
    rs.prevoteTimeoutScheduled = true;
    schedule(s, out, "prevote");
    return true;
  }

  // Lines 36-43: +2/3 prevotes for the proposed valid value → lock (if still in prevote) and precommit.
  if (
    (s.step === "prevote" || s.step === "precommit") &&
    p &&
    !rs.polSeen &&
    isSupermajority(powerFor(rs.prevotes, p.blockHash), total)
  ) {
    const valid = validityOf(s, out, p.blockHash);
    if (valid === true) {
      rs.polSeen = true;
      if (s.step === "prevote") {
        s.lockedValue = p.blockHash;
        s.lockedRound = s.round;
        signVote(s, out, "precommit", p.blockHash);
        s.step = "precommit";
      }
      s.validValue = p.blockHash;
      s.validRound = s.round;
      return true;
    }
  }

  // Lines 44-46.
  if (s.step === "prevote" && isSupermajority(powerFor(rs.prevotes, NIL), total)) {
    signVote(s, out, "precommit", null);
    s.step = "precommit";
    return true;
  }

  // Lines 47-48.
  if (!rs.precommitTimeoutScheduled && isSupermajority(rs.precommits.sum, total)) {
    rs.precommitTimeoutScheduled = true;
    schedule(s, out, "precommit");
    return true;
  }
  return false;
}

function decide(s: ConsensusState, out: Out, r: number, hash: Hex, rs: RoundState): void {
  const signatures = rs.precommits.byValue
    .get(hash)!
    .votes.map((v) => ({ validator: v.validator, signature: v.signature }));
  signatures.sort((a, b) => (a.validator < b.validator ? -1 : 1));
  s.decision = { round: r, blockHash: hash };
  s.step = "decided";
  out.push({
    type: "commit",
    height: s.height,
    round: r,
    blockHash: hash,
    certificate: { height: s.height, round: r, blockHash: hash, signatures },
  });
}

// ---------------------------------------------------------------- event handlers

function onStart(s: ConsensusState, out: Out, height: number, validators: ValidatorSet): void {
  s.height = height;
  s.validators = validators;
  s.byAddress = new Map(validators.validators.map((v) => [v.address, v]));
  s.proposers = new Map();
  s.lockedValue = null;
  s.lockedRound = -1;
  s.validValue = null;
  s.validRound = -1;
  s.rounds = new Map();
  s.validity = new Map();
  s.lastSignRequest = null;
  s.reported = new Set();
  s.decision = null;
  s.externalCommit = null;
  startRound(s, out, 0);
}

function acceptsRound(s: ConsensusState, r: number): boolean {
  return r <= s.round + s.config.maxRoundsAhead;
}

function onProposal(s: ConsensusState, out: Out, p: Proposal): void {
  if (p.height !== s.height || !acceptsRound(s, p.round)) return;
  if (p.polRound < -1 || p.polRound >= p.round) return;
  if (proposerOf(s, p.round) !== p.proposer) return;
  const rs = roundState(s, p.round);
  // A proposer that signs two proposals for one round is faulty; the first one stands.
  if (rs.proposal) return;
  rs.proposal = p;
  // Start validating now so the answer is ready when the round gets there.
  validityOf(s, out, p.blockHash);
}

function onVote(s: ConsensusState, out: Out, v: Vote): void {
  if (v.height !== s.height || !acceptsRound(s, v.round)) return;
  const val = s.byAddress.get(v.validator);
  if (!val) return;
  const rs = roundState(s, v.round);
  const set = v.type === "prevote" ? rs.prevotes : rs.precommits;
  const value = v.blockHash ?? NIL;
  const id = `${v.validator}|${value}`;
  if (set.seen.has(id)) return;
  const count = set.valuesOf.get(v.validator) ?? 0;
  if (count > 0) {
    const key = `${v.validator}/${v.round}/${v.type}`;
    if (!s.reported.has(key)) {
      s.reported.add(key);
      out.push({ type: "evidence", evidence: makeDuplicateVoteEvidence(set.votes.get(v.validator)!, v) });
    }
    if (count >= MAX_VALUES_PER_VALIDATOR) return;
  } else {
    set.votes.set(v.validator, v);
    set.sum += val.power;
  }
  set.seen.add(id);
  set.valuesOf.set(v.validator, count + 1);
  const entry = set.byValue.get(value);
  if (entry) {
    entry.power += val.power;
    entry.votes.push(v);
  } else {
    set.byValue.set(value, { power: val.power, votes: [v] });
  }
}

function onTimeout(s: ConsensusState, out: Out, height: number, r: number, step: StepName): void {
  if (height !== s.height || r !== s.round) return;
  if (step === "propose" && s.step === "propose") {
    signVote(s, out, "prevote", null);
    s.step = "prevote";
  } else if (step === "prevote" && s.step === "prevote") {
    signVote(s, out, "precommit", null);
    s.step = "precommit";
  } else if (step === "precommit" && s.step !== "decided" && s.step !== "idle") {
    startRound(s, out, s.round + 1);
  }
}

function onBlockReady(s: ConsensusState, out: Out, height: number, r: number, hash: Hex): void {
  if (height !== s.height || r !== s.round || s.step !== "propose") return;
  if (proposerOf(s, r) !== s.config.self || s.validValue !== null) return;
  // A block we built ourselves is valid by construction.
  s.validity.set(hash, true);
  signProposal(s, out, hash, -1);
}

/** True when exactly this vote (same validator, round, type and value) is already counted. */
export function hasVote(s: ConsensusState, v: Vote): boolean {
  if (v.height !== s.height) return false;
  const rs = s.rounds.get(v.round);
  return (
    rs !== undefined &&
    (v.type === "prevote" ? rs.prevotes : rs.precommits).seen.has(`${v.validator}|${v.blockHash ?? NIL}`)
  );
}

/**
 * Messages a node should keep re-sending to its peers (gossip cannot assume delivery): the
 * current round's proposal and its proof-of-lock prevotes, the prevotes behind this node's
 * valid value, and the votes of the current and previous round (own ones included).
 */
export function retransmitSet(s: ConsensusState): { proposals: Proposal[]; votes: Vote[] } {
  const proposals: Proposal[] = [];
  const votes: Vote[] = [];
  if (s.step === "idle" || s.step === "decided") return { proposals, votes };
  const add = (set: VoteSet | undefined, value?: string): void => {
    if (!set) return;
    for (const [k, e] of set.byValue) if (value === undefined || k === value) votes.push(...e.votes);
  };
  const rs = s.rounds.get(s.round);
  if (rs?.proposal) {
    proposals.push(rs.proposal);
    if (rs.proposal.polRound >= 0) add(s.rounds.get(rs.proposal.polRound)?.prevotes, rs.proposal.blockHash);
  }
  if (s.validValue !== null && s.validRound >= 0) add(s.rounds.get(s.validRound)?.prevotes, s.validValue);
  for (const r of [s.round - 1, s.round]) {
    const x = s.rounds.get(r);
    add(x?.prevotes);
    add(x?.precommits);
  }
  return { proposals, votes };
}

/**
 * Apply one event. The machine takes ownership of `state` and may update it in place (vote sets
 * are large and copying them per vote would dominate); the returned state is the one to keep.
 */
export function step(
  state: ConsensusState,
  event: ConsensusEvent,
): { state: ConsensusState; actions: ConsensusAction[] } {
  const out: Out = [];
  const s = state;
  if (event.type === "start") {
    onStart(s, out, event.height, event.validators);
  } else if (s.step !== "idle" && s.step !== "decided") {
    switch (event.type) {
      case "proposal":
        onProposal(s, out, event.proposal);
        break;
      case "vote":
        onVote(s, out, event.vote);
        break;
      case "timeout":
        onTimeout(s, out, event.height, event.round, event.step);
        break;
      case "block-validated":
        if (event.height === s.height) s.validity.set(event.blockHash, event.valid);
        break;
      case "block-ready":
        onBlockReady(s, out, event.height, event.round, event.blockHash);
        break;
      case "commit-certificate":
        if (event.certificate.height === s.height && !s.externalCommit) s.externalCommit = event.certificate;
        break;
    }
  }
  advance(s, out);
  return { state: s, actions: out };
}
