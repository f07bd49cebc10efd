// Shared by the Chromium tests: a free loopback port, the app served on it by `next start` from
// one production build that every browser test file shares (built on first use, keyed by a hash
// of the app's sources, so an unchanged tree is not built again), headless Chromium from
// Debian's package driven by playwright-core, and both together (startBrowserApp). A production
// server answers a page in well under a second; `next dev` compiled each page again in every
// test file, minutes each on a loaded 2-core machine. (`npm start` itself, with `next dev`, is
// tested in scripts/start.test.ts.)
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from "playwright-core";
import type { Hex } from "viem";
import { expect } from "vitest";

export const CHROMIUM = "/usr/bin/chromium";
export const ROOT = path.resolve(import.meta.dirname, "../..");
export const SCREENSHOTS = path.join(ROOT, "screenshots");
export const hasChromium = existsSync(CHROMIUM);

import { freePort } from "@/chain/src/util/free-port";
import { isAlive } from "@/chain/src/util/pid";

export { freePort };

const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
/** What the build is made of: a change to any file here (tests excepted) makes a new build. */
const BUILD_INPUTS = ["app", "components", "lib", "chain/src", "contracts", "prisma", "public"];
const BUILD_FILES = ["next.config.ts", "package-lock.json", "tsconfig.json", "tsconfig.base.json"];
const TEST_HELPERS = path.join(ROOT, "lib/test");
const SOURCE = /\.(tsx?|jsx?|mjs|cjs|json|css|prisma|sol|svg|png|ico|txt)$/;

/** The key of the app's current sources (names the test build). */
export function testBuildKey(): string {
  const hash = createHash("sha256");
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        // lib/test holds test helpers (this file among them), never part of the app.
        if (entry.name !== "node_modules" && !entry.name.startsWith(".") && full !== TEST_HELPERS) walk(full);
      } else if (SOURCE.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        hash.update(path.relative(ROOT, full)).update("\0").update(readFileSync(full)).update("\0");
      }
    }
  };
  for (const d of BUILD_INPUTS) walk(path.join(ROOT, d));
  for (const f of BUILD_FILES)
    if (existsSync(path.join(ROOT, f))) hash.update(f).update(readFileSync(path.join(ROOT, f)));
  return hash.digest("hex").slice(0, 16);
}

/**
 * The production build the browser tests serve (`.next/test-build-<key>`, relative to the
 * project), made by the first test file that needs it; files running beside it wait for it.
 * Builds of other source states are removed. The type check is left to `npm run typecheck` and
 * the docs test, not repeated here.
 */
export async function testBuild(timeoutMs = 1_200_000): Promise<string> {
  const key = testBuildKey();
  const distDir = `.next/test-build-${key}`;
  const dir = path.join(ROOT, distDir);
  const done = path.join(dir, "TEST_BUILD_COMPLETE");
  const lock = `${dir}.lock`;
  const deadline = Date.now() + timeoutMs;
  mkdirSync(path.join(ROOT, ".next"), { recursive: true });
  while (!existsSync(done)) {
    if (Date.now() > deadline) throw new Error(`the test build ${distDir} did not finish in time`);
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building: wait for it, or take over if its process died.
      let owner = 0;
      try {
        owner = Number(readFileSync(path.join(lock, "pid"), "utf8"));
      } catch {
        // the lock is being made or removed
      }
      if (owner > 0 && !isAlive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (owner === 0 && Date.now() - statSafeMtime(lock) > 30_000)
        rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    try {
      writeFileSync(path.join(lock, "pid"), String(process.pid));
      for (const e of readdirSync(path.join(ROOT, ".next")))
        if (e.startsWith("test-build-") && !e.startsWith(`test-build-${key}`))
          rmSync(path.join(ROOT, ".next", e), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
      await runBuild(distDir, deadline - Date.now());
      writeFileSync(done, new Date().toISOString());
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return distDir;
}

function statSafeMtime(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** `next <args>` in production mode on `distDir`, its output collected (and stderr echoed if asked). */
function spawnNext(
  args: string[],
  distDir: string,
  env: Record<string, string>,
  echoStderr = false,
): { proc: ChildProcess; log: () => string } {
  let log = "";
  const proc = spawn(process.execPath, [NEXT_BIN, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_DIST_DIR: distDir,
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => {
    log += d.toString();
    // The server's errors go to the test's output too (a page's 500 is explained there).
    if (echoStderr) process.stderr.write(`[app] ${d.toString()}`);
  });
  return { proc, log: () => log };
}

async function runBuild(distDir: string, timeoutMs: number): Promise<void> {
  const { proc, log } = spawnNext(["build", "--webpack"], distDir, { NEXT_SKIP_TYPECHECK: "1" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((r) => proc.once("exit", (c) => r(c)));
  clearTimeout(timer);
  if (code !== 0)
    throw new Error(`next build for the browser tests failed (${code}):\n${log().slice(-8000)}`);
}

export interface NextServer {
  url: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Serves the shared test build (testBuild) with `next start` on a free port, with `env` added to
 * this process's environment (the app reads its configuration at run time), and waits until
 * `readyPath` answers 200. `timeoutMs` covers a build that this call has to make or wait for.
 */
export async function startNextServer(opts: {
  env: Record<string, string>;
  readyPath?: string;
  timeoutMs?: number;
}): Promise<NextServer> {
  const deadline = Date.now() + (opts.timeoutMs ?? 1_200_000);
  const distDir = await testBuild(deadline - Date.now());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { proc, log } = spawnNext(
    ["start", "-H", "127.0.0.1", "-p", String(port)],
    distDir,
    { APP_URL: url, ...opts.env },
    true,
  );
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      await new Promise((r) => proc.once("exit", r));
    }
  };
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`next start exited (${proc.exitCode}):\n${log()}`);
    }
    try {
      const res = await fetch(url + (opts.readyPath ?? "/"), { signal: AbortSignal.timeout(60_000) });
      if (res.status === 200) return { url, log, stop };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`next start did not serve ${url} in time:\n${log()}`);
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

export interface BrowserApp {
  app: NextServer;
  browser: Browser;
  /**
   * A new page. Navigations may take `navigationTimeoutMs` (default 300 s) and other waits 180 s:
   * generous, for a loaded machine.
   */
  newPage(opts?: BrowserContextOptions & { navigationTimeoutMs?: number }): Promise<Page>;
  stop(): Promise<void>;
}

/** The app (startNextServer) and Chromium, with the screenshots folder made. */
export async function startBrowserApp(opts: Parameters<typeof startNextServer>[0]): Promise<BrowserApp> {
  const app = await startNextServer(opts);
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (err) {
    await app.stop();
    throw err;
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    app,
    browser,
    async newPage({ navigationTimeoutMs = 300_000, ...o } = {}) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, ...o });
      // The page's own errors go to the test's output: a failing wait then says why.
      page.on("pageerror", (err) => process.stderr.write(`[page error] ${err.stack ?? err.message}\n`));
      page.on("console", (msg) => {
        if (msg.type() === "error") process.stderr.write(`[page console] ${msg.text()}\n`);
      });
      page.setDefaultNavigationTimeout(navigationTimeoutMs);
      page.setDefaultTimeout(180_000);
      return page;
    },
    async stop() {
      await browser.close();
      await app.stop();
    },
  };
}

// Wallet-connected pages (the portals): hydration, cards, and a write's outcome as TxStatus shows it.

/** Waits until React has hydrated the header's wallet control (a click before that is lost). */
export async function hydrated(page: Page): Promise<void> {
  await page.locator(".wallet[data-hydrated]").waitFor();
}

export async function open(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await hydrated(page);
  await page.getByTestId("wallet-account").waitFor();
}

/** The portal card with this title. */
export function card(page: Page, title: string): Locator {
  return page.locator("section.ui-card", {
    has: page.getByRole("heading", { name: title, exact: true }),
  });
}

export interface Outcome {
  status: "confirmed" | "failed";
  hash: Hex | null;
  error: string | null;
}

/**
 * Clicks `button` in `scope` and waits for that write's outcome (the write after the card's
 * previous one: TxStatus counts them in data-attempt).
 */
export async function write(scope: Locator, button: Locator): Promise<Outcome> {
  const status = scope.getByTestId("tx-status");
  const before = (await status.count()) > 0 ? Number(await status.getAttribute("data-attempt")) : 0;
  await button.click();
  await scope
    .locator(
      `[data-testid="tx-status"][data-attempt="${before + 1}"]:is([data-status="confirmed"], [data-status="failed"])`,
    )
    .waitFor();
  const result = (await status.getAttribute("data-status")) as Outcome["status"];
  const link = scope.getByTestId("tx-link");
  const href = (await link.count()) > 0 ? await link.getAttribute("href") : null;
  return {
    status: result,
    hash: href ? (href.slice("/tx/".length) as Hex) : null,
    error: result === "failed" ? await scope.getByTestId("tx-error").innerText() : null,
  };
}

export async function confirmed(scope: Locator, button: Locator): Promise<Hex> {
  const o = await write(scope, button);
  expect(o).toMatchObject({ status: "confirmed", error: null });
  expect(o.hash).toMatch(/^0x[0-9a-f]{64}$/);
  return o.hash!;
}
