// CPU time of other processes, for benchmarks that report CPU per unit of work next to wall-clock
// figures (a CPU figure holds on a shared, loaded machine where wall-clock ones drift).
import { readdirSync, readFileSync } from "node:fs";

/** User + system CPU time of a process in ms, from /proc (Linux); NaN elsewhere or once it exited. */
export function processCpuMs(pid: number | undefined): number {
  try {
    // Fields after the command name (which is in parentheses and may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return NaN;
  }
}

/** The direct children of a process (Linux /proc); empty where unavailable. */
export function childPids(pid: number | undefined): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Scheduler totals of a process, summed over its threads (Linux /proc/<pid>/task/<tid>/schedstat):
 * time on a CPU and time runnable but waiting for one, in ms; NaN where unavailable.
 */
export function processSchedMs(pid: number | undefined): { onCpu: number; waiting: number } {
  try {
    let onCpu = 0;
    let waiting = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ");
      onCpu += Number(run) / 1e6;
      waiting += Number(wait) / 1e6;
    }
    return { onCpu, waiting };
  } catch {
    return { onCpu: NaN, waiting: NaN };
  }
}
