// "Run the same topology as local processes": `tensorchain deploy --validators N --out DIR`
// writes files that validate against their schemas (Compose Specification, Kubernetes OpenAPI,
// our node-config schema); then the bootstrap node and the N validators are started as real
// processes with `tensorchain start --config nodes/<name>/local.json` (ports remapped to free
// ones). Blocks must finalize with one hash on every validator, `tensorchain status` must see each
// node up, every node must serve Prometheus metrics, and the bootstrap node must list the
// validators it has seen.
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse, parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryNodeStatus } from "../src/cli/status.js";
import { parseNodeConfig } from "../src/deploy/node-config.js";
import type { NodeConfig } from "../src/deploy/node-config.js";
import { parseGenesis } from "../src/genesis/schema.js";
import { k8sModel, validateCompose } from "./helpers/deploy-schemas.js";
import { freePort, trackProcess } from "./helpers/processes.js";

const VALIDATORS = 3;
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bin/tensorchain.js");
const run = promisify(execFile);



async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Value of the first sample of `name` in a Prometheus text exposition. */
function sample(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

interface Proc {
  name: string;
  proc: ChildProcess;
  log: string;
}

describe("deploy topology as local processes", () => {
  let dir: string;
  const procs: Proc[] = [];
  const configs = new Map<string, NodeConfig>();
  const nodeNames = ["bootstrap", ...Array.from({ length: VALIDATORS }, (_, i) => `validator-${i}`)];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tensorchain-deploy-local-"));
    const r = await run(
      process.execPath,
      [BIN, "deploy", "--validators", String(VALIDATORS), "--out", dir, "--dev", "--block-time", "300"],
      { timeout: 120_000 },
    );
    expect(r.stdout).toContain(`${VALIDATORS} validators`);
  }, 150_000);

  afterAll(async () => {
    await Promise.all(
      procs.map(
        ({ proc: p }) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            const killer = setTimeout(() => p.kill("SIGKILL"), 10_000);
            p.once("exit", () => {
              clearTimeout(killer);
              resolve();
            });
            p.kill("SIGTERM");
          }),
      ),
    );
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("writes files valid against their schemas", () => {
    const read = (rel: string) => readFileSync(path.join(dir, rel), "utf8");
    const genesis = parseGenesis(JSON.parse(read("genesis.json")));
    expect(genesis.validators).toHaveLength(VALIDATORS);
    const compose = parse(read("docker-compose.yml")) as { services: Record<string, unknown> };
    expect(validateCompose(compose), JSON.stringify(validateCompose.errors)).toBe(true);
    for (const n of nodeNames) expect(compose.services[n], n).toBeDefined();
    let manifests = 0;
    for (const f of readdirSync(path.join(dir, "k8s"))) {
      for (const d of parseAllDocuments(read(`k8s/${f}`))) {
        const doc = d.toJSON() as { apiVersion: string; kind: string; metadata: { name: string } };
        expect(() => k8sModel(doc).validate(), `${f}: ${doc.kind} ${doc.metadata.name}`).not.toThrow();
        manifests++;
      }
    }
    expect(manifests).toBeGreaterThan(VALIDATORS * 3);
    for (const n of nodeNames) {
      for (const file of ["config.json", "local.json"]) {
        const c = parseNodeConfig(JSON.parse(read(`nodes/${n}/${file}`)), `${n}/${file}`);
        expect(c.role).toBe(n === "bootstrap" ? "bootstrap" : "validator");
        expect(c.metrics.enabled).toBe(true);
      }
    }
    expect(read("DEPLOY.md")).toContain("MetaMask");
  });

  it("runs bootstrap + validators from the generated configs: blocks finalize, metrics served", async () => {
    // Remap every local port to a free one, and the peers' multiaddrs with them.
    const p2pMap = new Map<number, number>();
    const raw = new Map<
      string,
      Record<string, unknown> & {
        rpc: { port: number };
        p2p: { port: number; bootstrapPeers: string[] };
        metrics: { port: number };
      }
    >();
    for (const n of nodeNames) {
      const c = JSON.parse(readFileSync(path.join(dir, "nodes", n, "local.json"), "utf8"));
      raw.set(n, c);
      const p2p = await freePort();
      p2pMap.set(c.p2p.port, p2p);
      c.p2p.port = p2p;
      c.rpc.port = await freePort();
      c.metrics.port = await freePort();
    }
    for (const [n, c] of raw) {
      c.p2p.bootstrapPeers = c.p2p.bootstrapPeers.map((a) =>
        a.replace(/\/tcp\/(\d+)\//, (_, port: string) => `/tcp/${p2pMap.get(Number(port))}/`),
      );
      const file = path.join(dir, "nodes", n, "local.json");
      writeFileSync(file, JSON.stringify(c, null, 2) + "\n");
      configs.set(n, parseNodeConfig(c));
    }

    await Promise.all(
      nodeNames.map((name) => {
        const proc = spawn(
          process.execPath,
          [BIN, "start", "--config", path.join(dir, "nodes", name, "local.json")],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
        trackProcess(proc);
        const p: Proc = { name, proc, log: "" };
        procs.push(p);
        return new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${p.log}`)), 120_000);
          proc.stdout!.on("data", (d: Buffer) => {
            p.log += d.toString();
            if (p.log.includes("Metrics on")) {
              clearTimeout(timer);
              resolve();
            }
          });
          proc.stderr!.on("data", (d: Buffer) => (p.log += d.toString()));
          proc.once("exit", (code, sig) => {
            clearTimeout(timer);
            reject(new Error(`${name} exited (${code ?? sig}):\n${p.log}`));
          });
        });
      }),
    );

    const validators = nodeNames.slice(1).map((n) => configs.get(n)!);
    const urls = validators.map((c) => `http://${c.rpc.host}:${c.rpc.port}`);
    const target = 3;
    const deadline = Date.now() + 150_000;
    for (;;) {
      const heights = await Promise.all(
        urls.map((u) => rpc<string>(u, "eth_blockNumber").then(BigInt, () => -1n)),
      );
      if (heights.every((h) => h >= BigInt(target))) break;
      if (Date.now() > deadline)
        throw new Error(
          `heights ${heights.join(", ")} after 150 s:\n${procs.map((p) => `${p.name}: ${p.log.slice(-1500)}`).join("\n---\n")}`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
    const blocks = await Promise.all(
      urls.map((u) => rpc<{ hash: string }>(u, "eth_getBlockByNumber", [`0x${target.toString(16)}`, false])),
    );
    expect(new Set(blocks.map((b) => b.hash)).size).toBe(1);
    for (const u of urls) {
      const s = await queryNodeStatus(u, { timeoutMs: 10_000 });
      expect(s.health, s.problems.join("; ")).not.toBe("down");
      expect(s.validators).toBe(VALIDATORS);
    }

    // Every validator serves its metrics: height, peers, finality, missed votes, process.
    for (const c of validators) {
      const text = await (await fetch(`http://127.0.0.1:${c.metrics.port}/metrics`)).text();
      expect(sample(text, "tensorchain_block_height")).toBeGreaterThanOrEqual(target);
      expect(sample(text, "tensorchain_peers")).toBeGreaterThanOrEqual(1);
      expect(sample(text, "tensorchain_finality_latency_seconds_count")).toBeGreaterThan(0);
      expect(sample(text, "tensorchain_process_resident_memory_bytes")).toBeGreaterThan(0);
      expect(text).toContain(`node="${c.name}"`);
      expect(text).toMatch(/tensorchain_sync_state\{state="synced"[^}]*\} 1/);
      expect(text).toContain("tensorchain_missed_votes_total");
      expect(text).toContain("tensorchain_slashing_events_total");
    }

    // The bootstrap node has seen every validator and serves that over HTTP.
    const boot = configs.get("bootstrap")!;
    const bootUrl = `http://127.0.0.1:${boot.metrics.port}`;
    const deadline2 = Date.now() + 60_000;
    let peers: { peerId: string; lastSeen: string }[] = [];
    while (Date.now() < deadline2) {
      peers = (await (await fetch(`${bootUrl}/peers`)).json()) as typeof peers;
      if (peers.length >= VALIDATORS) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(peers).toHaveLength(VALIDATORS);
    for (const p of peers) expect(Number.isNaN(Date.parse(p.lastSeen))).toBe(false);
    const stats = (await (await fetch(`${bootUrl}/stats`)).json()) as {
      mode: string;
      connectedPeers: number;
    };
    expect(stats.mode).toBe("bootstrap");
    expect(stats.connectedPeers).toBeGreaterThanOrEqual(VALIDATORS);
    const bootMetrics = await (await fetch(`${bootUrl}/metrics`)).text();
    expect(sample(bootMetrics, "tensorchain_bootstrap_known_peers")).toBe(VALIDATORS);
  }, 300_000);
});
