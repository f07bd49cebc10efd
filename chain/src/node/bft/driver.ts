// The BFT driver of a multi-validator node: it embeds the consensus runner (chain/src/consensus)
// and connects it to the node's chain and mempool and to the libp2p network.
//
//   gossip in  → runner.receiveProposal/receiveVote → outputs
//   outputs    → broadcast (gossip out), timers, block building (Chain.executeCandidate on the
//                mempool, capped by a CPU-time budget), block validation (Chain.applyBlock:
//                deterministic re-execution compared by hash, so every root must match; senders
//                the mempool already recovered are reused), commit (certificate, then block,
//                atomically each; then the next height after the block-time pause). A proposer
//                never re-executes its own block, and a validated block is committed as executed.
//   sync       → a node that is a full height behind fetches blocks + certificates from the best
//                peer, verifies each certificate against that height's validator set, re-executes
//                and commits, then restarts consensus at the new head.
//
// Every event runs on one serial queue: the runner is a synchronous state machine and the
// executor holds one candidate at a time, so no two chain operations ever interleave.
//
// Header conventions (the header layout is Ethereum's, so they live in existing fields):
// coinbase = the proposer's hotkey (its validator address); extraData = the commit certificate of
// the previous height (empty at height 1), checked by every validator, so the chain itself
// carries the finality proof of each block's parent, followed by the double-sign evidence the
// proposer includes (consensus/header-extra.ts). Executing the block applies both: evidence
// slashes, the certificate feeds downtime accounting (protocol/state/faults.ts). Precommits for
// the committed height that arrive after the decision are added to its stored certificate, so
// the next proposal's certificate credits every validator that signed in time.
import { bytesToHex as utilBytesToHex, hexToBytes as utilHexToBytes } from "@ethereumjs/util";
import type { Block } from "../../execution/block.js";
import { encodeBlock } from "../../execution/block.js";
import { InvalidBlockError } from "../../execution/executor.js";
import { prepareTxAsync } from "../../execution/tx.js";
import { keccak256 } from "../../crypto/secp256k1.js";
import { FileLastSignStore } from "../../consensus/last-sign.js";
import { DEFAULT_TIMEOUTS } from "../../consensus/machine.js";
import type { TimeoutParams } from "../../consensus/machine.js";
import { ConsensusRunner, InvalidConsensusMessageError } from "../../consensus/runner.js";
import type { RunnerOutput } from "../../consensus/runner.js";
import { KeySigner, nativeVerifier } from "../../consensus/signer.js";
import { bytesToHex, findValidator, hexToBytes, voteDigest } from "../../consensus/types.js";
import type { CommitCertificate, Hex, ValidatorSet, Vote } from "../../consensus/types.js";
import { ConsensusWal, FileWalStorage } from "../../consensus/wal.js";
import { decodeEvidence, encodeEvidence, verifyDuplicateVoteEvidence } from "../../consensus/evidence.js";
import {
  MAX_EVIDENCE_PER_BLOCK,
  decodeHeaderExtra,
  encodeHeaderExtra,
} from "../../consensus/header-extra.js";
import { includableEvidence } from "../../protocol/state/faults.js";
import { readOnlyProtocolStore } from "../../protocol/state/hook.js";
import type { DuplicateVoteEvidence } from "../../consensus/evidence.js";
import { LightClientError, verifyCommitCertificate } from "../../settlement/light-client.js";
import type { Genesis } from "../../genesis/schema.js";
import type { ValidatorKeys } from "../../genesis/keys.js";
import type { Mempool } from "../../mempool/mempool.js";
import type { Network, ValidationResult } from "../../network/p2p.js";
import type { Chain, ExecutedCandidate, KnownTxLookup } from "../chain.js";
import {
  BftPayloadError,
  decodeFinalizedBlock,
  decodeProposalMessage,
  decodeTxBatch,
  decodeVoteMessage,
  encodeVoteMessage,
  encodeFinalizedBlock,
  encodeProposalMessage,
  encodeTxBatch,
} from "./codec.js";
import { CertificateStore, PendingBlocks } from "./stores.js";
import { nextValidatorSet, validatorSetsAtHead } from "./validator-set.js";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { decodeBlock } from "../../execution/block.js";

export interface BftLogger {
  info(msg: string): void;
  error(msg: string): void;
}

export interface BftDriverOptions {
  chain: Chain;
  mempool: Mempool;
  network: Network;
  genesis: Genesis;
  /** Directory for the WAL, last-sign state, certificates and pending blocks. */
  dataDir: string;
  /** This node's keys; absent for a node that follows (syncs and relays) without voting. */
  validator?: ValidatorKeys;
  timeouts?: TimeoutParams;
  /** Pause between a commit and the next height (Tendermint's timeout_commit); default: genesis block time. */
  blockTimeMs?: number;
  /**
   * Most transactions a proposed block holds. Below that, the proposer also keeps its block to
   * what it executes in a third of the base propose timeout or two block times, whichever is
   * less (estimated from an average of the CPU ms per transaction of recent blocks, built or
   * re-executed; never below 100 transactions), so a round's block is built, sent and
   * re-executed within the round's timeouts, and a backlog is spread over several blocks
   * instead of one huge block that times rounds out. Default 10,000.
   */
  maxBlockTxs?: number;
  /** TEST ONLY: sign a conflicting nil prevote beside every prevote (exercises evidence gossip). */
  testDoubleSign?: boolean;
  log: BftLogger;
  /** Called after each block is committed (metrics): its certificate, the height's set, how it got here. */
  onFinalized?: (info: FinalizedInfo) => void;
}

export interface FinalizedInfo {
  certificate: CommitCertificate;
  /** Validator set of the certificate's height. */
  validators: ValidatorSet;
  /** ms from the start of the height to its commit; undefined for blocks taken from sync. */
  finalityMs?: number;
}

/** Largest tx gossip batch, below the topic's 128 KiB limit. */
const TX_BATCH_BYTES = 96 * 1024;
/**
 * Transactions admitted over RPC are gossiped this long after the first of a batch. Each gossip
 * message costs every node its framing, encryption, syscalls, message id and IDONTWANTs whatever
 * its size: at 10 ms a node under load sent batches of 2–3 transactions.
 */
const TX_FLUSH_MS = 50;
const SYNC_INTERVAL_MS = 1000;
const SYNC_BATCH = 32;
/** Rounds of asking for the best head and fetching up to it, in one sync. */
const SYNC_PASSES = 4;
const MAX_EVIDENCE = 1000;
/** Re-send this height's own messages when no progress was made for this long (doubling after each). */
const RETRANSMIT_MS = 1000;
const RETRANSMIT_MAX_MS = 4000;
const DEFAULT_MAX_BLOCK_TXS = 10_000;
/** Blocks smaller than this do not update the execution-cost estimate (fixed costs dominate). */
const MIN_TIMED_BLOCK_TXS = 20;
/** The time budget never cuts a block below this many transactions. */
const MIN_BLOCK_TXS = 100;
/** Initial estimate of block execution cost per transaction (ms), before any block was timed. */
const INITIAL_MS_PER_TX = 0.5;

export class BftDriver {
  private readonly runner: ConsensusRunner;
  private readonly wal: ConsensusWal;
  private readonly pending: PendingBlocks;
  private readonly chainId: bigint;
  private readonly self: Hex | null;
  private readonly rawSigner: KeySigner | null;
  private readonly blockTimeMs: number;
  /** Validator set (with proposer priorities) of the runner's height, and of the one before. */
  private set: ValidatorSet;
  private prevSet: ValidatorSet | null = null;
  /** Blocks of the current (and next) height's proposals, by hash. */
  private blocks = new Map<Hex, { block: Block; bytes: Uint8Array; proposer: Hex | null }>();
  /** The one executed candidate the executor holds. */
  private candidate: { hash: Hex; c: ExecutedCandidate } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private timers = new Set<NodeJS.Timeout>();
  private txOut: Uint8Array[] = [];
  private txOutBytes = 0;
  private txFlush: NodeJS.Timeout | undefined;
  private fromGossip = new Set<Hex>();
  private syncing = false;
  private heightStartedAt = Date.now();
  private startedHeight = 0;
  private lastProgress = 0;
  /** Retransmissions since the last progress (each waits twice as long as the one before). */
  private retransmits = 0;
  private busyDepth = 0;
  private idleWaiters: (() => void)[] = [];
  /** Moving average of block execution time per transaction (build or re-execute), ms. */
  private msPerTx = INITIAL_MS_PER_TX;
  private readonly timeouts: TimeoutParams;
  private readonly maxBlockTxs: number;
  private stopped = false;
  private unsubs: (() => void)[] = [];
  readonly evidence = new Map<string, DuplicateVoteEvidence>();
  /** Certificate of the last committed height, extended by late precommits. */
  private lastCert: CommitCertificate | null = null;

  private constructor(
    private readonly o: BftDriverOptions,
    private readonly certs: CertificateStore,
    set: ValidatorSet,
  ) {
    mkdirSync(o.dataDir, { recursive: true });
    this.chainId = BigInt(o.genesis.chainId);
    this.blockTimeMs = o.blockTimeMs ?? o.genesis.targetBlockTimeMs;
    this.timeouts = o.timeouts ?? DEFAULT_TIMEOUTS;
    this.maxBlockTxs = o.maxBlockTxs ?? DEFAULT_MAX_BLOCK_TXS;
    this.set = set;
    this.self = o.validator ? (o.validator.hotkey.address.toLowerCase() as Hex) : null;
    this.rawSigner = o.validator ? new KeySigner(hexToBytes(o.validator.consensus.privateKey)) : null;
    this.wal = ConsensusWal.open(new FileWalStorage(path.join(o.dataDir, "consensus.wal")));
    this.pending = new PendingBlocks(path.join(o.dataDir, "pending-blocks"));
    this.runner = new ConsensusRunner({
      config: {
        chainId: this.chainId,
        // The machine checks membership per height: a validator that joins at an epoch votes then.
        self: this.self,
        timeouts: this.timeouts,
        maxRoundsAhead: 10,
      },
      signer: this.rawSigner,
      verifier: nativeVerifier,
      wal: this.wal,
      lastSign: new FileLastSignStore(path.join(o.dataDir, "last-sign")),
    });
  }

  /**
   * Open the driver's stores and derive the validator set of the head's next height
   * (validator-set.ts: genesis, then the protocol's top validators at root-tempo epochs).
   */
  static async create(o: BftDriverOptions): Promise<BftDriver> {
    const { prev, next } = await validatorSetsAtHead(o.chain, o.genesis);
    const certs = await CertificateStore.open(path.join(o.dataDir, "certificates"));
    const d = new BftDriver(o, certs, next);
    d.prevSet = prev;
    return d;
  }

  get height(): number {
    return this.runner.height;
  }
  get round(): number {
    return this.runner.round;
  }
  get step(): string {
    return this.runner.step;
  }
  get validators(): ValidatorSet {
    return this.set;
  }

  /** Connected peers and gossip counters (tensorchain_netInfo). */
  netInfo(): { peers: number; votePeers: number; gossip: Record<string, number> } {
    const net = this.o.network;
    const st = net.stats();
    return { peers: st.connectedPeers, votePeers: net.topicPeers("votes").length, gossip: st.gossip };
  }

  getCertificate(height: number): Promise<CommitCertificate | undefined> {
    return this.certs.get(height);
  }

  /** Network hook: blocks from `from` with their certificates, as long as both are stored. */
  async serveBlocks(from: number, count: number): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (let h = from; h < from + count; h++) {
      const [block, cert] = await Promise.all([
        this.o.chain.store.getBlockByNumber(BigInt(h)),
        this.certs.get(h),
      ]);
      if (!block || !cert) break;
      out.push(encodeFinalizedBlock(block, cert));
    }
    return out;
  }

  status(): { height: number; headHash: string } {
    const head = this.o.chain.head;
    return { height: Number(head.header.number), headHash: utilBytesToHex(head.hash) };
  }

  /** Subscribe to gossip, replay the WAL of the current height and start consensus. */
  start(): void {
    const net = this.o.network;
    this.unsubs.push(
      net.subscribe("proposals", (data, info) => this.onProposal(data, info.from)),
      net.subscribe("votes", (data) => this.onVote(data)),
      net.subscribe("evidence", (data) => this.onEvidence(data)),
      net.subscribe("txs", (data) => this.onTxs(data)),
      this.o.mempool.onAdded((hash) => this.onMempoolAdded(hash)),
    );
    void this.enqueue(async () => {
      await this.startHeight(Number(this.o.chain.head.header.number) + 1);
    });
    // Asking every peer for its head costs a stream per peer: only while this height is stalled
    // (a node further behind also hears proposals of later heights, which start a sync at once).
    const syncTimer = setInterval(() => {
      if (this.stalled()) void this.maybeSync();
    }, SYNC_INTERVAL_MS);
    this.timers.add(syncTimer);
    const retransmit = setInterval(() => void this.enqueue(() => this.retransmit()), RETRANSMIT_MS);
    this.timers.add(retransmit);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const u of this.unsubs) u();
    for (const t of this.timers) clearTimeout(t);
    if (this.txFlush) clearTimeout(this.txFlush);
    await this.queue.catch(() => undefined);
    if (this.candidate) await this.o.chain.discardBlock(this.candidate.c).catch(() => undefined);
    this.wal.close();
    await this.certs.close();
  }

  // ------------------------------------------------------------------ queue

  private enqueue<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(() => (this.stopped ? (undefined as T) : fn()));
    this.queue = run.catch((e: unknown) => {
      this.o.log.error(`bft: ${(e as Error).stack ?? String(e)}`);
    });
    return run;
  }

  private async startHeight(height: number): Promise<void> {
    // A delayed start can race with sync having moved the head further: only ever go forward.
    if (height !== Number(this.o.chain.head.header.number) + 1 || height <= this.startedHeight) return;
    this.startedHeight = height;
    this.heightStartedAt = Date.now();
    // Blocks of proposals for this height saved before a restart (the WAL refers to them).
    for (const [hash, bytes] of this.pending.load(height)) {
      if (!this.blocks.has(hash)) {
        try {
          this.blocks.set(hash, { block: decodeBlock(bytes), bytes, proposer: null });
        } catch (e) {
          this.o.log.error(`bft: dropping unreadable pending block ${hash}: ${(e as Error).message}`);
        }
      }
    }
    await this.exec(this.runner.start(height, this.set));
  }

  // ------------------------------------------------------------------ gossip in

  private async onProposal(data: Uint8Array, from: string): Promise<ValidationResult> {
    let msg;
    try {
      // A retransmitted or relayed proposal of a block already held is not decoded again.
      msg = decodeProposalMessage(data, (hash) => this.blocks.get(hash as Hex));
    } catch (e) {
      if (e instanceof BftPayloadError) return "reject";
      throw e;
    }
    return this.enqueue(async () => {
      const h = msg.proposal.height;
      if (h < this.runner.height || h > this.runner.height + 1) {
        if (h > this.runner.height + 1) void this.maybeSync(from);
        return "ignore";
      }
      let out;
      try {
        out = this.runner.receiveProposal(msg.proposal);
      } catch (e) {
        if (e instanceof InvalidConsensusMessageError) return "reject";
        throw e;
      }
      // Only a proposal whose signature was checked has its block kept (on disk for a restart's
      // WAL replay) and is relayed; one that could not be checked is neither.
      if (!this.runner.lastVerified) return "ignore";
      if (!this.blocks.has(msg.proposal.blockHash)) {
        this.pending.save(h, msg.proposal.blockHash, msg.blockBytes);
        this.blocks.set(msg.proposal.blockHash, {
          block: msg.block,
          bytes: msg.blockBytes,
          proposer: msg.proposal.proposer,
        });
      } else {
        const e = this.blocks.get(msg.proposal.blockHash)!;
        e.proposer ??= msg.proposal.proposer;
      }
      await this.exec(out);
      if (h === this.runner.height + 1) await this.catchUpWith(msg.block, from);
      return "accept";
    });
  }

  /**
   * A checked proposal of the next height carries in its header the certificate of the height
   * this node is still deciding: the others have committed it. Commit with that certificate when
   * the block is held (Tendermint's catch-up through the last commit), else fetch it now from the
   * peer that relayed the proposal. Without this a node that fell behind (a restart, a pause)
   * stays a height or two behind the others for good, hearing each height only after it ended.
   */
  private async catchUpWith(next: Block, from: string): Promise<void> {
    const height = this.runner.height;
    if (Number(this.o.chain.head.header.number) >= height) return;
    let cert: CommitCertificate | null;
    try {
      cert = decodeHeaderExtra(next.header.extraData).certificate;
    } catch {
      return; // the proposal's block is judged (and refused) when its height is reached
    }
    if (!cert || cert.height !== height) return;
    try {
      verifyCommitCertificate({
        chainId: this.chainId,
        validators: this.set,
        height,
        blockHash: cert.blockHash,
        certificate: cert,
        verifier: nativeVerifier,
      });
    } catch (e) {
      if (!(e instanceof LightClientError)) throw e;
      return;
    }
    if (this.candidate?.hash === cert.blockHash || this.blocks.has(cert.blockHash)) {
      await this.busy(() => this.commit(cert));
    } else {
      void this.maybeSync(from, true);
    }
  }

  private async onVote(data: Uint8Array): Promise<ValidationResult> {
    let vote: Vote;
    try {
      vote = decodeVoteMessage(data);
    } catch {
      return "reject";
    }
    return this.enqueue(async () => {
      if (vote.height < this.runner.height - 1) return "ignore";
      if (vote.type === "precommit" && vote.height === this.lastCert?.height) return this.latePrecommit(vote);
      let out;
      try {
        out = this.runner.receiveVote(vote);
      } catch (e) {
        if (e instanceof InvalidConsensusMessageError) return "reject";
        throw e;
      }
      // Not relayed unless checked (see ConsensusRunner.lastVerified).
      if (!this.runner.lastVerified) return "ignore";
      await this.exec(out);
      return "accept";
    });
  }

  private async onEvidence(data: Uint8Array): Promise<ValidationResult> {
    let ev: DuplicateVoteEvidence;
    try {
      ev = decodeEvidence(data);
    } catch {
      return "reject";
    }
    const h = ev.voteA.height;
    const set = h === this.runner.height ? this.set : h === this.runner.height - 1 ? this.prevSet : null;
    if (!set) return "ignore"; // too old or too new to check against a set we hold
    try {
      verifyDuplicateVoteEvidence(ev, set, this.chainId, nativeVerifier);
    } catch {
      return "reject";
    }
    this.addEvidence(ev);
    return "accept";
  }

  private async onTxs(data: Uint8Array): Promise<ValidationResult> {
    let raws: Uint8Array[];
    try {
      raws = decodeTxBatch(data);
    } catch {
      return "reject";
    }
    await this.idle();
    await Promise.all(
      raws.map(async (raw) => {
        // The hash first (the hash of the bytes, as prepareTx computes it): a tx this pool holds
        // already costs no decoding and no signature recovery.
        const digest = keccak256(raw);
        const hash = utilBytesToHex(digest) as Hex;
        if (this.o.mempool.has(hash)) return;
        try {
          const p = await prepareTxAsync(raw, this.o.chain.txCommon, this.o.chain.recoverPool, digest);
          if (this.o.mempool.has(hash)) return;
          this.fromGossip.add(hash);
          await this.o.mempool.add(p);
        } catch {
          // Already included, nonce too low, underpriced...: normal for gossip; the sender's own
          // node already answered the client.
          this.fromGossip.delete(hash);
        }
      }),
    );
    return "accept";
  }

  /** Gossip transactions that entered the mempool through this node's RPC, batched. */
  private onMempoolAdded(hash: Hex): void {
    if (this.fromGossip.delete(hash)) return;
    const tx = this.o.mempool.get(hash);
    if (!tx) return;
    const raw = tx.p.raw;
    if (this.txOutBytes + raw.length > TX_BATCH_BYTES) this.flushTxs();
    this.txOut.push(raw);
    this.txOutBytes += raw.length + 4;
    this.txFlush ??= setTimeout(() => this.flushTxs(), TX_FLUSH_MS);
  }

  private flushTxs(): void {
    if (this.txFlush) clearTimeout(this.txFlush);
    this.txFlush = undefined;
    if (this.txOut.length === 0) return;
    const batch = encodeTxBatch(this.txOut);
    this.txOut = [];
    this.txOutBytes = 0;
    this.publish("txs", batch);
  }

  private publish(kind: "txs" | "proposals" | "votes" | "evidence", data: Uint8Array): void {
    if (this.stopped) return;
    // No subscribed peer (alone, or peers still connecting) is not an error: votes and proposals
    // are retransmitted by the round timeouts, and a lagging peer syncs.
    this.o.network.publish(kind, data).catch(() => undefined);
  }

  private addEvidence(ev: DuplicateVoteEvidence): boolean {
    const key = utilBytesToHex(encodeEvidence(ev));
    if (this.evidence.has(key) || this.evidence.size >= MAX_EVIDENCE) return false;
    this.evidence.set(key, ev);
    this.o.log.info(
      `bft: double-sign evidence against ${ev.voteA.validator} at ${ev.voteA.height}/${ev.voteA.round} ${ev.voteA.type}`,
    );
    return true;
  }

  /** Pool evidence the block at `height` may carry (checked on the head's state); drops stale pieces. */
  private async evidenceForBlock(height: number): Promise<DuplicateVoteEvidence[]> {
    if (this.evidence.size === 0) return [];
    const head = this.o.chain.head;
    const store = readOnlyProtocolStore(
      this.o.chain.viewAt(head.header),
      this.o.genesis.protocol,
      head.header.number,
      head.header.timestamp,
    );
    const { include, stale } = await includableEvidence(
      store,
      this.evidence.values(),
      height,
      this.chainId,
      MAX_EVIDENCE_PER_BLOCK,
    );
    for (const ev of stale) this.evidence.delete(utilBytesToHex(encodeEvidence(ev)));
    return include;
  }

  /** Evidence is applied once: the committed block's pieces leave the pool. */
  private pruneIncludedEvidence(block: Block): void {
    if (this.evidence.size === 0) return;
    try {
      for (const ev of decodeHeaderExtra(block.header.extraData).evidence) {
        if (this.evidence.delete(utilBytesToHex(encodeEvidence(ev))))
          this.o.log.info(
            `bft: evidence against ${ev.voteA.validator} included in block ${block.header.number}`,
          );
      }
    } catch {
      // A committed block decodes (execution checked it); nothing to prune otherwise.
    }
  }

  /** A precommit for the committed block that missed the decision: add it to the stored certificate. */
  private async latePrecommit(vote: Vote): Promise<ValidationResult> {
    const cert = this.lastCert!;
    if (vote.round !== cert.round || vote.blockHash !== cert.blockHash) return "ignore";
    if (cert.signatures.some((s) => s.validator === vote.validator)) return "ignore";
    // finalize() moved the committed height's set to prevSet.
    const val = this.prevSet && findValidator(this.prevSet, vote.validator);
    if (!val) return "reject";
    if (!nativeVerifier.verify(voteDigest(this.chainId, vote), vote.signature, val)) return "reject";
    const signatures = [...cert.signatures, { validator: vote.validator, signature: vote.signature }].sort(
      (a, b) => (a.validator < b.validator ? -1 : 1),
    );
    const next = { ...cert, signatures };
    await this.certs.put(next);
    this.lastCert = next;
    return "accept";
  }

  /** Re-send the runner's retransmit set while the height has not progressed. */
  private retransmit(): void {
    const wait = Math.min(RETRANSMIT_MAX_MS, RETRANSMIT_MS * 2 ** this.retransmits);
    if (Date.now() - this.lastProgress < wait) return;
    this.retransmits++;
    this.lastProgress = Date.now();
    const { proposals, votes } = this.runner.retransmitSet();
    for (const p of proposals) {
      const b = this.blocks.get(p.blockHash);
      if (b) this.publish("proposals", encodeProposalMessage(p, b.bytes));
    }
    for (const v of votes) this.publish("votes", encodeVoteMessage(v));
  }

  // ------------------------------------------------------------------ runner outputs

  private async exec(outs: RunnerOutput[]): Promise<void> {
    if (outs.length > 0) {
      this.lastProgress = Date.now();
      this.retransmits = 0;
    }
    for (const a of outs) {
      if (this.stopped) return;
      switch (a.type) {
        case "broadcast-proposal": {
          const b = this.blocks.get(a.proposal.blockHash);
          if (!b) {
            this.o.log.error(`bft: no block ${a.proposal.blockHash} for own proposal`);
            break;
          }
          this.publish("proposals", encodeProposalMessage(a.proposal, b.bytes));
          break;
        }
        case "broadcast-vote":
          this.publish("votes", encodeVoteMessage(a.vote));
          if (this.o.testDoubleSign && a.vote.type === "prevote" && a.vote.blockHash !== null)
            this.doubleSign(a.vote);
          break;
        case "schedule-timeout": {
          const t = setTimeout(() => {
            this.timers.delete(t);
            void this.enqueue(() => this.exec(this.runner.timeout(a.height, a.round, a.step)));
          }, a.durationMs);
          this.timers.add(t);
          break;
        }
        case "request-block":
          await this.busy(() => this.buildBlock(a.height, a.round));
          break;
        case "validate-block":
          await this.exec(
            this.runner.blockValidated(
              a.height,
              a.blockHash,
              await this.busy(() => this.validate(a.blockHash)),
            ),
          );
          break;
        case "commit":
          await this.busy(() => this.commit(a.certificate));
          break;
        case "evidence":
          if (this.addEvidence(a.evidence)) this.publish("evidence", encodeEvidence(a.evidence));
          break;
        case "sign-refused":
          this.o.log.error(`bft: refused to sign ${a.height}/${a.round}/${a.step}: ${a.reason}`);
          break;
      }
    }
  }

  /** TEST ONLY (--test-double-sign): a conflicting nil prevote, signed around the guard. */
  private doubleSign(v: Vote): void {
    const conflicting = { ...v, blockHash: null };
    const signature = this.rawSigner!.sign(voteDigest(this.chainId, conflicting));
    this.publish("votes", encodeVoteMessage({ ...conflicting, signature }));
  }

  /** How many transactions the next proposed block may hold (see BftDriverOptions.maxBlockTxs). */
  private blockTxBudget(): number {
    const budgetMs = Math.min(this.timeouts.proposeBase / 3, 2 * this.blockTimeMs);
    return Math.min(this.maxBlockTxs, Math.max(MIN_BLOCK_TXS, Math.floor(budgetMs / this.msPerTx)));
  }

  /**
   * Fold the CPU time of a block execution (since `started`) into the per-transaction estimate.
   * CPU time, not wall time: on a machine shared with other work, waiting for a core says nothing
   * about the block's size, and shrinking blocks for it only adds per-block overhead.
   */
  private timed(started: NodeJS.CpuUsage, txs: number): void {
    if (txs < MIN_TIMED_BLOCK_TXS) return;
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    this.msPerTx = 0.7 * this.msPerTx + (0.3 * ms) / txs;
  }

  /**
   * Run block building, validation or commit with gossiped transactions held back: admitting them
   * (decoding, signature recovery, mempool) would interleave with the block's execution at every
   * await and stretch the consensus-critical path on a busy machine.
   */
  private async busy<T>(fn: () => Promise<T>): Promise<T> {
    this.busyDepth++;
    try {
      return await fn();
    } finally {
      if (--this.busyDepth === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  private idle(): Promise<void> {
    return this.busyDepth === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  /** Transactions of the mempool (decoded, senders recovered on admission), for applyBlock. */
  private readonly knownTx: KnownTxLookup = (hash) => this.o.mempool.get(utilBytesToHex(hash) as Hex)?.p;

  private async dropCandidate(): Promise<void> {
    if (!this.candidate) return;
    const c = this.candidate.c;
    this.candidate = null;
    await this.o.chain.discardBlock(c);
  }

  private async buildBlock(height: number, round: number): Promise<void> {
    const { chain, mempool } = this.o;
    await this.dropCandidate();
    const env = chain.nextEnv(utilHexToBytes(this.self!), Date.now());
    if (height > 1) {
      const prev = await this.certs.get(height - 1);
      if (!prev) throw new Error(`no certificate stored for height ${height - 1}`);
      env.extraData = encodeHeaderExtra({ certificate: prev, evidence: await this.evidenceForBlock(height) });
    }
    const started = process.cpuUsage();
    const c = await chain.executeCandidate(env, mempool.select(env.gasLimit, this.blockTxBudget()), "build");
    this.timed(started, c.block.txs.length);
    const hash = bytesToHex(c.block.hash);
    const bytes = encodeBlock(c.block);
    this.candidate = { hash, c };
    this.blocks.set(hash, { block: c.block, bytes, proposer: this.self });
    this.pending.save(height, hash, bytes);
    await this.exec(this.runner.blockReady(height, round, hash));
  }

  /** Deterministic re-execution plus the BFT header rules; true when this node would vote for it. */
  private async validate(hash: Hex): Promise<boolean> {
    const entry = this.blocks.get(hash);
    if (!entry) return false; // not received: prevote nil (always safe)
    if (this.candidate?.hash === hash) return true;
    const { block, proposer } = entry;
    const h = Number(block.header.number);
    if (proposer !== null && utilBytesToHex(block.header.coinbase) !== proposer) {
      this.o.log.error(`bft: block ${h} ${hash}: coinbase is not the proposer`);
      return false;
    }
    if (!this.checkParentCertificate(block)) return false;
    await this.dropCandidate();
    try {
      const started = process.cpuUsage();
      const c = await this.o.chain.applyBlock(block, this.knownTx);
      this.timed(started, block.txs.length);
      this.candidate = { hash, c };
      return true;
    } catch (e) {
      if (!(e instanceof InvalidBlockError)) throw e;
      this.o.log.error(`bft: invalid block ${h} ${hash}: ${e.message}`);
      return false;
    }
  }

  /** extraData must carry a valid certificate of the parent (empty at height 1). */
  private checkParentCertificate(block: Block): boolean {
    const h = Number(block.header.number);
    const extra = block.header.extraData;
    if (h === 1) return extra.length === 0;
    if (!this.prevSet) return false;
    try {
      const cert = decodeHeaderExtra(extra).certificate;
      if (!cert) throw new Error("no certificate");
      verifyCommitCertificate({
        chainId: this.chainId,
        validators: this.prevSet,
        height: h - 1,
        blockHash: bytesToHex(block.header.parentHash),
        certificate: cert,
        verifier: nativeVerifier,
      });
      return true;
    } catch (e) {
      this.o.log.error(`bft: block ${h}: bad parent certificate in extraData: ${(e as Error).message}`);
      return false;
    }
  }

  private async commit(cert: CommitCertificate): Promise<void> {
    // Committed already (from the next height's certificate, or by sync).
    if (cert.height <= Number(this.o.chain.head.header.number)) return;
    let c: ExecutedCandidate;
    if (this.candidate?.hash === cert.blockHash) {
      c = this.candidate.c;
    } else {
      const entry = this.blocks.get(cert.blockHash);
      if (!entry) {
        // Decided without ever receiving the block: the peers that have it serve it with its
        // certificate; sync picks it up.
        this.o.log.error(`bft: height ${cert.height} decided on unknown block ${cert.blockHash}; syncing`);
        void this.maybeSync(undefined, true);
        return;
      }
      await this.dropCandidate();
      c = await this.o.chain.applyBlock(entry.block, this.knownTx);
    }
    this.candidate = null;
    await this.finalize(c, cert);
    const wait = Math.max(0, this.heightStartedAt + this.blockTimeMs - Date.now());
    // The pause lets transactions accumulate (one block per block time, like the single-validator
    // producer); messages for the next height arriving meanwhile are buffered by the runner.
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.enqueue(() => this.startHeight(cert.height + 1));
    }, wait);
    this.timers.add(t);
  }

  /** Store the certificate, commit the block, advance the validator set. */
  private async finalize(c: ExecutedCandidate, cert: CommitCertificate, synced = false): Promise<void> {
    await this.certs.put(cert);
    await this.o.chain.commitBlock(c);
    await this.o.mempool.onBlockCommitted(
      c.executed.txs,
      c.executed.rejected.map((r) => r.tx),
    );
    this.pending.prune(cert.height);
    this.o.onFinalized?.({
      certificate: cert,
      validators: this.set,
      finalityMs: synced ? undefined : Date.now() - this.heightStartedAt,
    });
    for (const [hash, b] of this.blocks)
      if (b.block.header.number <= BigInt(cert.height)) this.blocks.delete(hash);
    this.prevSet = this.set;
    this.set = await nextValidatorSet(this.o.chain, this.o.genesis, this.set, c.block);
    this.lastCert = cert;
    this.pruneIncludedEvidence(c.block);
  }

  // ------------------------------------------------------------------ catch-up sync

  /**
   * When the best peer has finalised the height this node is still working on (or more), fetch
   * the missing blocks with their certificates and apply them. A peer only one block ahead is
   * usually just faster; that case waits a few block times before syncing.
   */
  private stalled(): boolean {
    return Date.now() - this.heightStartedAt > 3 * this.blockTimeMs + 2000;
  }

  private async maybeSync(hint?: string, force = false): Promise<void> {
    if (this.syncing || this.stopped) return;
    this.syncing = true;
    try {
      // The others keep committing while this node syncs: ask again until a pass finds it level.
      for (let pass = 0; pass < SYNC_PASSES && !this.stopped; pass++) {
        const best = await this.o.network.bestPeer().catch(() => null);
        if (!best) return;
        const head = Number(this.o.chain.head.header.number);
        if (best.height <= head || (best.height === head + 1 && !this.stalled() && !force)) return;
        const peer = hint && hint === best.peerId ? hint : best.peerId;
        let from = head + 1;
        while (from <= best.height && !this.stopped) {
          const payloads = await this.o.network.requestBlocks(
            peer,
            from,
            Math.min(SYNC_BATCH, best.height - from + 1),
          );
          if (payloads.length === 0) return;
          const applied = await this.enqueue(() => this.applySynced(peer, payloads));
          if (applied === 0) return;
          from = Number(this.o.chain.head.header.number) + 1;
        }
      }
    } catch (e) {
      this.o.log.error(`bft: sync failed: ${(e as Error).message}`);
    } finally {
      this.syncing = false;
    }
  }

  /** Apply synced blocks that extend the head; restart consensus at the new height. Returns how many. */
  private async applySynced(peer: string, payloads: Uint8Array[]): Promise<number> {
    let applied = 0;
    for (const bytes of payloads) {
      const head = Number(this.o.chain.head.header.number);
      let fb;
      try {
        fb = decodeFinalizedBlock(bytes);
      } catch (e) {
        this.o.network.reportInvalid(peer, (e as Error).message);
        break;
      }
      const h = fb.certificate.height;
      if (h <= head) continue; // consensus committed it meanwhile
      if (h !== head + 1) break;
      try {
        verifyCommitCertificate({
          chainId: this.chainId,
          validators: this.set,
          height: h,
          blockHash: fb.certificate.blockHash,
          certificate: fb.certificate,
          verifier: nativeVerifier,
        });
      } catch (e) {
        if (!(e instanceof LightClientError)) throw e;
        this.o.network.reportInvalid(peer, `synced block ${h}: ${e.message}`);
        break;
      }
      await this.dropCandidate();
      let c: ExecutedCandidate;
      try {
        c = await this.o.chain.applyBlock(fb.block, this.knownTx);
      } catch (e) {
        if (!(e instanceof InvalidBlockError)) throw e;
        // A certified block that does not re-execute: the peer or this node is broken. Stop here.
        this.o.log.error(`bft: certified block ${h} fails re-execution: ${e.message}`);
        break;
      }
      await this.finalize(c, fb.certificate, true);
      applied++;
    }
    if (applied > 0) {
      this.o.log.info(`bft: synced to #${this.o.chain.head.header.number}`);
      await this.startHeight(Number(this.o.chain.head.header.number) + 1);
    }
    return applied;
  }
}
