// `tensorchain start --bootstrap` as a real process: peers that dial it are registered with their
// last-seen time, a newcomer's peer list excludes the newcomer itself, statistics are served as
// JSON, the registry survives a restart, and a peer gone longer than the TTL is dropped.
// The peers are real libp2p nodes of the network module, in this process.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createNetwork } from "../src/network/p2p.js";
import type { Network } from "../src/network/p2p.js";
import { freePort, liveProcesses, trackProcess } from "./helpers/processes.js";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bin/tensorchain.js");
const CHAIN_ID = "4343";



const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 60_000;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v)}`);
    await sleep(200);
  }
}

interface BootProc {
  proc: ChildProcess;
  addr: string;
  http: string;
  log: () => string;
}

async function startBoot(
  dataDir: string,
  p2pPort: number,
  httpPort: number,
  ttlSec: number,
): Promise<BootProc> {
  const proc = spawn(
    process.execPath,
    [
      BIN,
      "start",
      "--bootstrap",
      "--data-dir",
      dataDir,
      "--chain-id",
      CHAIN_ID,
      "--p2p-port",
      String(p2pPort),
      "--rpc-port",
      String(httpPort),
      "--peer-ttl",
      String(ttlSec),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  trackProcess(proc);
  let log = "";
  proc.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const addr = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bootstrap did not start:\n${log}`)), 60_000);
    const check = () => {
      const m = /P2P listening on (\S+)/.exec(log);
      if (m && log.includes("Stats on")) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on("data", check);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`bootstrap exited (${code}):\n${log}`));
    });
  });
  return { proc, addr, http: `http://127.0.0.1:${httpPort}`, log: () => log };
}

async function stopProc(p: ChildProcess): Promise<number | null> {
  if (p.exitCode !== null || p.signalCode !== null) return p.exitCode;
  const exited = new Promise<number | null>((r) => p.once("exit", (code) => r(code)));
  p.kill("SIGTERM");
  return exited;
}

interface PeerInfo {
  peerId: string;
  addrs: string[];
  lastSeen: string;
}

const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

describe("tensorchain start --bootstrap", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tensorchain-bootstrap-"));
  const nets: Network[] = [];
  afterAll(async () => {
    await Promise.all(nets.map((n) => n.stop()));
    await Promise.all(liveProcesses().map((p) => stopProc(p)));
    rmSync(dir, { recursive: true, force: true });
  });

  const peer = async (name: string, bootAddr: string): Promise<Network> => {
    const n = await createNetwork({
      chainId: CHAIN_ID,
      dataDir: path.join(dir, name),
      host: "127.0.0.1",
      port: 0,
      bootstrapPeers: [bootAddr],
      redialBaseMs: 200,
      redialMaxMs: 1000,
    });
    nets.push(n);
    return n;
  };

  it("registers peers, introduces them without the asker, persists, and drops stale ones", async () => {
    const bootDir = path.join(dir, "boot");
    const [p2pPort, httpPort] = [await freePort(), await freePort()];
    let boot = await startBoot(bootDir, p2pPort, httpPort, 3600);
    const bootId = boot.addr.split("/p2p/")[1]!;

    const a = await peer("a", boot.addr);
    const b = await peer("b", boot.addr);
    // Both registered (identify tells the bootstrap node their listen addresses).
    const listed = await until(
      () => getJson<PeerInfo[]>(`${boot.http}/peers`),
      (ps) => [a, b].every((n) => ps.some((p) => p.peerId === n.peerId)),
      "both peers in /peers",
    );
    for (const p of listed) {
      expect(Date.now() - Date.parse(p.lastSeen)).toBeLessThan(10 * 60_000);
      expect(p.addrs.length).toBeGreaterThan(0);
    }
    // A newcomer asking for peers gets the others, never itself.
    const forA = await a.requestPeers(bootId);
    expect(forA.map((p) => p.peerId)).toContain(b.peerId);
    expect(forA.map((p) => p.peerId)).not.toContain(a.peerId);
    const forB = await b.requestPeers(bootId);
    expect(forB.map((p) => p.peerId)).toContain(a.peerId);
    expect(forB.map((p) => p.peerId)).not.toContain(b.peerId);

    const stats = await getJson<{ mode: string; peerId: string; peersKnown: number; requestsServed: number }>(
      `${boot.http}/stats`,
    );
    expect(stats.mode).toBe("bootstrap");
    expect(stats.peerId).toBe(bootId);
    expect(stats.peersKnown).toBe(2);
    expect(stats.requestsServed).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`${boot.http}/metrics`)).text();
    expect(metrics).toMatch(/tensorchain_bootstrap_known_peers\{[^}]*\} 2/);

    // Restart: the registry comes back from disk before any peer reconnects.
    await Promise.all([a.stop(), b.stop()]);
    expect(await stopProc(boot.proc)).toBe(0);
    boot = await startBoot(bootDir, p2pPort, httpPort, 3600);
    expect(boot.addr.endsWith(bootId)).toBe(true);
    const restored = await getJson<PeerInfo[]>(`${boot.http}/peers`);
    expect(restored.map((p) => p.peerId).sort()).toEqual([a.peerId, b.peerId].sort());
    expect(await stopProc(boot.proc)).toBe(0);

    // With a 2 s TTL, a peer that leaves is forgotten; one that stays connected is kept.
    boot = await startBoot(bootDir, p2pPort, httpPort, 2);
    const c = await peer("c", boot.addr);
    const d = await peer("d", boot.addr);
    await until(
      () => getJson<PeerInfo[]>(`${boot.http}/peers`),
      (ps) => [c, d].every((n) => ps.some((p) => p.peerId === n.peerId)),
      "c and d registered",
    );
    await c.stop();
    const after = await until(
      () => getJson<PeerInfo[]>(`${boot.http}/peers`),
      (ps) => !ps.some((p) => p.peerId === c.peerId),
      "c dropped as stale",
    );
    expect(after.map((p) => p.peerId)).toEqual([d.peerId]);
    expect(after.some((p) => p.peerId === a.peerId)).toBe(false);
  }, 240_000);
});
