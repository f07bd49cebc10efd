// The driver around the pure machine that a node (or the simulator) embeds: it verifies incoming
// signatures, logs every input to the WAL, signs what the machine asks to sign under the
// last-sign guard, makes the WAL and last-sign state durable before a signed message is handed
// out for broadcast, feeds own messages back into the machine, and replays the WAL on restart.
//
// Everything is synchronous: each call returns the outputs to execute, in order. Broadcast
// outputs are already persisted; timeouts, block building/validation and commits are the node's.
import type { ConsensusSigner, ConsensusVerifier } from "./crypto.js";
import type { LastSignState, LastSignStore } from "./last-sign.js";
import { checkLastSign } from "./last-sign.js";
import type {
  ConsensusAction,
  ConsensusEvent,
  ConsensusState,
  MachineConfig,
  MachineStep,
} from "./machine.js";
import { hasVote, initialState, retransmitSet, step } from "./machine.js";
import { LightClientError, verifyCommitCertificate } from "../settlement/light-client.js";
import type { CommitCertificate, Hex, Proposal, StepName, ValidatorSet, Vote } from "./types.js";
import { Step, equalBytes, proposalDigest, voteDigest } from "./types.js";
import type { ConsensusWal, WalEntry } from "./wal.js";

// Gossip hands the same decoded message object to many code paths (and the simulator to many
// nodes); messages are immutable values, so their digests are memoised per object.
const digestCache = new WeakMap<object, { chainId: bigint; digest: Uint8Array }>();
function cachedDigest<T extends object>(
  chainId: bigint,
  m: T,
  f: (chainId: bigint, m: T) => Uint8Array,
): Uint8Array {
  const c = digestCache.get(m);
  if (c && c.chainId === chainId) return c.digest;
  const digest = f(chainId, m);
  digestCache.set(m, { chainId, digest });
  return digest;
}

export type RunnerOutput =
  | { type: "broadcast-proposal"; proposal: Proposal }
  | { type: "broadcast-vote"; vote: Vote }
  /** The guard stopped a signature (only after a crash that lost state); log it. */
  | { type: "sign-refused"; height: number; round: number; step: StepName; reason: string }
  | Exclude<ConsensusAction, { type: "sign-proposal" } | { type: "sign-vote" }>;

export class InvalidConsensusMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidConsensusMessageError";
  }
}

export interface RunnerOptions {
  config: MachineConfig;
  /** null for a node that does not validate. */
  signer: ConsensusSigner | null;
  verifier: ConsensusVerifier;
  wal: ConsensusWal;
  lastSign: LastSignStore;
  /** Messages for height + 1 kept until that height starts (peers that are slightly ahead). */
  maxFutureMessages?: number;
}

/** A signature the guard allowed, and the last-sign state to persist before it leaves. */
interface Signed {
  signature: Uint8Array;
  /** Replayed from this height's WAL (already logged there). */
  fromWal: boolean;
  lastSign: LastSignState | null;
}

type Message = { kind: "proposal"; proposal: Proposal } | { kind: "vote"; vote: Vote };

export class ConsensusRunner {
  private state: ConsensusState;
  private last: LastSignState | null;
  /** Own signatures of the current height, by "round/step", from the WAL or made since. */
  private ownSigned = new Map<string, { digest: Uint8Array; signature: Uint8Array }>();
  private future: Message[] = [];

  constructor(private readonly opts: RunnerOptions) {
    this.state = initialState(opts.config);
    this.last = opts.lastSign.load();
  }

  get height(): number {
    return this.state.height;
  }
  get round(): number {
    return this.state.round;
  }
  get step(): MachineStep {
    return this.state.step;
  }
  get validators(): ValidatorSet | null {
    return this.state.validators;
  }

  /**
   * Whether the message last given to receiveVote/receiveProposal had its signature checked and
   * found valid. Only such messages may be relayed: one skipped unchecked (a duplicate, a second
   * proposal for a round, a height not running, an unverifiable next-height message) may be a
   * forgery, and a peer that checks it would blame the node that relayed it.
   */
  lastVerified = false;

  /** True when this exact vote is already counted (the network layer skips re-gossiping it). */
  knowsVote(v: Vote): boolean {
    return hasVote(this.state, v);
  }

  /** What to re-send to peers periodically; see machine.ts retransmitSet. */
  retransmitSet(): { proposals: Proposal[]; votes: Vote[] } {
    return retransmitSet(this.state);
  }

  /**
   * Begin `height`. If the WAL holds this height (a restart), its entries are replayed first and
   * the outputs of the replay are returned: re-broadcasting own messages is harmless, and the
   * node must re-arm the timeouts and answer block requests/validations as usual.
   */
  start(height: number, validators: ValidatorSet): RunnerOutput[] {
    const out: RunnerOutput[] = [];
    const wal = this.opts.wal;
    this.ownSigned.clear();
    if (wal.height === height) {
      const entries = wal.replayEntries();
      for (const e of entries) {
        if (e.kind === "own-vote")
          this.ownSigned.set(`${e.vote.round}/${Step[e.vote.type]}`, {
            digest: voteDigest(this.opts.config.chainId, e.vote),
            signature: e.vote.signature,
          });
        if (e.kind === "own-proposal")
          this.ownSigned.set(`${e.proposal.round}/${Step.propose}`, {
            digest: proposalDigest(this.opts.config.chainId, e.proposal),
            signature: e.proposal.signature,
          });
      }
      this.run({ type: "start", height, validators }, out);
      for (const e of entries) this.run(walEntryToEvent(e), out);
    } else {
      wal.reset(height);
      this.run({ type: "start", height, validators }, out);
    }
    const pending = this.future.filter(
      (m) => (m.kind === "vote" ? m.vote.height : m.proposal.height) === height,
    );
    this.future = [];
    for (const m of pending) {
      try {
        out.push(...(m.kind === "vote" ? this.receiveVote(m.vote) : this.receiveProposal(m.proposal)));
      } catch (err) {
        if (!(err instanceof InvalidConsensusMessageError)) throw err;
      }
    }
    return out;
  }

  /** A proposal from the network. Throws InvalidConsensusMessageError for a bad signature or proposer. */
  receiveProposal(p: Proposal): RunnerOutput[] {
    this.lastVerified = false;
    const digest = (): Uint8Array => cachedDigest(this.opts.config.chainId, p, proposalDigest);
    if (this.deferIfFuture(p.height, p.proposer, digest, p.signature, { kind: "proposal", proposal: p }))
      return [];
    if (p.height !== this.state.height || this.state.step === "idle") return [];
    const val = this.state.byAddress.get(p.proposer);
    if (!val)
      throw new InvalidConsensusMessageError(
        `proposal from ${p.proposer}, not a validator at height ${p.height}`,
      );
    if (this.state.rounds.get(p.round)?.proposal) return []; // already have this round's proposal
    if (!this.opts.verifier.verify(digest(), p.signature, val))
      throw new InvalidConsensusMessageError("proposal signature is invalid");
    this.lastVerified = true;
    return this.input({ kind: "proposal", proposal: p }, { type: "proposal", proposal: p });
  }

  /** A vote from the network. Throws InvalidConsensusMessageError for a bad signature or voter. */
  receiveVote(v: Vote): RunnerOutput[] {
    this.lastVerified = false;
    const digest = (): Uint8Array => cachedDigest(this.opts.config.chainId, v, voteDigest);
    if (this.deferIfFuture(v.height, v.validator, digest, v.signature, { kind: "vote", vote: v })) return [];
    if (v.height !== this.state.height || this.state.step === "idle") return [];
    const val = this.state.byAddress.get(v.validator);
    if (!val)
      throw new InvalidConsensusMessageError(
        `vote from ${v.validator}, not a validator at height ${v.height}`,
      );
    if (hasVote(this.state, v)) return []; // duplicates from gossip: skip the signature check
    if (!this.opts.verifier.verify(digest(), v.signature, val))
      throw new InvalidConsensusMessageError("vote signature is invalid");
    this.lastVerified = true;
    if (v.round > this.state.round + this.opts.config.maxRoundsAhead) return []; // the machine would drop it
    return this.input({ kind: "vote", vote: v }, { type: "vote", vote: v });
  }

  /**
   * A commit certificate for the current height from a peer that is ahead (catch-up). Throws
   * InvalidConsensusMessageError unless it carries >2/3 of the power in valid precommits.
   */
  receiveCommitCertificate(cert: CommitCertificate): RunnerOutput[] {
    if (
      cert.height !== this.state.height ||
      this.state.step === "idle" ||
      this.state.step === "decided" ||
      this.state.externalCommit
    )
      return [];
    try {
      verifyCommitCertificate({
        chainId: this.opts.config.chainId,
        validators: this.state.validators!,
        height: cert.height,
        blockHash: cert.blockHash,
        certificate: cert,
        verifier: this.opts.verifier,
      });
    } catch (err) {
      if (err instanceof LightClientError) throw new InvalidConsensusMessageError(err.message);
      throw err;
    }
    return this.input(
      { kind: "certificate", certificate: cert },
      { type: "commit-certificate", certificate: cert },
    );
  }

  timeout(height: number, round: number, stepName: StepName): RunnerOutput[] {
    if (height !== this.state.height) return [];
    return this.input(
      { kind: "timeout", height, round, step: stepName },
      { type: "timeout", height, round, step: stepName },
    );
  }

  blockValidated(height: number, blockHash: Hex, valid: boolean): RunnerOutput[] {
    if (height !== this.state.height) return [];
    return this.input(
      { kind: "block-validated", height, blockHash, valid },
      { type: "block-validated", height, blockHash, valid },
    );
  }

  blockReady(height: number, round: number, blockHash: Hex): RunnerOutput[] {
    if (height !== this.state.height) return [];
    return this.input(
      { kind: "block-ready", height, round, blockHash },
      { type: "block-ready", height, round, blockHash },
    );
  }

  /** A height is running: started and not yet decided (late messages after a commit are dropped). */
  private inProgress(): boolean {
    return this.state.step !== "idle" && this.state.step !== "decided";
  }

  /**
   * Messages for a later height are not for the machine yet. Those for the next height are kept
   * for it when their signer is in the current set and the signature verifies with its current
   * key (the set changes only at epoch boundaries: a message from a validator joining there is
   * dropped and comes again with its retransmissions). Unverifiable ones are not kept, so
   * forgeries cannot crowd honest early messages out of the bounded queue.
   */
  private deferIfFuture(
    height: number,
    signer: Hex,
    digest: () => Uint8Array,
    signature: Uint8Array,
    m: Message,
  ): boolean {
    if (this.state.step === "idle" || height <= this.state.height) return false;
    if (height !== this.state.height + 1) return true;
    const val = this.state.byAddress.get(signer);
    if (!val || !this.opts.verifier.verify(digest(), signature, val)) return true;
    this.lastVerified = true;
    if (this.future.length < (this.opts.maxFutureMessages ?? 1024)) this.future.push(m);
    return true;
  }

  private input(entry: WalEntry, event: ConsensusEvent): RunnerOutput[] {
    if (!this.inProgress()) return [];
    // Logged before it is applied; made durable by the WAL sync of the next own message, before
    // that message is broadcast.
    this.opts.wal.append(entry);
    const out: RunnerOutput[] = [];
    this.run(event, out);
    return out;
  }

  private run(first: ConsensusEvent, out: RunnerOutput[]): void {
    const queue: ConsensusEvent[] = [first];
    for (let e = queue.shift(); e; e = queue.shift()) {
      const { state, actions } = step(this.state, e);
      this.state = state;
      for (const a of actions) {
        if (a.type === "sign-vote") {
          const signed = this.sign(
            a.vote.height,
            a.vote.round,
            Step[a.vote.type],
            voteDigest(this.opts.config.chainId, a.vote),
            out,
          );
          if (!signed) continue;
          const vote: Vote = { ...a.vote, signature: signed.signature };
          this.persistOwn({ kind: "own-vote", vote }, signed);
          out.push({ type: "broadcast-vote", vote });
          queue.push({ type: "vote", vote });
        } else if (a.type === "sign-proposal") {
          const signed = this.sign(
            a.proposal.height,
            a.proposal.round,
            Step.propose,
            proposalDigest(this.opts.config.chainId, a.proposal),
            out,
          );
          if (!signed) continue;
          const proposal: Proposal = { ...a.proposal, signature: signed.signature };
          this.persistOwn({ kind: "own-proposal", proposal }, signed);
          out.push({ type: "broadcast-proposal", proposal });
          queue.push({ type: "proposal", proposal });
        } else {
          out.push(a);
        }
      }
    }
  }

  /** The signature for this request, or null (and a sign-refused output) when the guard says no. */
  private sign(
    height: number,
    round: number,
    stepCode: number,
    digest: Uint8Array,
    out: RunnerOutput[],
  ): Signed | null {
    const refuse = (reason: string): null => {
      const stepName: StepName =
        stepCode === Step.propose ? "propose" : stepCode === Step.prevote ? "prevote" : "precommit";
      out.push({ type: "sign-refused", height, round, step: stepName, reason });
      return null;
    };
    const signer = this.opts.signer;
    if (!signer) return refuse("this node has no consensus key");
    const key = `${round}/${stepCode}`;
    const own = this.ownSigned.get(key);
    if (own) {
      if (!equalBytes(own.digest, digest))
        return refuse(`conflicting value at ${height}/${round}/${stepCode} in the WAL`);
      // Replayed from the WAL: a crash may have come between the WAL sync and the last-sign save.
      const state: LastSignState = { height, round, step: stepCode, digest, signature: own.signature };
      const stale = checkLastSign(this.last, height, round, stepCode, digest).kind === "sign";
      return { signature: own.signature, fromWal: true, lastSign: stale ? state : null };
    }
    const decision = checkLastSign(this.last, height, round, stepCode, digest);
    if (decision.kind === "refuse") return refuse(decision.reason);
    // Signing in memory is harmless: nothing leaves the node before persistOwn made the inputs,
    // the own message and the last-sign state durable.
    const signature = decision.kind === "reuse" ? decision.signature : signer.sign(digest);
    this.ownSigned.set(key, { digest, signature });
    return {
      signature,
      fromWal: false,
      lastSign: decision.kind === "sign" ? { height, round, step: stepCode, digest, signature } : null,
    };
  }

  /**
   * Make an own message durable before it is broadcast: the WAL entry (one sync covers it and
   * every input logged before it, which led to the signature), then the last-sign state.
   */
  private persistOwn(entry: WalEntry, signed: Signed): void {
    if (!signed.fromWal) {
      this.opts.wal.append(entry);
      this.opts.wal.sync();
    }
    if (signed.lastSign) {
      this.opts.lastSign.save(signed.lastSign);
      this.last = signed.lastSign;
    }
  }
}

function walEntryToEvent(e: WalEntry): ConsensusEvent {
  switch (e.kind) {
    case "proposal":
    case "own-proposal":
      return { type: "proposal", proposal: e.proposal };
    case "vote":
    case "own-vote":
      return { type: "vote", vote: e.vote };
    case "timeout":
      return { type: "timeout", height: e.height, round: e.round, step: e.step };
    case "block-validated":
      return { type: "block-validated", height: e.height, blockHash: e.blockHash, valid: e.valid };
    case "block-ready":
      return { type: "block-ready", height: e.height, round: e.round, blockHash: e.blockHash };
    case "certificate":
      return { type: "commit-certificate", certificate: e.certificate };
    case "height":
      throw new Error("height header inside WAL body");
  }
}
