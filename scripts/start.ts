// `npm start [-- --validators N] [-- --no-app] [-- --no-worker] [-- --rpc-port P] [-- --app-port P]`
// The newcomer's launcher: a devnet (one validator by default), the embedded database
// (PGlite served as Postgres), the app with the validator scheduler of the (first) dev
// validator, and a CPU worker registered for that validator, all on embedded defaults, with
// data under .data/. Prints the RPC URL, chain id, app URL, worker and dev accounts. Ctrl-C
// stops everything cleanly: children run in their own process groups and get SIGTERM one at
// a time in reverse start order (the worker releases its jobs while the app still answers),
// then SIGKILL after a grace period.
import "../chain/src/util/polyfills.js";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { privateKeyToAddress } from "viem/accounts";
import { readValidatorKeys } from "../chain/src/genesis/keys.js";
import { devWorkerPrivateKey } from "../lib/jobs/worker-keys";
import { childEnv } from "./env";

const root = path.resolve(import.meta.dirname, "..");

interface LaunchOptions {
  validators: number;
  app: boolean;
  worker: boolean;
  rpcPort: number;
  appPort: number;
  dbPort: number;
  dataDir: string;
}

export class LaunchError extends Error {
  override name = "LaunchError";
}

function parseArgs(argv: string[]): LaunchOptions {
  const opts: LaunchOptions = {
    validators: 1,
    app: true,
    worker: true,
    rpcPort: 8545,
    appPort: 3000,
    dbPort: 54329,
    dataDir: path.join(root, ".data"),
  };
  const int = (flag: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min || n > max)
      throw new LaunchError(`${flag} expects an integer from ${min} to ${max}, got ${v ?? "nothing"}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case "--validators":
        opts.validators = int(a, argv[++i], 1, 64);
        break;
      case "--rpc-port":
        opts.rpcPort = int(a, argv[++i], 1, 65535);
        break;
      case "--app-port":
        opts.appPort = int(a, argv[++i], 1, 65535);
        break;
      case "--db-port":
        opts.dbPort = int(a, argv[++i], 1, 65535);
        break;
      case "--data-dir":
        opts.dataDir = path.resolve(argv[++i] ?? "");
        break;
      case "--no-app":
        opts.app = false;
        opts.worker = false;
        break;
      case "--no-worker":
        opts.worker = false;
        break;
      case "-h":
      case "--help":
        console.log(
          "usage: npm start -- [--validators N] [--rpc-port 8545] [--app-port 3000] [--db-port 54329] [--data-dir .data] [--no-app] [--no-worker]",
        );
        process.exit(0);
        break;
      default:
        throw new LaunchError(`unknown option ${a} (see npm start -- --help)`);
    }
  }
  return opts;
}

async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", () =>
      reject(
        new LaunchError(
          `port ${port} (${what}) is in use; pick another with --${what}-port or stop what holds it`,
        ),
      ),
    );
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve()));
  });
}

/** Waits until the app answers HTTP at all (the first request makes next dev compile). */
async function waitForApp(url: string, child: ChildProcess, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new LaunchError("the app exited before answering");
    try {
      await fetch(url, { signal: AbortSignal.timeout(300_000) });
      return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new LaunchError(`the app did not answer on ${url} within ${timeoutMs / 1000}s`);
}

async function waitForRpc(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<bigint> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new LaunchError(`the node exited with code ${child.exitCode} before serving RPC`);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      const body = (await res.json()) as { result?: string };
      if (body.result) return BigInt(body.result);
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new LaunchError(`the node did not answer on ${url} within ${timeoutMs / 1000}s`);
}

interface Child {
  name: string;
  proc: ChildProcess;
  /** How long it gets between SIGTERM and SIGKILL. */
  graceMs: number;
}

class Supervisor {
  private children: Child[] = [];
  private stopping = false;

  constructor() {
    // Last resort on any exit path of this process: no child outlives the launcher.
    process.on("exit", () => {
      for (const c of this.children) if (alive(c.proc)) killGroup(c.proc, "SIGKILL");
    });
  }

  /**
   * Starts a child in its own process group, so a terminal's Ctrl-C reaches only this process
   * and the shutdown order stays ours. An `optional` child's exit leaves the rest running.
   */
  spawn(
    name: string,
    cmd: string,
    args: string[],
    opts: { env?: Record<string, string>; graceMs?: number; optional?: boolean } = {},
  ): ChildProcess {
    const proc = spawn(cmd, args, {
      cwd: root,
      env: childEnv(opts.env ?? {}),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const prefix = (line: string) => `[${name}] ${line}`;
    for (const stream of [proc.stdout, proc.stderr]) {
      let buf = "";
      stream?.on("data", (chunk: Buffer) => {
        buf += chunk.toString();
        const lines = buf.split("\n");
        buf = lines.pop() ?? "";
        for (const l of lines) console.log(prefix(l));
      });
    }
    proc.on("exit", (code, signal) => {
      if (this.stopping) return;
      if (opts.optional) console.error(prefix(`exited (${signal ?? code}); the rest keeps running`));
      else {
        console.error(prefix(`exited (${signal ?? code}); stopping everything`));
        void this.stop(1);
      }
    });
    this.children.push({ name, proc, graceMs: opts.graceMs ?? 10_000 });
    return proc;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  async stop(exitCode = 0): Promise<never> {
    if (!this.stopping) {
      this.stopping = true;
      console.log("stopping…");
      // Reverse start order, one at a time: the worker (releasing its jobs through the app),
      // then the app, the node last.
      for (const c of [...this.children].reverse()) {
        if (!alive(c.proc)) continue;
        c.proc.kill("SIGTERM");
        const deadline = Date.now() + c.graceMs;
        while (alive(c.proc) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        // The whole group: also what the child started (next dev under the app server).
        killGroup(c.proc, "SIGKILL");
      }
    }
    process.exit(exitCode);
  }
}

function alive(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (proc.pid !== undefined) process.kill(-proc.pid, signal);
  } catch {
    // the group is gone already
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(opts.dataDir, { recursive: true });
  const sup = new Supervisor();
  process.on("SIGINT", () => void sup.stop(0));
  process.on("SIGTERM", () => void sup.stop(0));

  await assertPortFree(opts.rpcPort, "rpc");
  const tensorchain = path.join(root, "chain", "bin", "tensorchain.js");
  let rpcUrl: string;
  let validatorKeyFile: string;
  if (opts.validators === 1) {
    const node = sup.spawn("node", process.execPath, [
      tensorchain,
      "start",
      "--dev",
      "--data-dir",
      path.join(opts.dataDir, "node"),
      "--rpc-port",
      String(opts.rpcPort),
    ]);
    rpcUrl = `http://127.0.0.1:${opts.rpcPort}`;
    validatorKeyFile = path.join(opts.dataDir, "node", "validator.json");
    const chainId = await waitForRpc(rpcUrl, node);
    console.log(`chain id ${chainId} · RPC ${rpcUrl} (HTTP and WebSocket)`);
  } else {
    const net4 = sup.spawn(
      "testnet",
      process.execPath,
      [
        tensorchain,
        "testnet",
        "--validators",
        String(opts.validators),
        "--data-dir",
        path.join(opts.dataDir, `testnet-${opts.validators}`),
        "--base-port",
        String(opts.rpcPort),
      ],
      { graceMs: 20_000 },
    );
    rpcUrl = `http://127.0.0.1:${opts.rpcPort}`;
    validatorKeyFile = path.join(opts.dataDir, `testnet-${opts.validators}`, "node-0", "validator.json");
    const chainId = await waitForRpc(rpcUrl, net4, 120_000);
    console.log(
      `chain id ${chainId} · ${opts.validators} validators · RPC ${rpcUrl} … port ${opts.rpcPort + opts.validators - 1}`,
    );
  }

  if (!opts.app) return;
  await assertPortFree(opts.appPort, "app");
  // The (first) dev validator's hotkey runs the scheduler; its dev worker key is derived from it.
  const validatorKey = existsSync(validatorKeyFile) ? readValidatorKeys(validatorKeyFile).hotkey : undefined;
  if (validatorKey === undefined)
    console.error(`no validator key at ${validatorKeyFile}: no validator scheduler and no worker`);
  const workerKey = opts.worker && validatorKey ? devWorkerPrivateKey(validatorKey.privateKey) : undefined;
  const appUrl = `http://127.0.0.1:${opts.appPort}`;
  const app = sup.spawn(
    "app",
    process.execPath,
    ["--import", "tsx", path.join(root, "scripts", "app-server.ts")],
    {
      env: {
        CHAIN_RPC_URL: rpcUrl,
        APP_PORT: String(opts.appPort),
        EMBEDDED_DB_PORT: String(opts.dbPort),
        DATA_DIR: opts.dataDir,
        ...(validatorKey ? { VALIDATOR_PRIVATE_KEY: validatorKey.privateKey } : {}),
        ...(workerKey ? { VALIDATOR_WORKER_ADDRESSES: privateKeyToAddress(workerKey) } : {}),
      },
      graceMs: 15_000,
    },
  );
  if (validatorKey) console.log(`validator scheduler for hotkey ${validatorKey.address}`);
  if (workerKey === undefined || validatorKey === undefined) return;

  await waitForApp(appUrl, app);
  if (sup.isStopping) return;
  sup.spawn(
    "worker",
    process.execPath,
    [
      path.join(root, "worker", "bin", "tensorchain-worker.js"),
      "run",
      "--api-url",
      appUrl,
      "--execution-provider",
      "cpu",
      "--shutdown-grace",
      "5s",
    ],
    // The key goes by environment, not argv (where `ps` would show it).
    { env: { WORKER_PRIVATE_KEY: workerKey }, graceMs: 15_000, optional: true },
  );
  console.log(
    `CPU worker ${privateKeyToAddress(workerKey)} for validator ${validatorKey.address} polling ${appUrl} (--no-worker to skip)`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof LaunchError ? `npm start: ${err.message}` : err);
  process.exit(1);
});
