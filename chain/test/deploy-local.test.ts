// "Run the same topology as local processes": `tensorchain deploy` output, started as real node
// processes on loopback from the generated `nodes/<name>/local.json` configs, must make blocks
// that every validator agrees on, and `tensorchain status` must see each node up.
//
// The validators run through the multi-validator node entry (validator-main.ts, what
// `tensorchain testnet` spawns) with the arguments derived from each config by toBftNodeArgs.
// The bootstrap node is not started: validator-main has no bootstrap mode yet, and the
// generated configs let validators dial each other directly.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnValidator } from "../src/cli/testnet.js";
import { queryNodeStatus } from "../src/cli/status.js";
import { generateDeployment } from "../src/deploy/generate.js";
import { loadNodeConfig, prepareDataDir, toBftNodeArgs } from "../src/deploy/node-config.js";
import type { NodeConfig } from "../src/deploy/node-config.js";

const VALIDATORS = 3;

async function portFree(port: number): Promise<boolean> {
  const srv = createServer();
  return new Promise((resolve) => {
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A base port whose 3 × (validators + 1) successors are all free right now. */
async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error("no free port range on loopback");
}

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

describe("deploy topology as local processes", () => {
  let dir: string;
  const procs: ChildProcess[] = [];
  const logs: string[] = [];
  let configs: NodeConfig[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tensorchain-deploy-local-"));
    const base = await freePortRange(3 * (VALIDATORS + 1));
    const { plan } = await generateDeployment({
      out: dir,
      validators: VALIDATORS,
      dev: true,
      blockTimeMs: 300,
      localBasePort: base,
    });
    configs = plan.validators.map((v) => loadNodeConfig(path.join(dir, "nodes", v.name, "local.json")));
    await Promise.all(
      configs.map((c, i) => {
        prepareDataDir(c);
        const p = spawnValidator(toBftNodeArgs(c));
        procs.push(p);
        logs[i] = "";
        return new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${c.name} did not start:\n${logs[i]}`)), 90_000);
          const onData = (d: Buffer) => {
            logs[i] += d.toString();
            if (logs[i]!.includes("RPC listening on")) {
              clearTimeout(timer);
              resolve();
            }
          };
          p.stdout!.on("data", onData);
          p.stderr!.on("data", (d: Buffer) => (logs[i] += d.toString()));
          p.once("exit", (code, sig) => {
            clearTimeout(timer);
            reject(new Error(`${c.name} exited (${code ?? sig}):\n${logs[i]}`));
          });
        });
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      procs.map(
        (p) =>
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

  it("makes blocks every validator agrees on, and status sees each node up", async () => {
    const urls = configs.map((c) => `http://${c.rpc.host}:${c.rpc.port}`);
    const target = 3;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const heights = await Promise.all(urls.map((u) => rpc<string>(u, "eth_blockNumber").then(BigInt)));
      if (heights.every((h) => h >= BigInt(target))) break;
      if (Date.now() > deadline)
        throw new Error(
          `heights ${heights.join(", ")} after 120 s:\n${logs.map((l) => l.slice(-1500)).join("\n---\n")}`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
    const hashes = await Promise.all(
      urls.map((u) => rpc<{ hash: string }>(u, "eth_getBlockByNumber", [`0x${target.toString(16)}`, false])),
    );
    expect(new Set(hashes.map((b) => b.hash)).size).toBe(1);
    for (const u of urls) {
      const s = await queryNodeStatus(u, { timeoutMs: 10_000 });
      expect(s.health, s.problems.join("; ")).not.toBe("down");
      expect(s.validators).toBe(VALIDATORS);
      expect(s.height! >= BigInt(target)).toBe(true);
    }
  }, 150_000);

  it.todo(
    "runs the bootstrap node and validators via `tensorchain start --config nodes/<name>/local.json`: " +
      "start has no --config option and no bootstrap mode yet (needs loadNodeConfig + prepareDataDir + toBftNodeConfig in cmdStart)",
  );
});
