// `tensorchain status` against a real dev node process, and against a port nobody serves; the
// same node's Prometheus metrics (`start --metrics-port`), scraped over HTTP.
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createWalletClient, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryNodeStatus, runStatusCommand } from "../src/cli/status.js";
import { RPC_OPTS, startDevNode } from "./helpers/devnode.js";
import type { DevNode } from "./helpers/devnode.js";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bin/tensorchain.js");

/** Runs the real `tensorchain` binary; resolves with its exit status and output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...args], { timeout: 60_000 });
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, stdout: err.stdout };
  }
}

/** A loopback port that was free a moment ago and has nobody listening now. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("tensorchain status", () => {
  let node: DevNode;
  beforeAll(async () => {
    node = await startDevNode({ blockTimeMs: 250, extraArgs: ["--metrics-port", "0"] });
  }, 90_000);
  afterAll(async () => {
    await node?.stop();
  });

  it("reports a producing dev node as healthy and exits 0", async () => {
    const lines: string[] = [];
    const code = await runStatusCommand(["--rpc", node.rpcUrl], (l) => lines.push(l));
    const text = lines.join("\n");
    expect(code).toBe(0);
    expect(text).toContain(`${node.rpcUrl}: HEALTHY`);
    expect(text).toMatch(new RegExp(`chain id\\s+${node.chainId}`));
    expect(text).toMatch(/height\s+\d+/);
    expect(text).toMatch(/syncing\s+no/);
  }, 30_000);

  it("prints JSON with the node's head", async () => {
    const lines: string[] = [];
    expect(await runStatusCommand(["--rpc", node.rpcUrl, "--json"], (l) => lines.push(l))).toBe(0);
    const s = JSON.parse(lines.join("\n")) as {
      health: string;
      chainId: number;
      height: number;
      peers: number;
    };
    expect(s.health).toBe("healthy");
    expect(s.chainId).toBe(node.chainId);
    expect(s.height).toBeGreaterThanOrEqual(0);
    expect(s.peers).toBe(0);
  }, 30_000);

  it("classifies a stale head as degraded, then down", async () => {
    const later = (sec: number) => () => Date.now() / 1000 + sec;
    const degraded = await queryNodeStatus(node.rpcUrl, { now: later(60) });
    expect(degraded.health).toBe("degraded");
    expect(degraded.problems.join()).toMatch(/stale after 30 s/);
    const down = await queryNodeStatus(node.rpcUrl, { now: later(3600) });
    expect(down.health).toBe("down");
  }, 30_000);

  it("reports an unreachable node as down and exits 1", async () => {
    const lines: string[] = [];
    const url = `http://127.0.0.1:${await closedPort()}`;
    expect(await runStatusCommand(["--rpc", url, "--timeout", "2000"], (l) => lines.push(l))).toBe(1);
    expect(lines.join("\n")).toContain(`${url}: DOWN`);
    expect(lines.join("\n")).toMatch(/cannot reach/);
  });

  it("is the `tensorchain status` command: exit 0 for a live node, 1 for a dead one", async () => {
    const [up, down] = await Promise.all([
      cli("status", "--rpc", node.rpcUrl),
      cli("status", "--rpc", `http://127.0.0.1:${await closedPort()}`, "--timeout", "2000"),
    ]);
    expect(up.code, up.stdout).toBe(0);
    expect(up.stdout).toContain("HEALTHY");
    expect(down.code, down.stdout).toBe(1);
    expect(down.stdout).toContain("DOWN");
  }, 90_000);

  it("serves Prometheus metrics that follow the chain", async () => {
    let url: string | undefined;
    for (let i = 0; i < 100 && !url; i++) {
      url = /Metrics on (http:\/\/\S+\/metrics)/.exec(node.output())?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 100));
    }
    expect(url, node.output()).toBeDefined();
    const scrape = async () => {
      const res = await fetch(url!);
      expect(res.headers.get("content-type")).toContain("text/plain");
      const text = await res.text();
      const value = (name: string) => {
        const line = text.split("\n").find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
        return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
      };
      return { text, value };
    };
    // A transfer lands in a block: height, tx counters, block time and finality move.
    const acct = privateKeyToAccount(node.accounts[1]!.privateKey);
    const wallet = createWalletClient({ account: acct, transport: http(node.rpcUrl, RPC_OPTS) });
    const chain = {
      id: node.chainId,
      name: "dev",
      nativeCurrency: { name: "TEN", symbol: "TEN", decimals: 18 },
      rpcUrls: { default: { http: [node.rpcUrl] } },
    };
    await wallet.sendTransaction({ chain, to: node.accounts[2]!.address, value: parseEther("1") });
    const height = async () =>
      Number(
        await (
          (await fetch(node.rpcUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
          }).then((r) => r.json())) as { result: string }
        ).result,
      );
    let m = await scrape();
    for (let i = 0; i < 200 && !((m.value("tensorchain_transactions_total") ?? 0) >= 1); i++) {
      await new Promise((r) => setTimeout(r, 100));
      m = await scrape();
    }
    expect(m.value("tensorchain_transactions_total")).toBeGreaterThanOrEqual(1);
    const h = m.value("tensorchain_block_height")!;
    expect(h).toBeGreaterThanOrEqual(1);
    expect(await height()).toBeGreaterThanOrEqual(h);
    expect(m.value("tensorchain_blocks_total")).toBeGreaterThanOrEqual(1);
    expect(m.value("tensorchain_block_time_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(m.value("tensorchain_finality_latency_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(m.value("tensorchain_mempool_size")).toBeGreaterThanOrEqual(0);
    expect(m.value("tensorchain_peers")).toBe(0);
    expect(m.text).toMatch(/tensorchain_sync_state\{state="synced"[^}]*\} 1/);
    expect(m.text).toMatch(/tensorchain_slashing_events_total\{reason="double_sign"[^}]*\} 0/);
    expect(m.value("tensorchain_process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(m.value("tensorchain_process_cpu_seconds_total")).toBeGreaterThan(0);
    expect((await fetch(url!.replace(/metrics$/, "healthz"))).status).toBe(200);
  }, 60_000);

  it("rejects bad arguments with exit status 2", async () => {
    const quiet = () => undefined;
    expect(await runStatusCommand([], quiet)).toBe(2);
    expect(await runStatusCommand(["--rpc", "ftp://x"], quiet)).toBe(2);
    expect(await runStatusCommand(["--rpc", "http://x", "--bogus"], quiet)).toBe(2);
  });
});
