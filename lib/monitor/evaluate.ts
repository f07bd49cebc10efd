// Pure judgement of one monitor check: which node is healthy / degraded / down, and which alerts
// should be open right now. No I/O and no clock (the caller passes `nowMs`), so every rule is
// unit-tested directly; lib/monitor/check.ts gathers the inputs and persists the outcome.
import type { MonitorConfig } from "./config";
import type { NodeProbe } from "./probe";

export type NodeStatus = "healthy" | "degraded" | "down";

export interface NodeHealth extends NodeProbe {
  status: NodeStatus;
  /** Blocks behind the best reachable node; null when down. */
  lag: number | null;
  /** Why the node is not healthy (empty when healthy). */
  reasons: string[];
}

export type AlertKind =
  "node_down" | "chain_stalled" | "validator_jailed" | "validator_slashed" | "faucet_low";
export type AlertSeverity = "warning" | "critical";

/** An alert that should be open. `key` identifies it across checks (one open alert per key). */
export interface AlertSpec {
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  details: Record<string, string | number | boolean | null>;
}

export type Thresholds = Pick<MonitorConfig, "lagBlocks" | "slowMs" | "minPeers">;

export function classifyNodes(probes: readonly NodeProbe[], t: Thresholds): NodeHealth[] {
  const best = Math.max(-1, ...probes.map((p) => p.height ?? -1));
  return probes.map((p) => {
    if (!p.reachable || p.height === null)
      return { ...p, status: "down", lag: null, reasons: [p.error ?? "unreachable"] };
    const reasons: string[] = [];
    const lag = best - p.height;
    if (lag >= t.lagBlocks) reasons.push(`${lag} blocks behind the best node`);
    if (p.syncing) reasons.push("syncing");
    if (p.responseMs !== null && p.responseMs > t.slowMs) reasons.push(`slow: ${p.responseMs} ms`);
    if (p.peers !== null && p.peers < t.minPeers) reasons.push(`${p.peers} peers (< ${t.minPeers})`);
    return { ...p, status: reasons.length === 0 ? "healthy" : "degraded", lag, reasons };
  });
}

export interface AlertInputs {
  nowMs: number;
  nodes: readonly NodeHealth[];
  stallSeconds: number;
  /** null = could not be read (their alerts stay as they are). Validators currently jailed or tombstoned (from the indexed Validator table). */
  jailed:
    readonly { hotkey: string; moniker: string | null; status: string; jailedUntil: number | null }[] | null;
  /** Slashing events inside the alert window (from the indexed SlashingEvent table). */
  slashings:
    readonly { id: string; hotkey: string; kind: string; amountWei: string; blockNumber: number }[] | null;
  /** The faucet sender's balance against its threshold; null when there is no faucet or it could not be read. */
  faucet: { address: string; balanceWei: bigint; minBalanceWei: bigint } | null;
}

export interface AlertEvaluation {
  open: AlertSpec[];
  /**
   * Key prefixes whose state this check could not assess (e.g. the chain's progress while every
   * node is down): their alerts stay as they are instead of being opened or resolved on no data.
   */
  unknown: string[];
}

const TEN = 10n ** 18n;
const ten = (wei: bigint) => `${wei / TEN}.${(wei % TEN).toString().padStart(18, "0").slice(0, 4)} TEN`;

export function evaluateAlerts(i: AlertInputs): AlertEvaluation {
  const open: AlertSpec[] = [];
  const unknown: string[] = [];

  for (const n of i.nodes) {
    if (n.status !== "down") continue;
    open.push({
      key: `node_down:${n.name}`,
      kind: "node_down",
      severity: "critical",
      message: `Node ${n.name} is down: ${n.reasons.join("; ")}`,
      details: { node: n.name, url: n.url, error: n.error },
    });
  }

  const heads = i.nodes.filter((n) => n.headTimestampMs !== null).map((n) => n.headTimestampMs!);
  if (heads.length === 0) {
    unknown.push("chain_stalled");
  } else {
    const newest = Math.max(...heads);
    const ageS = Math.floor((i.nowMs - newest) / 1000);
    if (ageS >= i.stallSeconds) {
      const height = Math.max(...i.nodes.map((n) => n.height ?? -1));
      open.push({
        key: "chain_stalled",
        kind: "chain_stalled",
        severity: "critical",
        message: `Chain stalled: no new block for ${ageS} s (threshold ${i.stallSeconds} s) at height ${height}`,
        details: { height, secondsSinceBlock: ageS, thresholdSeconds: i.stallSeconds },
      });
    }
  }

  if (i.jailed === null) unknown.push("validator_jailed");
  for (const v of i.jailed ?? []) {
    open.push({
      key: `validator_jailed:${v.hotkey}`,
      kind: "validator_jailed",
      severity: "warning",
      message: `Validator ${v.moniker ?? v.hotkey} is ${v.status}${v.jailedUntil !== null && v.status === "jailed" ? ` until block ${v.jailedUntil}` : ""}`,
      details: { hotkey: v.hotkey, status: v.status, jailedUntil: v.jailedUntil },
    });
  }
  if (i.slashings === null) unknown.push("validator_slashed");
  for (const s of i.slashings ?? []) {
    open.push({
      key: `validator_slashed:${s.id}`,
      kind: "validator_slashed",
      severity: "warning",
      message: `Validator ${s.hotkey} slashed for ${s.kind.replace("_", " ")} at block ${s.blockNumber}: ${ten(BigInt(s.amountWei))}`,
      details: { hotkey: s.hotkey, kind: s.kind, amountWei: s.amountWei, blockNumber: s.blockNumber },
    });
  }

  if (i.faucet === null) unknown.push("faucet_low");
  else if (i.faucet.balanceWei < i.faucet.minBalanceWei) {
    open.push({
      key: "faucet_low",
      kind: "faucet_low",
      severity: "warning",
      message: `Faucet sender ${i.faucet.address} holds ${ten(i.faucet.balanceWei)}, below its ${ten(i.faucet.minBalanceWei)} threshold`,
      details: {
        address: i.faucet.address,
        balanceWei: i.faucet.balanceWei.toString(),
        minBalanceWei: i.faucet.minBalanceWei.toString(),
      },
    });
  }
  return { open, unknown };
}
