// Shared by the Chromium tests: a free loopback port, `next dev --webpack` on it in its own
// build directory (so several test files and a developer's dev server do not collide), and
// headless Chromium from Debian's package driven by playwright-core.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const ROOT = path.resolve(import.meta.dirname, "../..");
export const SCREENSHOTS = path.join(ROOT, "screenshots");
export const hasChromium = existsSync(CHROMIUM);

import { freePort } from "@/chain/src/util/free-port";

export { freePort };

export interface NextDev {
  url: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts `next dev --webpack` with `env` added to this process's environment and waits until
 * `readyPath` answers 200 (the first request compiles it: slow on a busy machine).
 */
export async function startNextDev(opts: {
  env: Record<string, string>;
  name: string;
  readyPath?: string;
  timeoutMs?: number;
}): Promise<NextDev> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const distDir = `.next/${opts.name}-${process.pid}`;
  let log = "";
  // NODE_ENV: vitest sets "test", which next dev would warn about.
  const proc: ChildProcess = spawn(
    process.execPath,
    [
      path.join(ROOT, "node_modules/next/dist/bin/next"),
      "dev",
      "--webpack",
      "-H",
      "127.0.0.1",
      "-p",
      String(port),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "development",
        NEXT_DIST_DIR: distDir,
        NEXT_TELEMETRY_DISABLED: "1",
        APP_URL: url,
        ...opts.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  proc.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      await new Promise((r) => proc.once("exit", r));
    }
    rmSync(path.join(ROOT, distDir), { recursive: true, force: true });
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`next dev exited (${proc.exitCode}):\n${log}`);
    }
    try {
      const res = await fetch(url + (opts.readyPath ?? "/"), { signal: AbortSignal.timeout(120_000) });
      if (res.status === 200) return { url, log: () => log, stop };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`next dev did not serve ${url} in time:\n${log}`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
