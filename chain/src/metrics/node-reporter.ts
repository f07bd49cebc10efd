// Feeds a NodeMetrics from a running node: commits (height, txs, block time, finality latency),
// the consensus driver's round and certificates (missed votes), the network (peers, sync state),
// the mempool and the protocol's slashing events. The node process wires it once at start-up;
// the returned function detaches it. Block time and finality are wall-clock measurements of this
// node (a metric, not chain data), so they are taken here and never enter consensus.
import type { ProtocolEvent } from "../protocol/state/store.js";
import type { NodeMetrics, SlashReason } from "./node-metrics.js";

/** The slice of the chain the reporter reads (chain/src/node/chain.ts). */
export interface ReportedChain {
  head: { header: { number: bigint; timestamp: bigint } };
  onCommit(
    cb: (c: { block: { header: { number: bigint; timestamp: bigint }; txs: unknown[] } }) => void,
  ): () => void;
}

/** What the BFT driver reports after each commit (driver.ts `onFinalized`). */
export interface FinalizedReport {
  certificate: { height: number; round: number; signatures: readonly { validator: string }[] };
  validators: { validators: readonly { address: string }[] };
  finalityMs?: number;
}

export interface NodeReporterSources {
  chain: ReportedChain;
  mempool: { size: number };
  /** Target block time: a node with no commit for max(10 s, 10 block times) reports "stalled". */
  blockTimeMs: number;
  /** The consensus driver's current round (multi-validator nodes). */
  round?: () => number;
  /** Connected peers and the heights they last reported (multi-validator nodes). */
  network?: { peers(): { status?: { height: number } }[] };
  /** How often to sample gauges (round, peers, mempool, sync). Default 1000 ms. */
  sampleMs?: number;
}

export interface NodeReporter {
  /** Driver hook: certificate of a committed height, for missed votes and finality latency. */
  onFinalized(info: FinalizedReport): void;
  /** Execution hook (ProtocolEndBlockOptions.onBlockEnd): protocol events of an executed block. */
  onBlockEnd(block: bigint, events: readonly ProtocolEvent[]): void;
  /** Refreshes the sampled gauges (round, peers, mempool, sync state) now. */
  sample(): void;
  stop(): void;
}

/** Blocks more than this far behind the best peer count as "syncing" rather than "synced". */
const SYNC_LAG_BLOCKS = 2;

export function reportNodeMetrics(m: NodeMetrics, s: NodeReporterSources): NodeReporter {
  const now = Date.now;
  let lastCommitAt = now();
  /** Slashing events by executed height: counted when that height commits (a proposal can be dropped). */
  const slashesByHeight = new Map<number, SlashReason[]>();
  const stalledAfterMs = Math.max(10_000, 10 * s.blockTimeMs);

  m.onHead(s.chain.head.header.number, Number(s.chain.head.header.timestamp));
  const unsubscribe = s.chain.onCommit(({ block }) => {
    const t = now();
    const height = Number(block.header.number);
    const blockTime = t - lastCommitAt;
    lastCommitAt = t;
    // A single-validator node finalizes what it produces: the header timestamp (seconds) bounds
    // the latency. Multi-validator nodes get the measured figure from the driver (onFinalized).
    const finality = s.round ? -1 : Math.max(0, t - Number(block.header.timestamp) * 1000);
    m.onBlockCommitted(height, block.txs.length, blockTime, finality, Number(block.header.timestamp));
    for (const reason of slashesByHeight.get(height) ?? []) m.onSlash(reason);
    for (const h of slashesByHeight.keys()) if (h <= height) slashesByHeight.delete(h);
  });

  const sample = (): void => {
    m.onMempool(s.mempool.size);
    if (s.round) m.onRound(s.round());
    const head = Number(s.chain.head.header.number);
    let best = head;
    if (s.network) {
      const peers = s.network.peers();
      m.onPeers(peers.length);
      for (const p of peers) if (p.status && p.status.height > best) best = p.status.height;
    }
    const state =
      best - head > SYNC_LAG_BLOCKS
        ? "syncing"
        : now() - lastCommitAt > stalledAfterMs
          ? "stalled"
          : "synced";
    m.onSync(state, best);
  };
  sample();
  const timer = setInterval(sample, s.sampleMs ?? 1000);
  timer.unref();

  return {
    sample,
    onFinalized(info) {
      const signed = new Set(info.certificate.signatures.map((x) => x.validator.toLowerCase()));
      for (const v of info.validators.validators)
        if (!signed.has(v.address.toLowerCase())) m.onMissedVote(v.address);
      m.onRound(info.certificate.round);
      if (info.finalityMs !== undefined) m.onFinality(info.finalityMs);
    },
    onBlockEnd(block, events) {
      const reasons: SlashReason[] = [];
      for (const e of events) {
        if (e.eventName !== "ValidatorSlashed") continue;
        reasons.push(Number((e.args as { reason?: unknown }).reason) === 0 ? "double_sign" : "downtime");
      }
      if (reasons.length > 0) slashesByHeight.set(Number(block), reasons);
    },
    stop() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
