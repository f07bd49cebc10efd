// Test helper: a real `tensorchain start --dev` process on loopback in a temp data dir.
//
//   const node = await startDevNode({ blockTimeMs: 200 });
//   const client = createPublicClient({ transport: http(node.rpcUrl) });
//   ... node.kill9(); await node.restart(); ... await node.stop();
//
// The RPC port is chosen by the node (port 0) on the first start and reused on restart, so
// clients made from `rpcUrl` keep working across restarts.
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { defineChain, type Chain } from "viem";
import { deriveAccounts } from "../../src/crypto/dev-accounts.js";
import type { DevAccount } from "../../src/crypto/dev-accounts.js";
import { DEV_CHAIN_ID } from "../../src/genesis/schema.js";

/**
 * viem `http()` options for tests on a shared, loaded machine: a generous timeout and no
 * automatic retry (a retried eth_sendRawTransaction would come back "already known").
 */
export const RPC_OPTS = { timeout: 60_000, retryCount: 0 } as const;

/** A viem chain for a test node or network: TEN as its currency, `rpcUrl` as its one HTTP endpoint. */
export function testChain(id: number, rpcUrl: string, name = "tensorchain-dev"): Chain {
  return defineChain({
    id,
    name,
    nativeCurrency: { name: "TEN", symbol: "TEN", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/tensorchain.js");

export interface DevNodeOptions {
  /** Target block time of the dev genesis in ms (default 250: fast tests). */
  blockTimeMs?: number;
  /** Use this data dir instead of a fresh temp dir (not removed by stop()). */
  dataDir?: string;
  /** Milliseconds to wait for the RPC to come up (default 60 s: tsx compiles on first start). */
  startTimeoutMs?: number;
  /** More `tensorchain start` options (e.g. ["--metrics-port", "0"]). */
  extraArgs?: string[];
  /**
   * Run the dev chain under BFT consensus (a one-validator network node, `--p2p-port 0`) instead
   * of the dev block producer, so blocks have commit certificates (tensorchain_getCommit,
   * tensorchain_getValidators). The same dev genesis (chain id, funded accounts), written first
   * with `tensorchain genesis --dev`.
   */
  bft?: boolean;
}

export interface DevNode {
  rpcUrl: string;
  wsUrl: string;
  dataDir: string;
  chainId: number;
  /** The 10 funded dev accounts (address + private key), Hardhat/Anvil's. */
  accounts: DevAccount[];
  /** Everything the process printed so far (stdout + stderr), for assertions and debugging. */
  output(): string;
  /** SIGTERM, wait for a clean exit, remove the temp dir. */
  stop(): Promise<void>;
  /** SIGKILL, no cleanup: the data dir stays for restart(). */
  kill9(): Promise<void>;
  /** Start again on the same data dir and port. */
  restart(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

function waitExit(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => p.once("exit", () => resolve()));
}

export async function startDevNode(opts: DevNodeOptions = {}): Promise<DevNode> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "tensorchain-devnode-"));
  const blockTime = opts.blockTimeMs ?? 250;
  let port = 0;
  let proc: ChildProcess | undefined;
  let log = "";

  const launch = async (): Promise<void> => {
    const args = [
      BIN,
      "start",
      "--dev",
      "--data-dir",
      dataDir,
      "--rpc-port",
      String(port),
      "--block-time",
      String(blockTime),
      ...(opts.bft ? ["--validator-key", path.join(dataDir, "validator-0.json"), "--p2p-port", "0"] : []),
      ...(opts.extraArgs ?? []),
    ];
    const p = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    proc = p;
    live.add(p);
    p.once("exit", () => live.delete(p));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        p.kill("SIGKILL");
        reject(new Error(`dev node did not start within ${opts.startTimeoutMs ?? 60_000} ms:\n${log}`));
      }, opts.startTimeoutMs ?? 60_000);
      const onData = (d: Buffer) => {
        log += d.toString();
        const m = /RPC listening on http:\/\/[^:]+:(\d+)/.exec(log.slice(-4096));
        if (m) {
          port = Number(m[1]);
          clearTimeout(timer);
          resolve();
        }
      };
      p.stdout!.on("data", onData);
      p.stderr!.on("data", (d: Buffer) => (log += d.toString()));
      p.once("exit", (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`dev node exited (${code ?? sig}) before its RPC came up:\n${log}`));
      });
    });
  };

  if (opts.bft && !existsSync(path.join(dataDir, "genesis.json"))) {
    await promisify(execFile)(process.execPath, [
      BIN,
      "genesis",
      "--out",
      dataDir,
      "--validators",
      "1",
      "--dev",
      "--block-time",
      String(blockTime),
    ]);
  }
  await launch();
  const node: DevNode = {
    get rpcUrl() {
      return `http://127.0.0.1:${port}`;
    },
    get wsUrl() {
      return `ws://127.0.0.1:${port}`;
    },
    dataDir,
    chainId: DEV_CHAIN_ID,
    accounts: deriveAccounts(10),
    output: () => log,
    async stop() {
      if (proc) {
        proc.kill("SIGTERM");
        const killer = setTimeout(() => proc?.kill("SIGKILL"), 10_000);
        await waitExit(proc);
        clearTimeout(killer);
      }
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async kill9() {
      if (!proc) return;
      proc.kill("SIGKILL");
      await waitExit(proc);
    },
    async restart() {
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        await waitExit(proc);
      }
      await launch();
    },
  };
  return node;
}
