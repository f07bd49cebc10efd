// `npm start` as a real process: the devnet, the app (embedded database, validator scheduler)
// and the CPU worker come up on free ports and a temporary data dir; SIGINT stops every
// process it started and frees the ports.
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function portFree(port: number): Promise<boolean> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
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
      let log = "";
      const proc = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          path.join(ROOT, "scripts", "start.ts"),
          "--rpc-port",
          String(rpcPort),
          "--app-port",
          String(appPort),
          "--db-port",
          String(dbPort),
          "--data-dir",
          dataDir,
        ],
        {
          cwd: ROOT,
          // NODE_ENV: vitest sets "test", which next dev would warn about; a build directory of
          // its own keeps it clear of a developer's `next dev`.
          env: childEnv({ NODE_ENV: "development", NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" }),
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      proc.stdout.on("data", (d: Buffer) => (log += d.toString()));
      proc.stderr.on("data", (d: Buffer) => (log += d.toString()));
      const running = () => proc.exitCode === null && proc.signalCode === null;
      const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
      try {
        const chainId = await until(
          "the RPC answering",
          async () => {
            const res = await fetch(`http://127.0.0.1:${rpcPort}`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
            });
            return ((await res.json()) as { result?: string }).result;
          },
          () => log,
          120_000,
          running,
        );
        expect(chainId).toMatch(/^0x[0-9a-f]+$/);

        const home = await until(
          "the home page answering 200",
          async () => {
            const res = await fetch(`http://127.0.0.1:${appPort}/`, { signal: AbortSignal.timeout(240_000) });
            return res.status === 200 ? res.status : undefined;
          },
          () => log,
          360_000,
          running,
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
          () => log,
          360_000,
          running,
        );
        expect(key.worker.toLowerCase()).toBe(worker);
        expect(log).toContain(`validator scheduler running for`);
        expect(log).toMatch(/\[worker\] /);

        const children = descendants(proc.pid!);
        expect(children.length).toBeGreaterThanOrEqual(4); // node, app server, next dev, worker
        proc.kill("SIGINT");
        expect(await exited).toBe(0);
        const deadline = Date.now() + 30_000;
        while (children.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        expect(children.filter(isAlive)).toEqual([]);
        for (const port of [rpcPort, appPort, dbPort]) expect(await portFree(port)).toBe(true);
        expect(log).not.toMatch(/\] exited \(/); // no child died on its own before the stop
      } finally {
        if (proc.exitCode === null) proc.kill("SIGKILL");
        for (const pid of descendants(proc.pid!)) if (isAlive(pid)) process.kill(pid, "SIGKILL");
      }
    },
  );
});
