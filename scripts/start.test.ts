// `npm start` as a real process: the devnet, the app (embedded database, validator scheduler)
// and the CPU worker come up on free ports and a temporary data dir; SIGINT stops every
// process it started and frees the ports. With `--validators 4` it runs `tensorchain testnet`:
// four validator processes, node i serving RPC on port P+i, agreeing on every block.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { privateKeyToAddress } from "viem/accounts";
import { afterAll, describe, expect, it } from "vitest";
import { readValidatorKeys } from "../chain/src/genesis/keys.js";
import { devWorkerPrivateKey } from "../lib/jobs/worker-keys";
import { freePort, ROOT } from "../lib/test/browser";
import { childEnv } from "./env";
import { isAlive } from "../chain/src/util/pid.js";

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  log: () => string,
  timeoutMs: number,
  running: () => boolean,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!running()) throw new Error(`npm start exited before ${what}:\n${log()}`);
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not happen in time; npm start said:\n${log()}`);
}

/** Every descendant of `pid` (from ps), deepest last. */
function descendants(pid: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of rows)
      if (parent === p) {
        out.push(child);
        walk(child);
      }
  };
  walk(pid);
  return out;
}

async function portFree(port: number): Promise<boolean> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A base port P with P..P+3 (RPC), P+1000.. (p2p) and P+2000.. (metrics) free: the testnet's layout. */
async function freeTestnetBase(validators: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base > 63_000) continue;
    const ports = [0, 1000, 2000].flatMap((o) => Array.from({ length: validators }, (_, i) => base + o + i));
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
}

async function rpc<T>(port: number, method: string, params: unknown[] = []): Promise<T | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(30_000),
  });
  return ((await res.json()) as { result?: T }).result;
}

/** `npm start` (scripts/start.ts) with `args` as a real process, its output collected. */
function npmStart(args: string[], env: Record<string, string> = {}) {
  let log = "";
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "start.ts"), ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout.on("data", (d: Buffer) => (log += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  return {
    log: () => log,
    running: () => proc.exitCode === null && proc.signalCode === null,
    /** SIGINT: exits 0 and every process it started (at least `minChildren`) is gone. */
    async interrupt(minChildren: number): Promise<void> {
      const children = descendants(proc.pid!);
      expect(children.length).toBeGreaterThanOrEqual(minChildren);
      proc.kill("SIGINT");
      expect(await exited).toBe(0);
      const deadline = Date.now() + 30_000;
      while (children.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(children.filter(isAlive)).toEqual([]);
    },
    /** After a failure: kills what is left (descendants first: once it is gone they no longer hang below its pid). */
    cleanup(): void {
      const left = descendants(proc.pid!);
      if (proc.exitCode === null) proc.kill("SIGKILL");
      for (const pid of left) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    },
  };
}

describe("npm start", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tc-start-"));
  const distDir = `.next/start-test-${process.pid}`;
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(path.join(ROOT, distDir), { recursive: true, force: true });
  });

  it(
    "starts the devnet, the app and a CPU worker, and SIGINT stops them all",
    { timeout: 600_000 },
    async () => {
      const [rpcPort, appPort, dbPort] = [await freePort(), await freePort(), await freePort()];
      const npm = npmStart(
        [
          "--rpc-port",
          String(rpcPort),
          "--app-port",
          String(appPort),
          "--db-port",
          String(dbPort),
          "--data-dir",
          dataDir,
        ],
        // NODE_ENV: vitest sets "test", which next dev would warn about; a build directory of
        // its own keeps it clear of a developer's `next dev`.
        { NODE_ENV: "development", NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
      );
      try {
        const chainId = await until(
          "the RPC answering",
          () => rpc<string>(rpcPort, "eth_chainId"),
          npm.log,
          120_000,
          npm.running,
        );
        expect(chainId).toMatch(/^0x[0-9a-f]+$/);

        const home = await until(
          "the home page answering 200",
          async () => {
            const res = await fetch(`http://127.0.0.1:${appPort}/`, { signal: AbortSignal.timeout(240_000) });
            return res.status === 200 ? res.status : undefined;
          },
          npm.log,
          360_000,
          npm.running,
        );
        expect(home).toBe(200);

        // The worker's key is registered for the dev validator and the worker has authenticated
        // against the app (lastSeenAt is set on its first signed claim).
        const validator = readValidatorKeys(path.join(dataDir, "node", "validator.json")).hotkey;
        const worker = privateKeyToAddress(devWorkerPrivateKey(validator.privateKey)).toLowerCase();
        const key = await until(
          "the worker's first authenticated poll",
          async () => {
            const res = await fetch(
              `http://127.0.0.1:${appPort}/api/v1/worker-keys?validator=${validator.address}`,
              { signal: AbortSignal.timeout(240_000) },
            );
            const body = (await res.json()) as { keys: { worker: string; lastSeenAt: string | null }[] };
            return body.keys.find((k) => k.worker.toLowerCase() === worker && k.lastSeenAt !== null);
          },
          npm.log,
          360_000,
          npm.running,
        );
        expect(key.worker.toLowerCase()).toBe(worker);
        expect(npm.log()).toContain(`validator scheduler running for`);
        expect(npm.log()).toMatch(/\[worker\] /);

        await npm.interrupt(4); // node, app server, next dev, worker
        for (const port of [rpcPort, appPort, dbPort]) expect(await portFree(port)).toBe(true);
        expect(npm.log()).not.toMatch(/\] exited \(/); // no child died on its own before the stop
      } finally {
        npm.cleanup();
      }
    },
  );

  it(
    "--validators 4 runs a 4-process testnet on ports P..P+3 that agrees on every block, and SIGINT stops it",
    { timeout: 600_000 },
    async () => {
      const N = 4;
      const base = await freeTestnetBase(N);
      const npm = npmStart([
        "--validators",
        String(N),
        "--no-app",
        "--rpc-port",
        String(base),
        "--data-dir",
        dataDir,
      ]);
      const ports = Array.from({ length: N }, (_, i) => base + i);
      try {
        // `tensorchain testnet` prints every node's endpoints.
        await until(
          "the testnet's endpoints",
          async () =>
            ports.every((p) => npm.log().includes(`RPC http://127.0.0.1:${p} `)) ? true : undefined,
          npm.log,
          120_000,
          npm.running,
        );
        for (const [i, p] of ports.entries())
          expect(npm.log()).toMatch(
            new RegExp(
              `node-${i}: RPC http://127\\.0\\.0\\.1:${p}  metrics http://127\\.0\\.0\\.1:${base + 2000 + i}/metrics  p2p /ip4/127\\.0\\.0\\.1/tcp/${base + 1000 + i}/p2p/`,
            ),
          );
        // Node i answers on P+i; all four commit blocks and report the same hashes.
        await until(
          "every node past block 3",
          async () => {
            const hs = await Promise.all(ports.map((p) => rpc<string>(p, "eth_blockNumber")));
            return hs.every((h) => h !== undefined && Number(h) >= 3) ? true : undefined;
          },
          npm.log,
          300_000,
          npm.running,
        );
        for (let h = 1; h <= 3; h++) {
          const hashes = await Promise.all(
            ports.map((p) => rpc<{ hash: string }>(p, "eth_getBlockByNumber", [`0x${h}`, false])),
          );
          expect(new Set(hashes.map((b) => b?.hash)).size).toBe(1);
        }
        const set = await rpc<{ validators: unknown[] }>(base + N - 1, "tensorchain_getValidators");
        expect(set?.validators).toHaveLength(N);
        expect(npm.log()).toContain(`${N} validators · RPC http://127.0.0.1:${base} … port ${base + N - 1}`);
        expect(npm.log()).not.toMatch(/exited \(/); // no node died on its own

        await npm.interrupt(N + 1); // testnet + its validators
        for (const p of [0, 1000, 2000].flatMap((o) => ports.map((x) => x + o)))
          expect(await portFree(p)).toBe(true);
      } finally {
        npm.cleanup();
      }
    },
  );
});
