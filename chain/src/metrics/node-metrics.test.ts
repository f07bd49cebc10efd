import { afterEach, describe, expect, it } from "vitest";
import { NodeMetrics, MetricsServerError, startMetricsServer } from "./node-metrics.js";
import type { MetricsServer } from "./node-metrics.js";

/** The value of one sample line (`name{labels} value`) in exposition text. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("NodeMetrics", () => {
  it("exposes every series with the values of the latest updates", async () => {
    const m = new NodeMetrics({ processMetrics: false });
    m.onBlockCommitted(41, 0, 1000, 1200);
    m.onBlockCommitted(42n, 50, 500, 700, 1_700_000_000);
    m.onRound(3);
    m.onPeers(7);
    m.onMempool(12, 4096);
    m.onMissedVote("0xABCDEF0000000000000000000000000000000001");
    m.onMissedVote("0xabcdef0000000000000000000000000000000001", 2);
    m.onSlash("double_sign");
    m.onSync("syncing", 100);
    const t = await m.metrics();

    expect(sample(t, "tensorchain_block_height")).toBe(42);
    expect(sample(t, "tensorchain_blocks_total")).toBe(2);
    expect(sample(t, "tensorchain_transactions_total")).toBe(50);
    expect(sample(t, "tensorchain_transactions_per_second")).toBe(100);
    expect(sample(t, "tensorchain_block_time_seconds_count")).toBe(2);
    expect(sample(t, "tensorchain_block_time_seconds_sum")).toBe(1.5);
    expect(sample(t, 'tensorchain_block_time_seconds_bucket{le="0.5"}')).toBe(1);
    expect(sample(t, "tensorchain_finality_latency_seconds_sum")).toBeCloseTo(1.9);
    expect(sample(t, "tensorchain_last_block_timestamp_seconds")).toBe(1_700_000_000);
    expect(sample(t, "tensorchain_consensus_round")).toBe(3);
    expect(sample(t, "tensorchain_peers")).toBe(7);
    expect(sample(t, "tensorchain_mempool_size")).toBe(12);
    expect(sample(t, "tensorchain_mempool_bytes")).toBe(4096);
    expect(
      sample(t, 'tensorchain_missed_votes_total{validator="0xabcdef0000000000000000000000000000000001"}'),
    ).toBe(3);
    expect(sample(t, 'tensorchain_slashing_events_total{reason="double_sign"}')).toBe(1);
    expect(sample(t, 'tensorchain_slashing_events_total{reason="downtime"}')).toBe(0);
    expect(sample(t, 'tensorchain_sync_state{state="syncing"}')).toBe(1);
    expect(sample(t, 'tensorchain_sync_state{state="synced"}')).toBe(0);
    expect(sample(t, "tensorchain_sync_target_height")).toBe(100);
  });

  it("keeps registries apart and adds constant labels and process metrics", async () => {
    const a = new NodeMetrics({ labels: { node: "validator-0" } });
    const b = new NodeMetrics({ labels: { node: "validator-1" }, processMetrics: false });
    a.onPeers(1);
    b.onPeers(2);
    const ta = await a.metrics();
    expect(sample(ta, 'tensorchain_peers{node="validator-0"}')).toBe(1);
    expect(ta).toMatch(/^tensorchain_process_resident_memory_bytes\{node="validator-0"\} \d+/m);
    expect(ta).toMatch(/^tensorchain_process_cpu_seconds_total\{node="validator-0"\} [\d.e-]+/m);
    const tb = await b.metrics();
    expect(sample(tb, 'tensorchain_peers{node="validator-1"}')).toBe(2);
    expect(tb).not.toContain("process_cpu");
  });
});

describe("startMetricsServer", () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("serves /metrics over HTTP and 404s other paths", async () => {
    const m = new NodeMetrics({ processMetrics: false });
    m.onBlockCommitted(7, 3, 1000, 1000);
    server = await startMetricsServer(m, { port: 0 });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(sample(await res.text(), "tensorchain_block_height")).toBe(7);
    // A later update shows on the next scrape.
    m.onBlockCommitted(8, 0, 1000, 1000);
    expect(sample(await (await fetch(server.url)).text(), "tensorchain_block_height")).toBe(8);
    expect((await fetch(server.url.replace("/metrics", "/nope"))).status).toBe(404);
    expect((await fetch(server.url, { method: "POST" })).status).toBe(405);
  });

  it("fails with a typed error when the port is taken", async () => {
    const m = new NodeMetrics({ processMetrics: false });
    server = await startMetricsServer(m, { port: 0 });
    await expect(startMetricsServer(m, { port: server.port })).rejects.toThrow(MetricsServerError);
  });
});
