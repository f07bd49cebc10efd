// Deterministic discrete-event simulation of a validator network running the real runner
// (machine + WAL + last-sign guard) under a seeded adversary: message delays, drops, duplicates,
// reordering, partitions that heal at a "global stabilisation time" (GST), crashes with restart
// from a torn WAL, and Byzantine validators (equivocation, silence, invalid proposals).
// Everything random comes from one seeded PRNG, so a failing seed replays exactly.
import type { ConsensusSigner, ConsensusVerifier } from "./crypto.js";
import type { DuplicateVoteEvidence } from "./evidence.js";
import { verifyDuplicateVoteEvidence } from "./evidence.js";
import { MemoryLastSignStore } from "./last-sign.js";
import type { MachineConfig } from "./machine.js";
import { nextHeightValidatorSet } from "./proposer.js";
import type { RunnerOutput } from "./runner.js";
import { ConsensusRunner, InvalidConsensusMessageError } from "./runner.js";
import { KeySigner, nativeVerifier } from "./signer.js";
import type { CommitCertificate, Hex, Proposal, ValidatorSet, Vote } from "./types.js";
import {
  Step,
  bytesToHex,
  findValidator,
  isSupermajority,
  keccak256,
  makeValidatorSet,
  proposalDigest,
  voteDigest,
} from "./types.js";
import { ConsensusWal, MemoryWalStorage } from "./wal.js";
import { verifyCommitCertificate } from "../settlement/light-client.js";

// ---------------------------------------------------------------- seeded PRNG

/** mulberry32: tiny, fast, good enough to drive a simulation; not for keys. */
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }
}

// ---------------------------------------------------------------- cheap deterministic crypto

/**
 * A stand-in signature scheme for most runs: signature = digest XOR a per-validator secret. It
 * is unforgeable inside the simulation (no simulated node knows another's secret) and ~1000×
 * cheaper than secp256k1. A share of runs uses real keys end to end.
 */
class FakeCrypto implements ConsensusVerifier {
  /** Keyed by the pubKey object of the validator set (the sets share these objects). */
  private secrets = new Map<Uint8Array, Uint8Array>();
  register(pubKey: Uint8Array, secret: Uint8Array): ConsensusSigner {
    this.secrets.set(pubKey, secret);
    return { sign: (digest) => xorSig(digest, secret) };
  }
  verify(digest: Uint8Array, signature: Uint8Array, validator: { pubKey: Uint8Array }): boolean {
    const secret = this.secrets.get(validator.pubKey);
    if (!secret || signature.length !== 65) return false;
    const expect = xorSig(digest, secret);
    for (let i = 0; i < 65; i++) if (expect[i] !== signature[i]) return false;
    return true;
  }
}

function xorSig(digest: Uint8Array, secret: Uint8Array): Uint8Array {
  const out = new Uint8Array(65);
  for (let i = 0; i < 32; i++) out[i] = digest[i]! ^ secret[i]!;
  return out;
}

// ---------------------------------------------------------------- scenario

export type Behaviour = "honest" | "crash-restart" | "equivocate" | "silent" | "invalid-proposals";

export interface SimOptions {
  seed: number;
  /** Heights every honest node must commit. */
  heights?: number;
  /** Force real secp256k1 signatures (default: chosen by the seed, ~1 run in 32). */
  realSignatures?: boolean;
  /**
   * Break the BFT assumption on purpose: equivocators holding up to (not including) 1/2 of the
   * power. Agreement can then fail, which shows the checks are able to fail.
   */
  overpoweredAdversary?: boolean;
  /** Print every node's consensus state when progress fails. */
  debug?: boolean;
}

export interface SimReport {
  seed: number;
  validators: number;
  powers: number[];
  behaviours: Behaviour[];
  realSignatures: boolean;
  gst: number;
  violations: string[];
  /** Simulated milliseconds until every honest node committed `heights` heights. */
  finishedAt: number;
  events: number;
  maxRound: number;
  evidence: number;
  refusedSignatures: number;
  restarts: number;
}

type Msg =
  | { kind: "proposal"; proposal: Proposal }
  | { kind: "vote"; vote: Vote }
  | { kind: "certificate"; certificate: CommitCertificate }
  /** A peer's current height (CometBFT's NewRoundStep): peers ahead answer with a certificate. */
  | { kind: "status"; height: number };

interface SimNode {
  index: number;
  address: Hex;
  behaviour: Behaviour;
  signer: ConsensusSigner;
  alive: boolean;
  incarnation: number;
  walStorage: MemoryWalStorage;
  lastSign: MemoryLastSignStore;
  runner: ConsensusRunner | null;
  committed: Hex[];
  certificates: CommitCertificate[];
  crashesLeft: number;
}

type SimEvent =
  | { kind: "deliver"; to: number; from: number; msg: Msg }
  | {
      kind: "timeout";
      node: number;
      inc: number;
      height: number;
      round: number;
      step: "propose" | "prevote" | "precommit";
    }
  | { kind: "validated"; node: number; inc: number; height: number; hash: Hex }
  | { kind: "ready"; node: number; inc: number; height: number; round: number }
  | { kind: "gossip"; node: number }
  | { kind: "crash"; node: number }
  | { kind: "restart"; node: number };

class EventQueue {
  private heap: { t: number; seq: number; e: SimEvent }[] = [];
  private seq = 0;
  push(t: number, e: SimEvent): void {
    const h = this.heap;
    h.push({ t, seq: this.seq++, e });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }
  pop(): { t: number; e: SimEvent } | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}
const less = (a: { t: number; seq: number }, b: { t: number; seq: number }): boolean =>
  a.t < b.t || (a.t === b.t && a.seq < b.seq);

const CHAIN_ID = 7777n;
const MAX_SIM_TIME = 120_000;
const MAX_EVENTS = 400_000;

/** Run one seeded scenario and check the safety and liveness properties. */
export function runSimulation(opts: SimOptions): SimReport {
  const rng = new Prng(opts.seed);
  const K = opts.heights ?? 3;
  const n = rng.range(4, 7);
  const realSignatures = opts.realSignatures ?? rng.int(32) === 0;
  const powers = Array.from({ length: n }, () => rng.range(1, 10));
  const totalPower = powers.reduce((a, b) => a + b, 0);

  // Faulty validators (Byzantine or crashing) hold strictly less than 1/3 of the power.
  const behaviours: Behaviour[] = powers.map(() => "honest");
  let faultyPower = 0;
  for (const i of rng.shuffle([...powers.keys()])) {
    if (opts.overpoweredAdversary) {
      if ((faultyPower + powers[i]!) * 2 >= totalPower) continue;
      faultyPower += powers[i]!;
      behaviours[i] = "equivocate";
      continue;
    }
    if ((faultyPower + powers[i]!) * 3 >= totalPower || rng.chance(0.3)) continue;
    faultyPower += powers[i]!;
    behaviours[i] = (
      ["crash-restart", "crash-restart", "equivocate", "silent", "invalid-proposals"] as const
    )[rng.int(5)]!;
  }
  // Sometimes an honest validator crashes too, when it fits the budget (covered above), and
  // sometimes everyone honest is exercised under crash with no Byzantine at all.
  const gst = rng.range(500, 4000);
  const dropRate = rng.chance(0.5) ? rng.next() * 0.3 : 0;
  const dupRate = rng.next() * 0.1;
  const baseDelay = rng.range(1, 30);
  const jitter = rng.range(0, 150);
  const partition = rng.chance(0.4)
    ? { from: rng.range(0, gst / 2), to: gst, side: powers.map(() => rng.chance(0.5)) }
    : null;

  const fake = new FakeCrypto();
  // Real runs verify messages natively; certificates also go through the light client (noble).
  const verifier: ConsensusVerifier = realSignatures ? nativeVerifier : fake;
  const nodes: SimNode[] = [];
  const entries: { address: string; pubKey: Uint8Array; power: bigint }[] = [];
  for (let i = 0; i < n; i++) {
    const seedBytes = keccak256(new TextEncoder().encode(`sim/${opts.seed}/${i}`));
    let signer: ConsensusSigner;
    let pubKey: Uint8Array;
    if (realSignatures) {
      const ks = new KeySigner(seedBytes);
      signer = ks;
      pubKey = ks.pubKey;
    } else {
      pubKey = new Uint8Array(33);
      pubKey[0] = 2;
      pubKey.set(keccak256(seedBytes), 1);
      signer = fake.register(pubKey, seedBytes);
    }
    const address = bytesToHex(keccak256(pubKey).subarray(12));
    entries.push({ address, pubKey, power: BigInt(powers[i]!) });
    nodes.push({
      index: i,
      address,
      behaviour: behaviours[i]!,
      signer,
      alive: false,
      incarnation: 0,
      walStorage: new MemoryWalStorage(),
      lastSign: new MemoryLastSignStore(),
      runner: null,
      committed: [],
      certificates: [],
      crashesLeft: 2,
    });
  }
  const genesisSet = makeValidatorSet(entries);
  const sets: ValidatorSet[] = [genesisSet]; // sets[h - 1] = validator set of height h
  const setFor = (h: number): ValidatorSet => {
    while (sets.length < h) sets.push(nextHeightValidatorSet(sets[sets.length - 1]!));
    return sets[h - 1]!;
  };

  const config: MachineConfig = {
    chainId: CHAIN_ID,
    self: null,
    timeouts: {
      proposeBase: 300,
      proposeDelta: 100,
      prevoteBase: 200,
      prevoteDelta: 100,
      precommitBase: 200,
      precommitDelta: 100,
    },
    maxRoundsAhead: 50,
  };

  // Block oracle: what the node's execution layer would say about a block hash.
  const blocks = new Map<Hex, { height: number; valid: boolean }>();
  const queue = new EventQueue();
  let now = 0;
  let events = 0;
  let maxRound = 0;
  let evidenceCount = 0;
  let refused = 0;
  let restarts = 0;
  const violations: string[] = [];
  const honestSigned = new Map<string, string>(); // "addr/h/r/step" → digest hex
  const isHonest = (i: number): boolean =>
    nodes[i]!.behaviour === "honest" || nodes[i]!.behaviour === "crash-restart";
  const decided = new Map<number, Hex>();

  const violate = (msg: string): void => {
    if (violations.length < 20) violations.push(`t=${now}: ${msg}`);
  };

  // ------------------------------------------------------------ network

  const partitioned = (a: number, b: number): boolean =>
    partition !== null &&
    now >= partition.from &&
    now < partition.to &&
    partition.side[a] !== partition.side[b];

  const send = (from: number, to: number, msg: Msg): void => {
    if (from === to) return;
    if (now < gst && (partitioned(from, to) || rng.chance(dropRate))) return;
    const copies = rng.chance(dupRate) ? 2 : 1;
    for (let c = 0; c < copies; c++)
      queue.push(now + baseDelay + rng.int(jitter + 1), { kind: "deliver", to, from, msg });
  };
  const sendAll = (from: number, msg: Msg): void => {
    for (let j = 0; j < n; j++) send(from, j, msg);
  };

  // ------------------------------------------------------------ node execution

  const recordSigned = (node: SimNode, h: number, r: number, stepCode: number, value: string): void => {
    if (!isHonest(node.index)) return;
    const key = `${node.address}/${h}/${r}/${stepCode}`;
    const d = value;
    const prev = honestSigned.get(key);
    if (prev !== undefined && prev !== d)
      violate(`honest validator ${node.index} signed two values at ${h}/${r}/${stepCode}`);
    honestSigned.set(key, d);
  };

  const checkCertificate = (node: SimNode, cert: CommitCertificate): void => {
    const set = setFor(cert.height);
    if (realSignatures && node.index === 0) {
      try {
        verifyCommitCertificate({
          chainId: CHAIN_ID,
          validators: set,
          height: cert.height,
          blockHash: cert.blockHash,
          certificate: cert,
        });
      } catch (err) {
        violate(`node ${node.index} committed with a bad certificate: ${(err as Error).message}`);
      }
      return;
    }
    const seen = new Set<string>();
    let power = 0n;
    const digest = voteDigest(CHAIN_ID, {
      type: "precommit",
      height: cert.height,
      round: cert.round,
      blockHash: cert.blockHash,
    });
    for (const s of cert.signatures) {
      const v = findValidator(set, s.validator);
      if (!v || seen.has(s.validator))
        return violate(`certificate of height ${cert.height} has a foreign or repeated signer`);
      seen.add(s.validator);
      if (!verifier.verify(digest, s.signature, v))
        return violate(`certificate of height ${cert.height} has an invalid signature`);
      power += v.power;
    }
    if (!isSupermajority(power, set.totalPower))
      violate(`certificate of height ${cert.height} lacks 2/3 power`);
  };

  // Split-brain equivocation: per (height, round) the Byzantine node splits its peers into two
  // groups; as proposer it proposes block A to one and B to the other, and it votes for A to the
  // first group and for B (or, lacking a B, a value nobody proposed) to the second. With faulty
  // power at or above 1/3 this breaks agreement; below it, the checks must hold.
  const groups = new Map<string, boolean[]>();
  const altProposals = new Map<string, Hex>();
  const groupOf = (h: number, r: number): boolean[] => {
    const key = `${h}/${r}`;
    let g = groups.get(key);
    if (!g) {
      g = powers.map(() => rng.chance(0.5));
      groups.set(key, g);
    }
    return g;
  };
  const equivocate = (node: SimNode, msg: Extract<Msg, { kind: "vote" | "proposal" }>): void => {
    let alt: Msg;
    const h = msg.kind === "vote" ? msg.vote.height : msg.proposal.height;
    const r = msg.kind === "vote" ? msg.vote.round : msg.proposal.round;
    if (msg.kind === "vote") {
      const v = msg.vote;
      const other = altProposals.get(`${node.index}/${h}/${r}`);
      const blockHash: Hex | null =
        other !== undefined && other !== v.blockHash
          ? other
          : v.blockHash === null
            ? bytesToHex(keccak256(new TextEncoder().encode(`alt/${h}/${r}/${node.index}`)))
            : null;
      const unsigned = { ...v, blockHash };
      alt = {
        kind: "vote",
        vote: { ...unsigned, signature: node.signer.sign(voteDigest(CHAIN_ID, unsigned)) },
      };
    } else {
      const p = msg.proposal;
      const blockHash = bytesToHex(keccak256(new TextEncoder().encode(`altblock/${h}/${r}/${node.index}`)));
      blocks.set(blockHash, { height: h, valid: true });
      altProposals.set(`${node.index}/${h}/${r}`, blockHash);
      const unsigned = { ...p, blockHash, polRound: -1 };
      alt = {
        kind: "proposal",
        proposal: { ...unsigned, signature: node.signer.sign(proposalDigest(CHAIN_ID, unsigned)) },
      };
    }
    const g = groupOf(h, r);
    for (let j = 0; j < n; j++) send(node.index, j, g[j] ? msg : alt);
  };

  const exec = (node: SimNode, outputs: RunnerOutput[]): void => {
    for (const o of outputs) {
      if (!node.alive) return;
      switch (o.type) {
        case "broadcast-vote": {
          const v = o.vote;
          recordSigned(node, v.height, v.round, Step[v.type], String(v.blockHash));
          const msg = { kind: "vote" as const, vote: v };
          if (node.behaviour === "equivocate") equivocate(node, msg);
          else sendAll(node.index, msg);
          break;
        }
        case "broadcast-proposal": {
          const p = o.proposal;
          recordSigned(node, p.height, p.round, Step.propose, `${p.blockHash}/${p.polRound}`);
          if (p.round > maxRound) maxRound = p.round;
          const msg = { kind: "proposal" as const, proposal: p };
          if (node.behaviour === "equivocate") equivocate(node, msg);
          else sendAll(node.index, msg);
          break;
        }
        case "schedule-timeout":
          queue.push(now + o.durationMs, {
            kind: "timeout",
            node: node.index,
            inc: node.incarnation,
            height: o.height,
            round: o.round,
            step: o.step,
          });
          break;
        case "request-block":
          queue.push(now + rng.range(1, 20), {
            kind: "ready",
            node: node.index,
            inc: node.incarnation,
            height: o.height,
            round: o.round,
          });
          break;
        case "validate-block":
          queue.push(now + rng.range(1, 20), {
            kind: "validated",
            node: node.index,
            inc: node.incarnation,
            height: o.height,
            hash: o.blockHash,
          });
          break;
        case "commit": {
          checkCertificate(node, o.certificate);
          const b = blocks.get(o.blockHash);
          if (isHonest(node.index)) {
            if (!b || !b.valid || b.height !== o.height)
              violate(`node ${node.index} committed an invalid or unproposed block at height ${o.height}`);
            const d = decided.get(o.height);
            if (d !== undefined && d !== o.blockHash)
              violate(`agreement: two blocks committed at height ${o.height}`);
            decided.set(o.height, o.blockHash);
          }
          if (o.height !== node.committed.length + 1)
            violate(`node ${node.index} committed height ${o.height} out of order`);
          node.committed.push(o.blockHash);
          node.certificates.push(o.certificate);
          // Past the target a node only serves catch-up, which keeps runs short.
          if (o.height < K) exec(node, node.runner!.start(o.height + 1, setFor(o.height + 1)));
          return; // the outputs after a commit belong to the finished height
        }
        case "evidence": {
          evidenceCount++;
          checkEvidence(o.evidence);
          break;
        }
        case "sign-refused":
          refused++;
          break;
      }
    }
  };

  const checkEvidence = (ev: DuplicateVoteEvidence): void => {
    try {
      verifyDuplicateVoteEvidence(ev, setFor(ev.voteA.height), CHAIN_ID, verifier);
    } catch (err) {
      violate(`evidence does not verify: ${(err as Error).message}`);
    }
    const i = nodes.findIndex((x) => x.address === ev.voteA.validator);
    if (i >= 0 && isHonest(i)) violate(`evidence against honest validator ${i}`);
  };

  const boot = (node: SimNode): void => {
    node.alive = true;
    node.incarnation++;
    const wal = ConsensusWal.open(node.walStorage);
    node.runner = new ConsensusRunner({
      config: { ...config, self: node.address },
      signer: node.signer,
      verifier,
      wal,
      lastSign: node.lastSign,
    });
    const h = node.committed.length + 1;
    if (h <= K) exec(node, node.runner.start(h, setFor(h)));
  };

  const guarded = (node: SimNode, f: () => RunnerOutput[]): void => {
    try {
      exec(node, f());
    } catch (err) {
      if (err instanceof InvalidConsensusMessageError)
        violate(`node ${node.index} got an invalid message: ${err.message}`);
      else throw err;
    }
  };

  const deliver = (to: SimNode, from: number, msg: Msg): void => {
    const r = to.runner!;
    if (msg.kind === "certificate") return guarded(to, () => r.receiveCommitCertificate(msg.certificate));
    const h =
      msg.kind === "vote" ? msg.vote.height : msg.kind === "proposal" ? msg.proposal.height : msg.height;
    if (h <= to.committed.length) {
      // Catch-up: the sender is behind; hand it the certificate of that height (block sync).
      const cert = to.certificates[h - 1];
      if (cert) send(to.index, from, { kind: "certificate", certificate: cert });
      return;
    }
    if (msg.kind === "status") return;
    guarded(to, () => (msg.kind === "vote" ? r.receiveVote(msg.vote) : r.receiveProposal(msg.proposal)));
  };

  // ------------------------------------------------------------ scenario start

  for (const node of nodes) {
    if (node.behaviour === "silent") continue;
    boot(node);
    queue.push(rng.range(0, 400), { kind: "gossip", node: node.index });
    if (node.behaviour === "crash-restart")
      queue.push(rng.range(0, gst), { kind: "crash", node: node.index });
  }

  const honestDone = (): boolean => nodes.every((x) => !isHonest(x.index) || x.committed.length >= K);

  let ev: { t: number; e: SimEvent } | undefined;
  while (!honestDone() && (ev = queue.pop())) {
    now = ev.t;
    if (now > MAX_SIM_TIME || ++events > MAX_EVENTS) break;
    const e = ev.e;
    switch (e.kind) {
      case "deliver": {
        const to = nodes[e.to]!;
        if (to.alive) deliver(to, e.from, e.msg);
        break;
      }
      case "timeout": {
        const node = nodes[e.node]!;
        if (node.alive && node.incarnation === e.inc)
          guarded(node, () => node.runner!.timeout(e.height, e.round, e.step));
        break;
      }
      case "validated": {
        const node = nodes[e.node]!;
        if (!node.alive || node.incarnation !== e.inc) break;
        const b = blocks.get(e.hash);
        guarded(node, () =>
          node.runner!.blockValidated(e.height, e.hash, b !== undefined && b.valid && b.height === e.height),
        );
        break;
      }
      case "ready": {
        const node = nodes[e.node]!;
        if (!node.alive || node.incarnation !== e.inc) break;
        const hash = bytesToHex(
          keccak256(
            new TextEncoder().encode(`block/${e.height}/${e.round}/${node.index}/${node.incarnation}`),
          ),
        );
        blocks.set(hash, { height: e.height, valid: node.behaviour !== "invalid-proposals" });
        guarded(node, () => node.runner!.blockReady(e.height, e.round, hash));
        break;
      }
      case "gossip": {
        const node = nodes[e.node]!;
        if (node.alive) {
          // Honest gossip; an equivocator's conflicting copies went out when it signed.
          const { proposals, votes } = node.runner!.retransmitSet();
          for (const p of proposals) sendAll(node.index, { kind: "proposal", proposal: p });
          for (const v of votes) sendAll(node.index, { kind: "vote", vote: v });
          if (node.committed.length < K)
            sendAll(node.index, { kind: "status", height: node.committed.length + 1 });
        }
        queue.push(now + 500, { kind: "gossip", node: e.node });
        break;
      }
      case "crash": {
        const node = nodes[e.node]!;
        if (!node.alive) break;
        node.alive = false;
        node.runner = null;
        node.walStorage.crash(rng.int(node.walStorage.unsyncedLength + 1));
        // Now and then the disk loses the WAL altogether: only the last-sign guard is left
        // to keep the restarted validator from signing a conflicting vote.
        if (rng.chance(0.15)) node.walStorage.truncate(0);
        node.crashesLeft--;
        queue.push(now + rng.range(50, 800), { kind: "restart", node: e.node });
        break;
      }
      case "restart": {
        const node = nodes[e.node]!;
        restarts++;
        boot(node);
        if (node.crashesLeft > 0 && now < gst)
          queue.push(rng.range(now + 1, gst), { kind: "crash", node: e.node });
        break;
      }
    }
  }
  if (!honestDone()) {
    if (opts.debug) {
      for (const x of nodes) {
        const st = (x.runner as unknown as { state: import("./machine.js").ConsensusState } | null)?.state;
        if (!st) continue;
        const rounds = [...st.rounds].map(
          ([r, rs]) =>
            `r${r}: prop=${rs.proposal?.blockHash.slice(0, 8)} pv=${[...rs.prevotes.byValue].map(([k, v]) => `${k.slice(0, 8) || "nil"}:${v}`).join("/")} pc=${[...rs.precommits.byValue].map(([k, v]) => `${k.slice(0, 8) || "nil"}:${v}`).join("/")}`,
        );
        console.log(
          `node ${x.index} ${x.behaviour} h=${st.height} r=${st.round} step=${st.step} locked=${st.lockedValue?.slice(0, 8)}@${st.lockedRound} valid=${st.validValue?.slice(0, 8)}@${st.validRound} validity=${[...st.validity].map(([k, v]) => k.slice(0, 8) + ":" + v).join(",")}`,
        );
        for (const l of rounds) console.log("   " + l);
      }
    }
    const heights = nodes.map((x) => (isHonest(x.index) ? x.committed.length : "-")).join(",");
    violate(
      `progress: honest nodes did not all commit ${K} heights (committed: ${heights}; rounds up to ${maxRound}, events ${events})`,
    );
  }
  return {
    seed: opts.seed,
    validators: n,
    powers,
    behaviours,
    realSignatures,
    gst,
    violations,
    finishedAt: now,
    events,
    maxRound,
    evidence: evidenceCount,
    refusedSignatures: refused,
    restarts,
  };
}
