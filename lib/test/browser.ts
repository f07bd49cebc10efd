// Shared by the Chromium tests: a free loopback port, `next dev --webpack` on it in its own
// build directory (so several test files and a developer's dev server do not collide),
// headless Chromium from Debian's package driven by playwright-core, and both together
// (startBrowserApp) with pages whose waits allow for `next dev` compiling on a loaded machine.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from "playwright-core";
import type { Hex } from "viem";
import { expect } from "vitest";

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

export interface BrowserApp {
  app: NextDev;
  browser: Browser;
  /**
   * A new page. Its first visit of a route waits for `next dev` to compile it: slow on a loaded
   * machine, so navigations may take `navigationTimeoutMs` (default 300 s) and other waits 180 s.
   */
  newPage(opts?: BrowserContextOptions & { navigationTimeoutMs?: number }): Promise<Page>;
  stop(): Promise<void>;
}

/**
 * `next dev` (see startNextDev; its first compile may take up to 20 minutes here, a loaded
 * machine's worst) and Chromium, with the screenshots folder made.
 */
export async function startBrowserApp(opts: Parameters<typeof startNextDev>[0]): Promise<BrowserApp> {
  const app = await startNextDev({ timeoutMs: 1_200_000, ...opts });
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
