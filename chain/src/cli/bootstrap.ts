// `tensorchain start --bootstrap`: a node that only helps others find peers. It runs the network
// module in bootstrap mode (peer registry with last-seen times, stale peers dropped, peer lists
// for newcomers without the asker, persisted in the data dir) and serves its statistics as JSON
// (`GET /stats`, `GET /peers`) beside Prometheus metrics.
import path from "node:path";
import { NodeMetrics, startMetricsServer } from "../metrics/node-metrics.js";
import type { MetricsServer } from "../metrics/node-metrics.js";
import { createNetwork } from "../network/p2p.js";
import type { Network, NetworkStats } from "../network/p2p.js";

export interface BootstrapNodeOptions {
  name?: string;
  chainId: number | string;
  /** The node's data dir; the p2p identity and the registry live in `<dataDir>/p2p`. */
  dataDir: string;
  host: string;
  port: number;
  announce?: string[];
  /** Other bootstrap nodes to keep a connection with. */
  bootstrapPeers?: string[];
  /** A registry entry not seen for this long is dropped (default 24 h). */
  peerTtlMs?: number;
  /** Prometheus `/metrics` plus `/stats` and `/peers`. */
  metrics?: { host: string; port: number };
  /** The same JSON statistics on the node's RPC address (`start --rpc-port`). */
  http?: { host: string; port: number };
}

export interface BootstrapStats extends NetworkStats {
  peerId: string;
  multiaddrs: string[];
  uptimeSeconds: number;
}

export interface BootstrapPeerInfo {
  peerId: string;
  addrs: string[];
  /** ISO time the peer was last seen (connected or asked for peers). */
  lastSeen: string;
}

export interface RunningBootstrapNode {
  network: Network;
  metricsUrl?: string;
  /** Base URL of the JSON statistics (`<url>/stats`, `<url>/peers`). */
  statsUrl?: string;
  stats(): BootstrapStats;
  peers(): BootstrapPeerInfo[];
  stop(): Promise<void>;
}

const DEFAULT_TTL_MS = 24 * 60 * 60_000;

export async function startBootstrapNode(o: BootstrapNodeOptions): Promise<RunningBootstrapNode> {
  const ttlMs = o.peerTtlMs ?? DEFAULT_TTL_MS;
  const startedAt = Date.now();
  const network = await createNetwork({
    chainId: o.chainId,
    dataDir: path.join(o.dataDir, "p2p"),
    host: o.host,
    port: o.port,
    announce: o.announce ?? [],
    bootstrapPeers: o.bootstrapPeers ?? [],
    bootstrap: true,
    // Every validator and full node connects here: allow a burst of (re)connections.
    inboundConnectionThreshold: 100,
    maxConnections: 500,
    // Sweep (drop stale, persist) often enough that a short TTL means something.
    registry: { ttlMs, persistIntervalMs: Math.max(250, Math.min(10_000, Math.floor(ttlMs / 2))) },
  });
  const stats = (): BootstrapStats => ({
    peerId: network.peerId,
    multiaddrs: network.multiaddrs(),
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    ...network.stats(),
  });
  const peers = (): BootstrapPeerInfo[] =>
    network.knownPeers().map((e) => ({
      peerId: e.peerId,
      addrs: e.addrs,
      lastSeen: new Date(e.lastSeen).toISOString(),
    }));
  const servers: MetricsServer[] = [];
  const metrics = new NodeMetrics({ labels: { node: o.name ?? "bootstrap", chain_id: String(o.chainId) } });
  const sample = (): void => {
    const s = network.stats();
    metrics.onPeers(s.connectedPeers);
    metrics.onBootstrapStats(network.knownPeers().length, s.requestsServed);
  };
  const json = { "/stats": stats, "/peers": peers };
  try {
    if (o.metrics)
      servers.push(await startMetricsServer(metrics, { ...o.metrics, json, beforeScrape: sample }));
    if (o.http) servers.push(await startMetricsServer(metrics, { ...o.http, json, beforeScrape: sample }));
  } catch (e) {
    await Promise.all(servers.map((s) => s.close()));
    await network.stop();
    throw e;
  }
  const base = (s: MetricsServer | undefined) => s?.url.replace(/\/metrics$/, "");
  let stopping: Promise<void> | undefined;
  return {
    network,
    metricsUrl: o.metrics ? servers[0]?.url : undefined,
    statsUrl: base(o.http ? servers[servers.length - 1] : servers[0]),
    stats,
    peers,
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all(servers.map((s) => s.close()));
        // Stopping the network sweeps and persists the registry.
        await network.stop();
      })()),
  };
}
