// The network monitor's read side, for the /network page and GET /api/v1/network: the latest
// check (or a live probe when no monitor has run lately), open alerts, alert history and the
// sample series for the charts. Read-only: opening and resolving alerts is check.ts's job.
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import type { MonitorConfig } from "./config";
import { readMetrics } from "./check";
import { classifyNodes, type NodeStatus } from "./evaluate";
import { probeAll } from "./probe";

export interface NodeView {
  name: string;
  url: string;
  status: NodeStatus;
  height: number | null;
  lag: number | null;
  peers: number | null;
  syncing: boolean | null;
  responseMs: number | null;
  reasons: string[];
  error: string | null;
}

export interface AlertView {
  id: string;
  key: string;
  kind: string;
  severity: string;
  message: string;
  openedAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
}

export interface SamplePoint {
  at: string;
  height: number | null;
  healthyNodes: number;
  totalNodes: number;
  validators: number | null;
  blockTimeMs: number | null;
  txPerSec: number | null;
  /** Response time per node name (null when down). */
  responseMs: Record<string, number | null>;
}

export interface NetworkOverview {
  /** "monitor": the latest stored check; "live": probed now because no recent check exists. */
  source: "monitor" | "live";
  checkedAt: string;
  nodes: NodeView[];
  metrics: {
    height: number | null;
    validators: number | null;
    blockTimeMs: number | null;
    txPerSec: number | null;
  };
  openAlerts: AlertView[];
  history: AlertView[];
  samples: SamplePoint[];
  stallSeconds: number;
}

// The sample's `nodes` column is JSON written by check.ts; parsed, not trusted.
const nodeJson = z.object({
  name: z.string(),
  url: z.string(),
  status: z.enum(["healthy", "degraded", "down"]),
  height: z.number().nullable(),
  lag: z.number().nullable(),
  peers: z.number().nullable(),
  syncing: z.boolean().nullable(),
  responseMs: z.number().nullable(),
  reasons: z.array(z.string()),
  error: z.string().nullable(),
});
const nodesJson = z.array(nodeJson);

const alertView = (a: {
  id: bigint;
  key: string;
  kind: string;
  severity: string;
  message: string;
  openedAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
}): AlertView => ({
  id: a.id.toString(),
  key: a.key,
  kind: a.kind,
  severity: a.severity,
  message: a.message,
  openedAt: a.openedAt.toISOString(),
  lastSeenAt: a.lastSeenAt.toISOString(),
  resolvedAt: a.resolvedAt?.toISOString() ?? null,
});

export const HISTORY_LIMIT = 50;
export const SAMPLE_LIMIT = 360;

export async function getNetworkOverview(
  prisma: PrismaClient,
  config: MonitorConfig,
  nowMs = Date.now(),
): Promise<NetworkOverview> {
  const [newestFirst, openAlerts, history] = await Promise.all([
    prisma.monitorSample.findMany({ orderBy: { at: "desc" }, take: SAMPLE_LIMIT }),
    prisma.monitorAlert.findMany({ where: { resolvedAt: null }, orderBy: { openedAt: "desc" } }),
    prisma.monitorAlert.findMany({ orderBy: { openedAt: "desc" }, take: HISTORY_LIMIT }),
  ]);
  const rows = newestFirst.reverse();
  const samples: SamplePoint[] = rows.map((s) => {
    const nodes = nodesJson.safeParse(s.nodes);
    return {
      at: s.at.toISOString(),
      height: s.height === null ? null : Number(s.height),
      healthyNodes: s.healthyNodes,
      totalNodes: s.totalNodes,
      validators: s.validators,
      blockTimeMs: s.blockTimeMs,
      txPerSec: s.txPerSec,
      responseMs: Object.fromEntries((nodes.success ? nodes.data : []).map((n) => [n.name, n.responseMs])),
    };
  });
  const latest = rows.at(-1);
  // A check older than three intervals (or a minute) means no monitor runs: show the nodes as
  // they are now rather than as they were.
  const fresh =
    latest !== undefined && nowMs - latest.at.getTime() <= Math.max(3 * config.intervalMs, 60_000);
  const parsed = fresh ? nodesJson.safeParse(latest.nodes) : null;
  let nodes: NodeView[];
  let source: NetworkOverview["source"];
  let checkedAt: string;
  let metrics: NetworkOverview["metrics"];
  if (parsed?.success) {
    nodes = parsed.data;
    source = "monitor";
    checkedAt = latest!.at.toISOString();
    const heights = nodes.filter((n) => n.height !== null).map((n) => n.height!);
    metrics = {
      height: heights.length > 0 ? Math.max(...heights) : null,
      validators: latest!.validators,
      blockTimeMs: latest!.blockTimeMs,
      txPerSec: latest!.txPerSec,
    };
  } else {
    const health = classifyNodes(await probeAll(config.nodes, config.timeoutMs), config);
    metrics = await readMetrics(prisma, health, () => undefined);
    nodes = health.map(({ name, url, status, height, lag, peers, syncing, responseMs, reasons, error }) => ({
      name,
      url,
      status,
      height,
      lag,
      peers,
      syncing,
      responseMs,
      reasons,
      error,
    }));
    source = "live";
    checkedAt = new Date(nowMs).toISOString();
  }
  return {
    source,
    checkedAt,
    nodes,
    metrics: {
      height: metrics.height,
      validators: metrics.validators,
      blockTimeMs: metrics.blockTimeMs,
      txPerSec: metrics.txPerSec,
    },
    openAlerts: openAlerts.map(alertView),
    history: history.map(alertView),
    samples,
    stallSeconds: config.stallSeconds,
  };
}
