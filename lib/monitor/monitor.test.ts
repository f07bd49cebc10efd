// The monitor against a real dev node, a real (embedded) database and a real HTTP webhook
// receiver: healthy → node killed (node_down opened, webhook told) → node restarted (resolved,
// webhook told); chain stall, jailed validator and low faucet balance alerts; the read side.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevNode, type DevNode } from "@/chain/test/helpers/devnode";
import { parseConfig } from "@/lib/config";
import { startTestPglite, type TestDatabase } from "@/lib/indexer/test-db";
import { runMonitorCheck, type MonitorDeps } from "./check";
import { parseMonitorConfig } from "./config";
import { getNetworkOverview } from "./status";
import { rpcCall } from "./probe";
import type { AlertWebhookPayload } from "./webhook";

/** Waits until the node has produced a block after `above` (fresh head, so no stall is seen). */
async function waitForBlockAbove(rpcUrl: string, above: number): Promise<number> {
  for (;;) {
    const h = await rpcCall(rpcUrl, "eth_blockNumber", 10_000).then(
      (r) => Number(r),
      () => -1,
    );
    if (h > above) return h;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("network monitor against a dev node", () => {
  let node: DevNode;
  let db: TestDatabase;
  let hook: http.Server;
  const received: AlertWebhookPayload[] = [];
  let failNext = 1;
  let deps: MonitorDeps;
  const logs: string[] = [];

  beforeAll(async () => {
    [node, db] = await Promise.all([
      startDevNode({ blockTimeMs: 250, startTimeoutMs: 180_000 }),
      startTestPglite(),
    ]);
    hook = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        // The first delivery fails: the monitor must retry it.
        if (failNext > 0) {
          failNext--;
          res.writeHead(503).end();
          return;
        }
        received.push(JSON.parse(body) as AlertWebhookPayload);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`;
    const config = parseMonitorConfig(parseConfig({ CHAIN_RPC_URL: node.rpcUrl }), {
      // Far above the block time even on a loaded machine: a real stall is simulated by the clock.
      MONITOR_STALL_SECONDS: "20",
      MONITOR_TIMEOUT_MS: "10000",
      // Generous: the shared test machine is slow, and slowness is not what this test is about.
      MONITOR_SLOW_MS: "30000",
      ALERT_WEBHOOK_URL: hookUrl,
      ALERT_WEBHOOK_RETRIES: "2",
    });
    deps = {
      prisma: db.prisma,
      config,
      // A threshold no dev account reaches: the faucet counts as low.
      faucet: { address: node.accounts[9]!.address.toLowerCase(), minBalanceWei: 10n ** 40n },
      appUrl: "http://explorer.test",
      webhookBackoffMs: 20,
      log: (l) => logs.push(l),
    };
  }, 240_000);

  afterAll(async () => {
    if (hook) await new Promise((r) => hook.close(r));
    await Promise.all([node?.stop(), db?.stop()]);
  });

  it("reports a healthy node, and opens the faucet_low alert with a webhook (after a retry)", async () => {
    await waitForBlockAbove(node.rpcUrl, 0);
    const r = await runMonitorCheck(deps);
    expect(r.nodes).toHaveLength(1);
    expect(r.nodes[0]!.status).toBe("healthy");
    expect(r.nodes[0]!.height).toBeGreaterThan(0);
    expect(r.nodes[0]!.peers).toBe(0);
    expect(r.metrics.height).toBe(r.nodes[0]!.height);
    expect(r.opened.map((a) => a.key)).toEqual(["faucet_low"]);
    expect(r.webhooks).toEqual([{ ok: true, attempts: 2, error: null }]);
    expect(received.map((p) => [p.event, p.alert.key])).toEqual([["alert.opened", "faucet_low"]]);
    expect(received[0]!.url).toBe("http://explorer.test/network");

    // A second check keeps the alert open without a second notification.
    const again = await runMonitorCheck(deps);
    expect(again.opened).toEqual([]);
    expect(again.open.map((a) => a.key)).toEqual(["faucet_low"]);
    expect(received).toHaveLength(1);
  }, 60_000);

  it("opens node_down when the node is killed and resolves it when it is back", async () => {
    const before = await waitForBlockAbove(node.rpcUrl, 0);
    await node.kill9();
    const down = await runMonitorCheck(deps);
    expect(down.nodes[0]!.status).toBe("down");
    expect(down.opened.map((a) => a.key)).toEqual(["node_down:primary"]);
    // Nothing can be said about the chain or the faucet with no node: their state is kept.
    expect(down.resolved).toEqual([]);
    expect(down.open.map((a) => a.key).sort()).toEqual(["faucet_low", "node_down:primary"]);
    expect(received.at(-1)).toMatchObject({
      event: "alert.opened",
      alert: { key: "node_down:primary", kind: "node_down", severity: "critical", resolvedAt: null },
    });

    await node.restart();
    await waitForBlockAbove(node.rpcUrl, before);
    const up = await runMonitorCheck(deps);
    expect(up.nodes[0]!.status).toBe("healthy");
    expect(up.resolved.map((a) => a.key)).toEqual(["node_down:primary"]);
    const resolved = received.at(-1)!;
    expect(resolved.event).toBe("alert.resolved");
    expect(resolved.alert.key).toBe("node_down:primary");
    expect(resolved.alert.resolvedAt).not.toBeNull();
    expect(resolved.alert.id).toBe(received.at(-2)!.alert.id);
  }, 300_000);

  it("detects a stalled chain from the head's age, and a jailed validator from the index", async () => {
    // Seen from 2 min in the future, the node's newest block is 2 min old: stalled.
    const later = { ...deps, now: () => Date.now() + 120_000 };
    const stalled = await runMonitorCheck(later);
    expect(stalled.opened.map((a) => a.key)).toEqual(["chain_stalled"]);
    expect(stalled.opened[0]!.message).toMatch(/no new block for \d+ s \(threshold 20 s\)/);

    await db.prisma.validator.create({
      data: {
        hotkey: "0x00000000000000000000000000000000000000aa",
        coldkey: "0x00000000000000000000000000000000000000bb",
        moniker: "val-a",
        status: "jailed",
        jailedUntil: 9_999n,
        firstSeenBlock: 1n,
        updatedAtBlock: 1n,
      },
    });
    const now = await runMonitorCheck(deps);
    expect(now.resolved.map((a) => a.key)).toEqual(["chain_stalled"]);
    expect(now.opened.map((a) => a.key)).toEqual([
      "validator_jailed:0x00000000000000000000000000000000000000aa",
    ]);
    expect(now.opened[0]!.message).toBe("Validator val-a is jailed until block 9999");
  }, 60_000);

  it("serves the latest check, open alerts, history and samples to the page", async () => {
    const o = await getNetworkOverview(db.prisma, deps.config);
    expect(o.source).toBe("monitor");
    expect(o.nodes.map((n) => [n.name, n.status])).toEqual([["primary", "healthy"]]);
    expect(o.openAlerts.map((a) => a.kind).sort()).toEqual(["faucet_low", "validator_jailed"]);
    expect(
      o.history
        .filter((a) => a.resolvedAt !== null)
        .map((a) => a.kind)
        .sort(),
    ).toEqual(["chain_stalled", "node_down"]);
    expect(o.samples.length).toBe(6);
    expect(o.samples.some((s) => s.responseMs.primary === null)).toBe(true);
    expect(o.metrics.height).toBeGreaterThan(0);
  }, 60_000);
});
