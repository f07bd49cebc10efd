// The long-running monitor: one check every MONITOR_INTERVAL_MS until the signal aborts. A
// failed check (database unreachable, say) is logged and the loop goes on: the monitor is what
// must keep running while other things break.
import { runMonitorCheck, type CheckResult, type MonitorDeps } from "./check";

export interface RunMonitorOptions {
  deps: MonitorDeps;
  signal: AbortSignal;
  /** Called after every successful check (tests, progress output). */
  onCheck?: (r: CheckResult) => void;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

export async function runMonitor(opts: RunMonitorOptions): Promise<void> {
  const log = opts.deps.log ?? ((l: string) => console.log(`[monitor] ${l}`));
  while (!opts.signal.aborted) {
    try {
      opts.onCheck?.(await runMonitorCheck(opts.deps));
    } catch (err) {
      log(
        `check failed, retrying in ${opts.deps.config.intervalMs} ms: ${(err as Error).message.split("\n")[0]}`,
      );
    }
    await sleep(opts.deps.config.intervalMs, opts.signal);
  }
}
