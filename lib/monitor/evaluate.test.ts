// The monitor's rules on hand-made probes: node classification, alert selection, and config.
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { MonitorConfigError, parseMonitorConfig, parseNodeList } from "./config";
import { classifyNodes, evaluateAlerts, type AlertInputs } from "./evaluate";
import type { NodeProbe } from "./probe";

const T = { lagBlocks: 5, slowMs: 1000, minPeers: 1 };
const NOW = 1_800_000_000_000;

function probe(name: string, p: Partial<NodeProbe> = {}): NodeProbe {
  return {
    name,
    url: `http://127.0.0.1:1/${name}`,
    reachable: true,
    height: 100,
    headTimestampMs: NOW - 1000,
    peers: 3,
    syncing: false,
    responseMs: 20,
    error: null,
    ...p,
  };
}

const down = (name: string) =>
  probe(name, {
    reachable: false,
    height: null,
    headTimestampMs: null,
    peers: null,
    syncing: null,
    responseMs: null,
    error: "eth_blockNumber: ECONNREFUSED",
  });

function inputs(over: Partial<AlertInputs>): AlertInputs {
  return {
    nowMs: NOW,
    nodes: classifyNodes([probe("a")], T),
    stallSeconds: 30,
    jailed: [],
    slashings: [],
    faucet: null,
    ...over,
  };
}

describe("classifyNodes", () => {
  it("marks a node healthy, degraded (lag, slow, few peers, syncing) or down", () => {
    const out = classifyNodes(
      [
        probe("ok"),
        probe("lagging", { height: 90 }),
        probe("slow", { responseMs: 5000 }),
        probe("lonely", { peers: 0 }),
        probe("sync", { syncing: true }),
        down("dead"),
      ],
      T,
    );
    expect(out.map((n) => [n.name, n.status])).toEqual([
      ["ok", "healthy"],
      ["lagging", "degraded"],
      ["slow", "degraded"],
      ["lonely", "degraded"],
      ["sync", "degraded"],
      ["dead", "down"],
    ]);
    expect(out[1]!.reasons).toEqual(["10 blocks behind the best node"]);
    expect(out[1]!.lag).toBe(10);
    expect(out[5]!.reasons).toEqual(["eth_blockNumber: ECONNREFUSED"]);
  });

  it("tolerates a lag under the threshold", () => {
    expect(classifyNodes([probe("a"), probe("b", { height: 96 })], T)[1]!.status).toBe("healthy");
  });
});

describe("evaluateAlerts", () => {
  it("opens nothing on a healthy network", () => {
    expect(evaluateAlerts(inputs({}))).toEqual({ open: [], unknown: ["faucet_low"] });
  });

  it("opens node_down per down node, keyed by node name", () => {
    const r = evaluateAlerts(inputs({ nodes: classifyNodes([probe("a"), down("b")], T) }));
    expect(r.open.map((a) => a.key)).toEqual(["node_down:b"]);
    expect(r.open[0]!.severity).toBe("critical");
  });

  it("opens chain_stalled when the newest head is older than the threshold, and cannot tell when all nodes are down", () => {
    const stalled = evaluateAlerts(
      inputs({ nodes: classifyNodes([probe("a", { headTimestampMs: NOW - 45_000 })], T) }),
    );
    expect(stalled.open.map((a) => a.key)).toEqual(["chain_stalled"]);
    expect(stalled.open[0]!.message).toContain("no new block for 45 s");
    // One node ahead with a fresh head: the chain moves.
    const moving = evaluateAlerts(
      inputs({ nodes: classifyNodes([probe("a", { headTimestampMs: NOW - 45_000 }), probe("b")], T) }),
    );
    expect(moving.open).toEqual([]);
    const blind = evaluateAlerts(inputs({ nodes: classifyNodes([down("a")], T) }));
    expect(blind.open.map((a) => a.key)).toEqual(["node_down:a"]);
    expect(blind.unknown).toContain("chain_stalled");
  });

  it("opens validator and faucet alerts from the indexed state and the sender balance", () => {
    const r = evaluateAlerts(
      inputs({
        jailed: [{ hotkey: "0xaa", moniker: "val-a", status: "jailed", jailedUntil: 500 }],
        slashings: [
          {
            id: "7",
            hotkey: "0xbb",
            kind: "double_sign",
            amountWei: (5n * 10n ** 18n).toString(),
            blockNumber: 42,
          },
        ],
        faucet: { address: "0xcc", balanceWei: 10n ** 17n, minBalanceWei: 10n ** 18n },
      }),
    );
    expect(r.open.map((a) => a.key)).toEqual(["validator_jailed:0xaa", "validator_slashed:7", "faucet_low"]);
    expect(r.open[0]!.message).toBe("Validator val-a is jailed until block 500");
    expect(r.open[1]!.message).toContain("double sign at block 42: 5.0000 TEN");
    expect(r.open[2]!.message).toContain("holds 0.1000 TEN, below its 1.0000 TEN threshold");
    const funded = evaluateAlerts(
      inputs({ faucet: { address: "0xcc", balanceWei: 10n ** 18n, minBalanceWei: 10n ** 18n } }),
    );
    expect(funded.open).toEqual([]);
    expect(evaluateAlerts(inputs({ jailed: null, slashings: null })).unknown).toEqual([
      "validator_jailed",
      "validator_slashed",
      "faucet_low",
    ]);
  });
});

describe("monitor config", () => {
  const app = parseConfig({ CHAIN_RPC_URL: "http://10.1.2.3:8545" });

  it("watches the app's node by default and validates every key", () => {
    const c = parseMonitorConfig(app, {});
    expect(c.nodes).toEqual([{ name: "primary", url: "http://10.1.2.3:8545" }]);
    expect(c.webhook).toBeNull();
    expect(c.stallSeconds).toBe(30);
    const set = parseMonitorConfig(app, {
      MONITOR_STALL_SECONDS: "12",
      ALERT_WEBHOOK_URL: "https://hooks.example/x",
      ALERT_WEBHOOK_RETRIES: "1",
    });
    expect(set.stallSeconds).toBe(12);
    expect(set.webhook).toEqual({ url: "https://hooks.example/x", retries: 1 });
    expect(() => parseMonitorConfig(app, { MONITOR_STALL_SECONDS: "0" })).toThrow(MonitorConfigError);
    expect(() => parseMonitorConfig(app, { ALERT_WEBHOOK_URL: "ftp://x" })).toThrow(
      /ALERT_WEBHOOK_URL: expected an http/,
    );
  });

  it("parses named and unnamed node lists and rejects bad ones", () => {
    expect(parseNodeList("val-1=http://10.0.0.1:8545, http://10.0.0.2:8545")).toEqual([
      { name: "val-1", url: "http://10.0.0.1:8545" },
      { name: "node-2", url: "http://10.0.0.2:8545" },
    ]);
    expect(() => parseNodeList("a=http://x:1,a=http://y:1")).toThrow(/used twice/);
    expect(() => parseNodeList("a=not a url")).toThrow(/not an http/);
    expect(() => parseNodeList(" , ")).toThrow(/lists no node/);
  });
});
