// Child processes started by a test file: remembered until they exit, and SIGKILLed if the
// test process exits first, so a failing test never leaves a node behind.
import type { ChildProcess } from "node:child_process";

export { freePort } from "../../src/util/free-port.js";

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

export function trackProcess(proc: ChildProcess): ChildProcess {
  live.add(proc);
  proc.once("exit", () => live.delete(proc));
  return proc;
}

export function liveProcesses(): ChildProcess[] {
  return [...live];
}
