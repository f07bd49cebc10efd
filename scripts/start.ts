// `npm start [-- --validators N] [-- --no-app] [-- --rpc-port P] [-- --app-port P]`
// The newcomer's launcher: a devnet (one validator by default), the embedded database
// (PGlite served as Postgres), the app, and a CPU worker, all on embedded defaults, with
// data under .data/. Prints the RPC URL, chain id, app URL and dev accounts; Ctrl-C stops
// everything cleanly (children get SIGTERM, then SIGKILL after a grace period).
import "../chain/src/util/polyfills.js";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

interface LaunchOptions {
  validators: number;
  app: boolean;
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
        break;
      case "-h":
      case "--help":
        console.log(
          "usage: npm start -- [--validators N] [--rpc-port 8545] [--app-port 3000] [--db-port 54329] [--data-dir .data] [--no-app]",
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

class Supervisor {
  private children: { name: string; proc: ChildProcess }[] = [];
  private stopping = false;

  spawn(name: string, cmd: string, args: string[], env: Record<string, string> = {}): ChildProcess {
    const proc = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
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
      if (!this.stopping) {
        console.error(prefix(`exited (${signal ?? code}); stopping everything`));
        void this.stop(1);
      }
    });
    this.children.push({ name, proc });
    return proc;
  }

  async stop(exitCode = 0): Promise<never> {
    if (!this.stopping) {
      this.stopping = true;
      console.log("stopping…");
      // Reverse start order: app and worker first, the node last.
      for (const { proc } of [...this.children].reverse()) if (proc.exitCode === null) proc.kill("SIGTERM");
      const deadline = Date.now() + 10_000;
      while (
        this.children.some((c) => c.proc.exitCode === null && c.proc.signalCode === null) &&
        Date.now() < deadline
      )
        await new Promise((r) => setTimeout(r, 100));
      for (const { proc } of this.children)
        if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    }
    process.exit(exitCode);
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
    const chainId = await waitForRpc(rpcUrl, node);
    console.log(`chain id ${chainId} · RPC ${rpcUrl} (HTTP and WebSocket)`);
  } else {
    const net4 = sup.spawn("testnet", process.execPath, [
      tensorchain,
      "testnet",
      "--validators",
      String(opts.validators),
      "--data-dir",
      path.join(opts.dataDir, `testnet-${opts.validators}`),
      "--base-port",
      String(opts.rpcPort),
    ]);
    rpcUrl = `http://127.0.0.1:${opts.rpcPort}`;
    const chainId = await waitForRpc(rpcUrl, net4, 120_000);
    console.log(
      `chain id ${chainId} · ${opts.validators} validators · RPC ${rpcUrl} … port ${opts.rpcPort + opts.validators - 1}`,
    );
  }

  if (opts.app) {
    await assertPortFree(opts.appPort, "app");
    const app = sup.spawn(
      "app",
      process.execPath,
      ["--import", "tsx", path.join(root, "scripts", "app-server.ts")],
      {
        CHAIN_RPC_URL: rpcUrl,
        APP_PORT: String(opts.appPort),
        EMBEDDED_DB_PORT: String(opts.dbPort),
        DATA_DIR: opts.dataDir,
      },
    );
    void app;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof LaunchError ? `npm start: ${err.message}` : err);
  process.exit(1);
});
