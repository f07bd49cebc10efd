// The network monitor's settings. lib/config.ts owns the app-wide ones (CHAIN_RPC_URL is the
// default node to watch); the keys only the monitor reads are validated here, the same way.
//
//   MONITOR_NODES           comma-separated RPC URLs to watch, each optionally named:
//                           "validator-1=http://10.0.0.1:8545,http://10.0.0.2:8545"
//                           (default: the app's CHAIN_RPC_URL, named "primary")
//   MONITOR_INTERVAL_MS     pause between checks of the long-running loop (default 5000)
//   MONITOR_TIMEOUT_MS      per-RPC-call timeout of a probe (default 3000)
//   MONITOR_STALL_SECONDS   no new block for this long = "chain stalled" alert (default 30)
//   MONITOR_LAG_BLOCKS      a node this many blocks behind the best one is degraded (default 5)
//   MONITOR_SLOW_MS         a node answering slower than this is degraded (default 1500)
//   MONITOR_MIN_PEERS       a node with fewer peers is degraded (default 0: single-node devnet)
//   MONITOR_SLASH_WINDOW_SECONDS  a slashing event keeps its alert open this long (default 3600)
//   MONITOR_RETENTION_HOURS how long check samples are kept for the charts (default 168)
//   ALERT_WEBHOOK_URL       POST JSON here when an alert opens or resolves (optional)
//   ALERT_WEBHOOK_RETRIES   extra attempts after a failed webhook POST (default 3)
import { z } from "zod";
import { getConfig, type AppConfig } from "@/lib/config";

export class MonitorConfigError extends Error {
  override name = "MonitorConfigError";
}

export interface MonitoredNode {
  name: string;
  url: string;
}

export interface MonitorConfig {
  nodes: MonitoredNode[];
  intervalMs: number;
  timeoutMs: number;
  stallSeconds: number;
  lagBlocks: number;
  slowMs: number;
  minPeers: number;
  slashWindowSeconds: number;
  retentionHours: number;
  webhook: { url: string; retries: number } | null;
}

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const int = (min: number, max: number, def: number) =>
  z.preprocess(blank, z.coerce.number().int().min(min).max(max).default(def));
const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s):// URL" });
const NODE_NAME = /^[\w.-]{1,40}$/;

const envSchema = z.object({
  MONITOR_NODES: z.preprocess(blank, z.string().max(4096).optional()),
  MONITOR_INTERVAL_MS: int(250, 3_600_000, 5_000),
  MONITOR_TIMEOUT_MS: int(100, 60_000, 3_000),
  MONITOR_STALL_SECONDS: int(1, 86_400, 30),
  MONITOR_LAG_BLOCKS: int(1, 1_000_000, 5),
  MONITOR_SLOW_MS: int(1, 60_000, 1_500),
  MONITOR_MIN_PEERS: int(0, 1_000, 0),
  MONITOR_SLASH_WINDOW_SECONDS: int(1, 30 * 86_400, 3_600),
  MONITOR_RETENTION_HOURS: int(1, 24 * 90, 168),
  ALERT_WEBHOOK_URL: z.preprocess(blank, httpUrl.optional()),
  ALERT_WEBHOOK_RETRIES: int(0, 10, 3),
});

/** `name=url` or a bare URL (named node-<n>) per comma-separated entry. */
export function parseNodeList(raw: string): MonitoredNode[] {
  const nodes: MonitoredNode[] = [];
  const entries = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (entries.length === 0) throw new MonitorConfigError("MONITOR_NODES: lists no node");
  if (entries.length > 50) throw new MonitorConfigError("MONITOR_NODES: at most 50 nodes");
  entries.forEach((entry, i) => {
    const eq = entry.indexOf("=");
    const name = eq > 0 && !entry.slice(0, eq).includes("/") ? entry.slice(0, eq).trim() : `node-${i + 1}`;
    const url = eq > 0 && !entry.slice(0, eq).includes("/") ? entry.slice(eq + 1).trim() : entry;
    if (!NODE_NAME.test(name))
      throw new MonitorConfigError(`MONITOR_NODES: node name "${name}" must be 1-40 letters, digits, _ . -`);
    if (!httpUrl.safeParse(url).success)
      throw new MonitorConfigError(`MONITOR_NODES: "${url}" is not an http(s):// URL`);
    if (nodes.some((n) => n.name === name))
      throw new MonitorConfigError(`MONITOR_NODES: node name "${name}" is used twice`);
    nodes.push({ name, url });
  });
  return nodes;
}

export function parseMonitorConfig(app: AppConfig, env: Record<string, string | undefined>): MonitorConfig {
  const r = envSchema.safeParse(env);
  if (!r.success)
    throw new MonitorConfigError(r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const e = r.data;
  return {
    nodes:
      e.MONITOR_NODES === undefined
        ? [{ name: "primary", url: app.chain.rpcUrl }]
        : parseNodeList(e.MONITOR_NODES),
    intervalMs: e.MONITOR_INTERVAL_MS,
    timeoutMs: e.MONITOR_TIMEOUT_MS,
    stallSeconds: e.MONITOR_STALL_SECONDS,
    lagBlocks: e.MONITOR_LAG_BLOCKS,
    slowMs: e.MONITOR_SLOW_MS,
    minPeers: e.MONITOR_MIN_PEERS,
    slashWindowSeconds: e.MONITOR_SLASH_WINDOW_SECONDS,
    retentionHours: e.MONITOR_RETENTION_HOURS,
    webhook:
      e.ALERT_WEBHOOK_URL === undefined
        ? null
        : { url: e.ALERT_WEBHOOK_URL, retries: e.ALERT_WEBHOOK_RETRIES },
  };
}

let cached: MonitorConfig | undefined;
export function getMonitorConfig(): MonitorConfig {
  cached ??= parseMonitorConfig(getConfig(), process.env);
  return cached;
}
