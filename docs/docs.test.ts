// Every command in docs/*.md is run here against a real node: a single-validator network node
// (`tensorchain genesis --dev` + `tensorchain start --p2p-port`, so the `tensorchain_*` consensus
// methods and the metrics endpoint exist too). For each page, in reading order:
//   - its ```sh blocks run as one bash script (set -euo pipefail, so every command must exit 0);
//     a command marked `# long-running` (a node, a worker) runs until it prints its first line
//     (a node prints once it listens), then gets SIGTERM and must shut down cleanly (exit 0);
//     it is started as the workspace binary itself rather than through npx, which would not
//     pass the signal on;
//   - each ```ts block is executed with tsx; a block whose first line is `// browser` (wagmi,
//     MetaMask) is type-checked instead.
// The pages address the node as a reader's would be: http://127.0.0.1:8545 (RPC) and
// http://127.0.0.1:9615 (metrics); the test substitutes the real addresses. Commands and code
// run from a scratch directory inside the repository (`.tmp/`, git-ignored), so `npx` finds the
// workspace binaries; the examples' `./contracts/...` imports are re-pointed at the root.
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "chain/bin/tensorchain.js");
const WORK = path.join(ROOT, ".tmp", `docs-test-${process.pid}`);
/** Reading order: a subnet exists before miners join it. */
const PAGES = ["subnet-owners.md", "miners.md", "validators.md", "developers.md"];
const run = promisify(execFile);

interface DocBlock {
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

function docBlocks(markdown: string): DocBlock[] {
  const out: DocBlock[] = [];
  const re = /^```([a-z]*)[^\n]*\n([\s\S]*?)^```\s*$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    out.push({ lang: m[1]!, code: m[2]!, line: markdown.slice(0, m.index).split("\n").length });
  }
  return out;
}

let node: ChildProcess | undefined;
let log = "";
let rpcHostPort = "";
let metricsHostPort = "";

/** Bash function the long-running commands are run through (see the header). */
const LONG_RUNNING = `
longrun() {
  local out; out=$(mktemp)
  "$@" >"$out" 2>&1 &
  local pid=$! rc=0
  for _ in $(seq 1 900); do
    if [ -s "$out" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.2
  done
  sleep 2
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || rc=$?
  cat "$out"
  echo "long-running command exited with status $rc"
  return "$rc"
}
`;

function substitute(code: string): string {
  return code
    .replaceAll("127.0.0.1:8545", rpcHostPort)
    .replaceAll("127.0.0.1:9615", metricsHostPort)
    .split("\n")
    .map((line) => {
      const m = /^npx (\S+)(.*?)\s*# long-running\s*$/.exec(line);
      if (!m) return line;
      const bin = path.join(ROOT, "node_modules/.bin", m[1]!);
      return `longrun ${bin}${m[2]}`;
    })
    .join("\n");
}

async function sh(script: string, page: string): Promise<void> {
  try {
    await run("bash", ["-c", `set -euo pipefail\n${LONG_RUNNING}\n${script}`], {
      cwd: path.join(WORK, page),
      timeout: 600_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`sh blocks of ${page} failed (exit ${err.code}):\n${err.stdout}\n${err.stderr}`);
  }
}

describe("docs: every command runs", () => {
  beforeAll(async () => {
    mkdirSync(WORK, { recursive: true });
    await run(
      process.execPath,
      [BIN, "genesis", "--out", path.join(WORK, "net"), "--validators", "1", "--dev", "--block-time", "300"],
      { timeout: 120_000 },
    );
    node = spawn(
      process.execPath,
      [
        BIN,
        "start",
        "--data-dir",
        path.join(WORK, "node"),
        "--genesis",
        path.join(WORK, "net/genesis.json"),
        "--validator-key",
        path.join(WORK, "net/validator-0.json"),
        "--rpc-port",
        "0",
        "--p2p-port",
        "0",
        "--metrics-port",
        "0",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const p = node;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`node did not start:\n${log}`)), 120_000);
      const onData = (d: Buffer) => {
        log += d.toString();
        const rpc = /RPC listening on http:\/\/(\S+?)[\s/]/.exec(log);
        const metrics = /Metrics on http:\/\/(\S+?)\/metrics/.exec(log);
        if (rpc && metrics) {
          rpcHostPort = rpc[1]!;
          metricsHostPort = metrics[1]!;
          clearTimeout(timer);
          resolve();
        }
      };
      p.stdout!.on("data", onData);
      p.stderr!.on("data", (d: Buffer) => (log += d.toString()));
      p.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`node exited (${code}):\n${log}`));
      });
    });
  }, 180_000);

  afterAll(async () => {
    if (node && node.exitCode === null && node.signalCode === null) {
      const exited = new Promise((r) => node!.once("exit", r));
      node.kill("SIGTERM");
      const killer = setTimeout(() => node?.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(WORK, { recursive: true, force: true });
  }, 30_000);

  const browserBlocks: { page: string; block: DocBlock }[] = [];

  for (const page of PAGES) {
    it(`${page}: its sh commands exit 0 and its ts examples run`, async () => {
      const md = readFileSync(path.join(ROOT, "docs", page), "utf8");
      const blocks = docBlocks(md);
      const dir = path.join(WORK, page);
      mkdirSync(dir, { recursive: true });
      const script = blocks
        .filter((b) => b.lang === "sh")
        .map((b) => `# ${page}:${b.line}\n${substitute(b.code)}`)
        .join("\n");
      if (script) await sh(script, page);
      const rel = path.relative(dir, ROOT);
      for (const [i, b] of blocks.entries()) {
        if (b.lang !== "ts") continue;
        if (b.code.startsWith("// browser")) {
          browserBlocks.push({ page, block: b });
          continue;
        }
        const file = path.join(dir, `example-${i}.ts`);
        writeFileSync(file, substitute(b.code).replaceAll(`from "./`, `from "${rel}/`));
        try {
          await run(process.execPath, ["--import", "tsx", file], { cwd: dir, timeout: 300_000 });
        } catch (e) {
          const err = e as { stdout?: string; stderr?: string };
          throw new Error(`${page}:${b.line} (ts example) failed:\n${err.stdout}\n${err.stderr}`);
        }
      }
      expect(blocks.length).toBeGreaterThan(0);
    }, 900_000);
  }

  it("type-checks the browser examples (wagmi, MetaMask)", async () => {
    expect(browserBlocks.length).toBeGreaterThan(0);
    const dir = path.join(WORK, "browser");
    mkdirSync(dir, { recursive: true });
    const rel = path.relative(dir, ROOT);
    const files = browserBlocks.map(({ block }, i) => {
      const file = path.join(dir, `example-${i}.ts`);
      // Each example is its own module.
      writeFileSync(file, `${block.code.replaceAll(`from "./`, `from "${rel}/`)}\nexport {};\n`);
      return file;
    });
    try {
      await run(
        process.execPath,
        [
          path.join(ROOT, "node_modules/typescript/bin/tsc"),
          "--noEmit",
          "--strict",
          "--skipLibCheck",
          "--target",
          "es2022",
          "--module",
          "esnext",
          "--moduleResolution",
          "bundler",
          "--lib",
          "es2022,dom",
          ...files,
        ],
        { cwd: dir, timeout: 300_000 },
      );
    } catch (e) {
      const err = e as { stdout?: string };
      throw new Error(
        `browser examples do not type-check (${browserBlocks.map((b) => `${b.page}:${b.block.line}`).join(", ")}):\n${err.stdout}`,
      );
    }
  }, 300_000);
});
