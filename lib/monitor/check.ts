// One network-monitor check, shared by the long-running loop (lib/monitor/run.ts) and the cron
// route (app/api/cron/monitor/route.ts): probe every configured node, read the indexed
// validator/slashing state and the faucet sender's balance, decide which alerts are open
// (lib/monitor/evaluate.ts), persist the change (MonitorAlert) and a sample (MonitorSample),
// then notify the webhook of every alert opened or resolved.
import type { Prisma, PrismaClient } from "@prisma/client";
import { getStats } from "@/lib/api/explorer";
import type { MonitorConfig } from "./config";
import { classifyNodes, evaluateAlerts, type AlertInputs, type AlertSpec, type NodeHealth } from "./evaluate";
import { probeAll, rpcCall } from "./probe";
import { postWebhook, type AlertWebhookPayload, type WebhookDelivery } from "./webhook";

export interface MonitorDeps {
  prisma: PrismaClient;
  config: MonitorConfig;
  /** The faucet sender to watch; null when the faucet is disabled. */
  faucet: { address: string; minBalanceWei: bigint } | null;
  /** Base URL of the app, for links in webhook payloads. */
  appUrl?: string | null;
  now?: () => number;
  log?: (line: string) => void;
  /** First webhook retry backoff in ms (tests shorten it). */
  webhookBackoffMs?: number;
}

export interface NetworkMetrics {
  /** Best height among reachable nodes. */
  height: number | null;
  /** Active validators in the indexed set. */
  validators: number | null;
  subnets: number | null;
  /** Mean block time and throughput over the latest indexed blocks. */
  blockTimeMs: number | null;
  txPerSec: number | null;
  indexedHead: number | null;
}

export type MonitorAlertRow = Prisma.MonitorAlertGetPayload<object>;

export interface CheckResult {
  at: Date;
  nodes: NodeHealth[];
  metrics: NetworkMetrics;
  opened: MonitorAlertRow[];
  resolved: MonitorAlertRow[];
  /** Open alerts after this check. */
  open: MonitorAlertRow[];
  webhooks: WebhookDelivery[];
}

/** Any constant distinct from other advisory-lock users (Prisma migrate uses 72707369). */
const MONITOR_LOCK_KEY = 84_726_001;

/** Reads that may fail (database down, table empty): null means "could not tell". */
async function orNull<T>(p: Promise<T>, log: (l: string) => void, what: string): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    log(`could not read ${what}: ${(err as Error).message.split("\n")[0]}`);
    return null;
  }
}

/** Height from the probes; validators, subnets, block time and tx/s from the indexed tables. */
export async function readMetrics(
  prisma: PrismaClient,
  nodes: NodeHealth[],
  log: (l: string) => void,
): Promise<NetworkMetrics> {
  const [stats, validators, subnets] = await Promise.all([
    orNull(getStats(prisma), log, "block stats"),
    orNull(prisma.validator.count({ where: { status: "active" } }), log, "validators"),
    orNull(prisma.subnet.count(), log, "subnets"),
  ]);
  const heights = nodes.filter((n) => n.height !== null).map((n) => n.height!);
  return {
    height: heights.length > 0 ? Math.max(...heights) : null,
    validators,
    subnets,
    blockTimeMs: stats?.blockTimeMs ?? null,
    txPerSec: stats?.txPerSec ?? null,
    indexedHead: stats?.head ?? null,
  };
}

async function readFaucetBalance(deps: MonitorDeps, nodes: NodeHealth[]): Promise<AlertInputs["faucet"]> {
  if (deps.faucet === null) return null;
  const node = nodes.find((n) => n.status !== "down");
  if (node === undefined) return null;
  try {
    const hex = await rpcCall(node.url, "eth_getBalance", deps.config.timeoutMs, [
      deps.faucet.address,
      "latest",
    ]);
    if (typeof hex !== "string" || !/^0x[0-9a-fA-F]+$/.test(hex)) return null;
    return {
      address: deps.faucet.address,
      balanceWei: BigInt(hex),
      minBalanceWei: deps.faucet.minBalanceWei,
    };
  } catch {
    return null;
  }
}

/** Opens, refreshes and resolves alerts so that exactly the evaluated ones are open. */
async function reconcile(
  prisma: PrismaClient,
  specs: AlertSpec[],
  unknown: string[],
  at: Date,
): Promise<{ opened: MonitorAlertRow[]; resolved: MonitorAlertRow[]; open: MonitorAlertRow[] }> {
  return prisma.$transaction(async (tx) => {
    // Serialises concurrent checks (the loop and the cron route side by side): without it both
    // could open the same alert.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${MONITOR_LOCK_KEY})`;
    const current = await tx.monitorAlert.findMany({ where: { resolvedAt: null } });
    const byKey = new Map(current.map((a) => [a.key, a]));
    const wanted = new Set(specs.map((s) => s.key));
    const opened: MonitorAlertRow[] = [];
    const resolved: MonitorAlertRow[] = [];
    const open: MonitorAlertRow[] = [];
    for (const spec of specs) {
      const existing = byKey.get(spec.key);
      if (existing === undefined) {
        const row = await tx.monitorAlert.create({
          data: {
            key: spec.key,
            kind: spec.kind,
            severity: spec.severity,
            message: spec.message,
            details: spec.details,
            openedAt: at,
            lastSeenAt: at,
          },
        });
        opened.push(row);
        open.push(row);
      } else {
        open.push(
          await tx.monitorAlert.update({
            where: { id: existing.id },
            data: { lastSeenAt: at, message: spec.message, details: spec.details, severity: spec.severity },
          }),
        );
      }
    }
    for (const a of current) {
      if (wanted.has(a.key)) continue;
      const kindPrefix = a.key.split(":")[0]!;
      if (unknown.includes(kindPrefix)) {
        open.push(a);
        continue;
      }
      resolved.push(await tx.monitorAlert.update({ where: { id: a.id }, data: { resolvedAt: at } }));
    }
    return { opened, resolved, open };
  });
}

function payloadOf(
  event: AlertWebhookPayload["event"],
  a: MonitorAlertRow,
  appUrl: string | null,
): AlertWebhookPayload {
  return {
    event,
    alert: {
      id: a.id.toString(),
      key: a.key,
      kind: a.kind,
      severity: a.severity,
      message: a.message,
      details: a.details,
      openedAt: a.openedAt.toISOString(),
      resolvedAt: a.resolvedAt?.toISOString() ?? null,
    },
    url: appUrl === null ? null : new URL("/network", appUrl).toString(),
  };
}

export async function runMonitorCheck(deps: MonitorDeps): Promise<CheckResult> {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? ((l: string) => console.log(`[monitor] ${l}`));
  const { config, prisma } = deps;

  const probes = await probeAll(config.nodes, config.timeoutMs);
  const at = new Date(now());
  const nodes = classifyNodes(probes, config);
  const slashSince = new Date(at.getTime() - config.slashWindowSeconds * 1000);
  const [metrics, jailed, slashings, faucet] = await Promise.all([
    readMetrics(prisma, nodes, log),
    orNull(
      prisma.validator.findMany({
        where: { status: { in: ["jailed", "tombstoned"] } },
        select: { hotkey: true, moniker: true, status: true, jailedUntil: true },
        orderBy: { hotkey: "asc" },
      }),
      log,
      "jailed validators",
    ),
    orNull(
      prisma.slashingEvent.findMany({
        where: { createdAt: { gte: slashSince } },
        select: { id: true, validatorHotkey: true, kind: true, amount: true, blockNumber: true },
        orderBy: { id: "asc" },
        take: 100,
      }),
      log,
      "slashing events",
    ),
    readFaucetBalance(deps, nodes),
  ]);

  const evaluation = evaluateAlerts({
    nowMs: at.getTime(),
    nodes,
    stallSeconds: config.stallSeconds,
    jailed:
      jailed?.map((v) => ({ ...v, jailedUntil: v.jailedUntil === null ? null : Number(v.jailedUntil) })) ??
      null,
    slashings:
      slashings?.map((s) => ({
        id: s.id.toString(),
        hotkey: s.validatorHotkey,
        kind: s.kind,
        amountWei: s.amount.toFixed(0),
        blockNumber: Number(s.blockNumber),
      })) ?? null,
    faucet,
  });

  const { opened, resolved, open } = await reconcile(prisma, evaluation.open, evaluation.unknown, at);
  await prisma.monitorSample.create({
    data: {
      at,
      height: metrics.height === null ? null : BigInt(metrics.height),
      healthyNodes: nodes.filter((n) => n.status === "healthy").length,
      totalNodes: nodes.length,
      validators: metrics.validators,
      blockTimeMs: metrics.blockTimeMs,
      txPerSec: metrics.txPerSec,
      nodes: nodes.map((n) => ({
        name: n.name,
        url: n.url,
        status: n.status,
        height: n.height,
        lag: n.lag,
        peers: n.peers,
        syncing: n.syncing,
        responseMs: n.responseMs,
        reasons: n.reasons,
        error: n.error,
      })),
    },
  });
  await prisma.monitorSample.deleteMany({
    where: { at: { lt: new Date(at.getTime() - config.retentionHours * 3_600_000) } },
  });

  for (const a of opened) log(`alert opened: ${a.message}`);
  for (const a of resolved) log(`alert resolved: ${a.message}`);
  const webhooks: WebhookDelivery[] = [];
  if (config.webhook !== null) {
    const hook = config.webhook;
    const events = [
      ...opened.map((a) => payloadOf("alert.opened", a, deps.appUrl ?? null)),
      ...resolved.map((a) => payloadOf("alert.resolved", a, deps.appUrl ?? null)),
    ];
    // In order, so a receiver sees an alert open before it resolves.
    for (const p of events) {
      const d = await postWebhook(hook.url, p, {
        retries: hook.retries,
        timeoutMs: config.timeoutMs,
        backoffMs: deps.webhookBackoffMs,
      });
      if (!d.ok) log(`webhook ${p.event} ${p.alert.key} failed after ${d.attempts} attempts: ${d.error}`);
      webhooks.push(d);
    }
  }
  return { at, nodes, metrics, opened, resolved, open, webhooks };
}
