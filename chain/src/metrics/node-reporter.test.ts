// The reporter's bookkeeping, fed the way the node feeds it: commits from the chain's commit
// listener, certificates from the driver, protocol events from the block-end hook, peers'
// reported heights. (The wiring into real node processes is covered by chain/test/status.test.ts
// and chain/test/deploy-local.test.ts, which scrape /metrics.)
import { describe, expect, it } from "vitest";
import { NodeMetrics } from "./node-metrics.js";
import { reportNodeMetrics } from "./node-reporter.js";
import type { ReportedChain } from "./node-reporter.js";

type Committed = Parameters<Parameters<ReportedChain["onCommit"]>[0]>[0];

function chainAt(height: number) {
  const listeners = new Set<(c: Committed) => void>();
  const chain = {
    head: { header: { number: BigInt(height), timestamp: 1_700_000_000n } },
    onCommit(cb: (c: Committed) => void) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    commit(txs: number) {
      const header = {
        number: chain.head.header.number + 1n,
        timestamp: BigInt(Math.floor(Date.now() / 1000)),
      };
      chain.head = { header };
      for (const cb of listeners) cb({ block: { header, txs: new Array(txs).fill(0) } });
    },
  };
  return chain;
}

const value = async (m: NodeMetrics, name: string, labels: Record<string, string> = {}) => {
  const metric = (await m.registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = (
    metric?.values as { value: number; labels: Record<string, string | number> }[] | undefined
  )?.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return v?.value;
};

describe("reportNodeMetrics", () => {
  it("counts commits, missed votes, slashes at commit, and the sync state from peers", async () => {
    const m = new NodeMetrics({ processMetrics: false });
    const chain = chainAt(10);
    const peers: { status?: { height: number } }[] = [];
    const r = reportNodeMetrics(m, {
      chain,
      mempool: { size: 3 },
      blockTimeMs: 100,
      round: () => 0,
      network: { peers: () => peers },
      sampleMs: 60_000,
    });
    try {
      expect(await value(m, "tensorchain_block_height")).toBe(10);
      expect(await value(m, "tensorchain_blocks_total")).toBe(0);
      expect(await value(m, "tensorchain_mempool_size")).toBe(3);

      // Height 11 executes with a downtime slash; it counts only once the block commits.
      r.onBlockEnd(11n, [
        {
          contract: "staking",
          eventName: "ValidatorSlashed",
          args: { hotkey: "0xab", reason: 1, amount: 5n },
        },
        { contract: "staking", eventName: "ValidatorJailedUntil", args: { hotkey: "0xab", until: 9n } },
      ]);
      expect(await value(m, "tensorchain_slashing_events_total", { reason: "downtime" })).toBe(0);
      chain.commit(4);
      r.onFinalized({
        certificate: { height: 11, round: 2, signatures: [{ validator: "0xAA" }, { validator: "0xbb" }] },
        validators: { validators: [{ address: "0xaa" }, { address: "0xbb" }, { address: "0xCC" }] },
        finalityMs: 420,
      });
      expect(await value(m, "tensorchain_block_height")).toBe(11);
      expect(await value(m, "tensorchain_transactions_total")).toBe(4);
      expect(await value(m, "tensorchain_slashing_events_total", { reason: "downtime" })).toBe(1);
      expect(await value(m, "tensorchain_slashing_events_total", { reason: "double_sign" })).toBe(0);
      expect(await value(m, "tensorchain_missed_votes_total", { validator: "0xcc" })).toBe(1);
      expect(await value(m, "tensorchain_missed_votes_total", { validator: "0xaa" })).toBeUndefined();
      expect(await value(m, "tensorchain_consensus_round")).toBe(2);
      const text = await m.metrics();
      expect(text).toMatch(/tensorchain_finality_latency_seconds_count 1/);
      expect(text).toMatch(/tensorchain_finality_latency_seconds_sum 0\.42/);

      // A block taken from sync has no finality figure of this node.
      chain.commit(0);
      r.onFinalized({
        certificate: { height: 12, round: 0, signatures: [{ validator: "0xaa" }] },
        validators: { validators: [{ address: "0xaa" }] },
      });
      expect(await m.metrics()).toMatch(/tensorchain_finality_latency_seconds_count 1/);

      // A peer far ahead: syncing; then caught up: synced.
      peers.push({ status: { height: 40 } }, {});
      r.sample();
      expect(await value(m, "tensorchain_sync_state", { state: "syncing" })).toBe(1);
      expect(await value(m, "tensorchain_sync_target_height")).toBe(40);
      expect(await value(m, "tensorchain_peers")).toBe(2);
      peers[0] = { status: { height: 12 } };
      r.sample();
      expect(await value(m, "tensorchain_sync_state", { state: "synced" })).toBe(1);
      expect(await value(m, "tensorchain_sync_state", { state: "syncing" })).toBe(0);
    } finally {
      r.stop();
    }
  });
});
