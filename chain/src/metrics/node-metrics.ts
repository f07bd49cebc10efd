// Prometheus metrics of one node: chain progress (height, round, block time, finality latency,
// tx throughput), networking (peers, sync state), mempool, validator health (missed votes,
// slashing events) and the process itself (CPU, memory, event loop, handles: prom-client's
// default metrics). Each node owns one registry, so several nodes in one process (tests,
// simulations) never share or double-register series. The node calls the `on*` methods from
// its wiring; nothing here reads clocks for chain data or reaches into other modules.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class MetricsServerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MetricsServerError";
  }
}

/** Sync states a node reports; exactly one of them is 1 in `tensorchain_sync_state`. */
export const SYNC_STATES = ["synced", "syncing", "stalled"] as const;
export type SyncState = (typeof SYNC_STATES)[number];

/** Kinds of slashable offences (PROTOCOL.md): double signing and downtime. */
export type SlashReason = "double_sign" | "downtime";

export interface NodeMetricsOptions {
  /** Constant labels on every series (e.g. `{ node: "validator-0", chain_id: "5522766" }`). */
  labels?: Record<string, string>;
  /** Collect prom-client's process metrics (CPU, memory, GC, event loop). Default true. */
  processMetrics?: boolean;
  /** Metric name prefix. Default "tensorchain_". */
  prefix?: string;
}

// Block times span 50 ms dev chains to one-minute public ones; finality adds network rounds.
const BLOCK_TIME_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60];
const FINALITY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 120];

export class NodeMetrics {
  readonly registry = new Registry();
  private readonly height: Gauge;
  private readonly round: Gauge;
  private readonly peers: Gauge;
  private readonly mempoolTxs: Gauge;
  private readonly mempoolBytes: Gauge;
  private readonly txs: Counter;
  private readonly blocks: Counter;
  private readonly txsPerSecond: Gauge;
  private readonly blockTime: Histogram;
  private readonly finality: Histogram;
  private readonly missedVotes: Counter;
  private readonly slashes: Counter;
  private readonly syncState: Gauge;
  private readonly syncTarget: Gauge;
  private readonly lastBlockTimestamp: Gauge;
  private readonly peersKnown: Gauge;
  private readonly peerRequests: Gauge;

  constructor(opts: NodeMetricsOptions = {}) {
    const p = opts.prefix ?? "tensorchain_";
    if (opts.labels) this.registry.setDefaultLabels(opts.labels);
    const r = [this.registry];
    this.height = new Gauge({
      name: `${p}block_height`,
      help: "Height of the latest committed block",
      registers: r,
    });
    this.round = new Gauge({
      name: `${p}consensus_round`,
      help: "Current consensus round at the current height",
      registers: r,
    });
    this.peers = new Gauge({ name: `${p}peers`, help: "Connected p2p peers", registers: r });
    this.mempoolTxs = new Gauge({
      name: `${p}mempool_size`,
      help: "Transactions waiting in the mempool",
      registers: r,
    });
    this.mempoolBytes = new Gauge({
      name: `${p}mempool_bytes`,
      help: "Bytes of transactions in the mempool",
      registers: r,
    });
    this.txs = new Counter({
      name: `${p}transactions_total`,
      help: "Transactions included in committed blocks",
      registers: r,
    });
    this.blocks = new Counter({
      name: `${p}blocks_total`,
      help: "Blocks committed since the node started",
      registers: r,
    });
    this.txsPerSecond = new Gauge({
      name: `${p}transactions_per_second`,
      help: "Transactions per second of the latest committed block (tx count / block time)",
      registers: r,
    });
    this.blockTime = new Histogram({
      name: `${p}block_time_seconds`,
      help: "Time between consecutive committed blocks",
      buckets: BLOCK_TIME_BUCKETS,
      registers: r,
    });
    this.finality = new Histogram({
      name: `${p}finality_latency_seconds`,
      help: "Time from a block's proposal to its commit certificate",
      buckets: FINALITY_BUCKETS,
      registers: r,
    });
    this.missedVotes = new Counter({
      name: `${p}missed_votes_total`,
      help: "Heights whose commit certificate lacks a validator's precommit",
      labelNames: ["validator"],
      registers: r,
    });
    this.slashes = new Counter({
      name: `${p}slashing_events_total`,
      help: "Slashing events applied (double_sign, downtime)",
      labelNames: ["reason"],
      registers: r,
    });
    this.syncState = new Gauge({
      name: `${p}sync_state`,
      help: "1 for the node's current sync state, 0 for the others",
      labelNames: ["state"],
      registers: r,
    });
    this.syncTarget = new Gauge({
      name: `${p}sync_target_height`,
      help: "Highest block height known from peers",
      registers: r,
    });
    this.lastBlockTimestamp = new Gauge({
      name: `${p}last_block_timestamp_seconds`,
      help: "Timestamp (unix seconds) of the latest committed block header",
      registers: r,
    });
    this.peersKnown = new Gauge({
      name: `${p}bootstrap_known_peers`,
      help: "Peers in a bootstrap node's registry (seen within the TTL)",
      registers: r,
    });
    this.peerRequests = new Gauge({
      name: `${p}bootstrap_peer_requests`,
      help: "Peer-list requests a bootstrap node has answered since it started",
      registers: r,
    });
    // Known label values start at 0 so dashboards and alerts see the series before the first event.
    for (const reason of ["double_sign", "downtime"] satisfies SlashReason[]) this.slashes.inc({ reason }, 0);
    this.onSync("synced");
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: p });
  }

  /** A block was committed: its height, tx count, time since the previous block, and finality latency. */
  onBlockCommitted(
    height: number | bigint,
    txCount: number,
    blockTimeMs: number,
    finalityLatencyMs: number,
    timestampSec?: number,
  ): void {
    this.height.set(Number(height));
    this.blocks.inc();
    if (txCount > 0) this.txs.inc(txCount);
    if (blockTimeMs > 0) {
      this.blockTime.observe(blockTimeMs / 1000);
      this.txsPerSecond.set(txCount / (blockTimeMs / 1000));
    }
    if (finalityLatencyMs >= 0) this.finality.observe(finalityLatencyMs / 1000);
    if (timestampSec !== undefined) this.lastBlockTimestamp.set(timestampSec);
  }

  /** The head at start-up (not a commit: counters stay as they are). */
  onHead(height: number | bigint, timestampSec: number): void {
    this.height.set(Number(height));
    this.lastBlockTimestamp.set(timestampSec);
  }

  /** Finality latency measured by the consensus engine (start of the height → commit certificate). */
  onFinality(latencyMs: number): void {
    if (latencyMs >= 0) this.finality.observe(latencyMs / 1000);
  }

  onRound(round: number): void {
    this.round.set(round);
  }

  onPeers(count: number): void {
    this.peers.set(count);
  }

  onMempool(txCount: number, bytes?: number): void {
    this.mempoolTxs.set(txCount);
    if (bytes !== undefined) this.mempoolBytes.set(bytes);
  }

  /** `validator` is the hotkey address whose precommit is missing from a commit certificate. */
  onMissedVote(validator: string, count = 1): void {
    this.missedVotes.inc({ validator: validator.toLowerCase() }, count);
  }

  onSlash(reason: SlashReason): void {
    this.slashes.inc({ reason });
  }

  onSync(state: SyncState, targetHeight?: number | bigint): void {
    for (const s of SYNC_STATES) this.syncState.set({ state: s }, s === state ? 1 : 0);
    if (targetHeight !== undefined) this.syncTarget.set(Number(targetHeight));
  }

  /** Bootstrap node: registry size and peer-list requests answered so far. */
  onBootstrapStats(knownPeers: number, requestsServed: number): void {
    this.peersKnown.set(knownPeers);
    this.peerRequests.set(requestsServed);
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

export interface MetricsServer {
  /** `http://host:port/metrics` with the port actually bound (useful with port 0). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (and `GET /healthz`) for one NodeMetrics on its own port. `json` adds
 * read-only JSON routes (a bootstrap node's `/stats` and `/peers`).
 */
export async function startMetricsServer(
  metrics: NodeMetrics,
  opts: {
    port: number;
    host?: string;
    json?: Record<string, () => unknown>;
    /** Refreshes sampled gauges right before each scrape. */
    beforeScrape?: () => void;
  },
): Promise<MetricsServer> {
  const host = opts.host ?? "127.0.0.1";
  const server: Server = createServer((req, res) => {
    const url = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      return;
    }
    const json = opts.json?.[url!];
    if (json) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(json()) + "\n");
      return;
    }
    if (url !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics\n");
      return;
    }
    opts.beforeScrape?.();
    metrics.metrics().then(
      (text) =>
        res
          .writeHead(200, { "content-type": metrics.contentType })
          .end(req.method === "HEAD" ? undefined : text),
      (err: unknown) =>
        res.writeHead(500, { "content-type": "text/plain" }).end(`${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) =>
      reject(
        new MetricsServerError(`cannot serve metrics on ${host}:${opts.port}: ${err.message}`, {
          cause: err,
        }),
      ),
    );
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/metrics`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
