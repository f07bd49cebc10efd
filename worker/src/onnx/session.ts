// An onnxruntime session isolated in its own child process (session-host.ts), with a time limit
// per load and per run and a memory limit enforced by watching the child's resident set size.
// Whatever the model does — throw, hang, allocate without bound, crash — the worker process
// survives and gets a WorkerError with a clear reason.
import { fork, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { WorkerError } from "../errors.js";
import { firstNonFinite, type HostTensor } from "../tensor.js";
import { PROGRESS_REPORT_MS, type ExecutionProvider, type FromHost, type ToHost } from "./host-protocol.js";
import type { ModelSignature } from "./signature.js";
import type { BatchPlan } from "./batches.js";

export interface SessionLimits {
  /** Model load (parse + graph optimization) budget. */
  loadTimeoutMs: number;
  /** Budget of one run call. */
  runTimeoutMs: number;
  /** Resident set size of the host process at which it is killed. */
  memoryLimitBytes: number;
  /** onnxruntime intra-op threads per session. */
  intraOpThreads: number;
}

export interface CreateSessionOptions extends SessionLimits {
  providers: ExecutionProvider[];
  /** Shared by the sessions of one worker: bounds how many compute at once (its concurrency). */
  gate?: RunGate;
}

const MEMORY_POLL_MS = 50;
const STDERR_TAIL = 2048;

function hostEntry(): { file: string; execArgv: string[] } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const js = path.join(here, "session-host.js");
  if (existsSync(js)) return { file: js, execArgv: [] };
  // Running from TypeScript sources (tsx, vitest): the child needs tsx's loader, resolved to an
  // absolute URL so it works whatever the working directory.
  const require = createRequire(import.meta.url);
  const tsxDir = path.dirname(require.resolve("tsx/package.json"));
  return {
    file: path.join(here, "session-host.ts"),
    execArgv: ["--import", pathToFileURL(path.join(tsxDir, "dist", "loader.mjs")).href],
  };
}

/** Resident set size of a process in bytes (Linux /proc), or undefined where unavailable. */
async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

type Pending = {
  resolve: (msg: FromHost) => void;
  reject: (err: WorkerError) => void;
  /** The host began this request (it may wait behind earlier ones). */
  started: () => void;
  progress: (msg: Extract<FromHost, { type: "progress" }>) => void;
};

/**
 * Permits for running models: at most `size` session hosts compute at once, whatever the number
 * of requests queued in them. A session holds one permit while it has requests outstanding, so
 * a request to a busy session queues in its host (no gap between two runs) without one.
 */
export class RunGate {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}

export class IsolatedSession {
  readonly signature: ModelSignature;
  readonly provider: ExecutionProvider;
  /** Set when CUDA was requested but session creation on it failed. */
  readonly cudaError: string | undefined;
  private readonly child: ChildProcess;
  private readonly limits: SessionLimits;
  private readonly gate: RunGate | undefined;
  /** Requests sent to the host and not answered yet, in the order the host runs them. */
  private readonly pending = new Map<number, Pending>();
  /** Sends wait here for the gate, so requests reach the host in call order. */
  private sendQueue: Promise<unknown> = Promise.resolve();
  /** This session holds a gate permit: from its first outstanding request to its last reply. */
  private holdsPermit = false;
  /** Sends waiting for the host to have nothing outstanding (see request's `exclusive`). */
  private readonly idleWaiters: (() => void)[] = [];
  private nextId = 1;
  private hostDatasetKey: string | undefined;
  private exitReason: WorkerError | undefined;
  private readonly exitListeners: (() => void)[] = [];

  private constructor(
    child: ChildProcess,
    limits: SessionLimits,
    loaded: Extract<FromHost, { type: "loaded" }>,
    gate: RunGate | undefined,
  ) {
    this.child = child;
    this.limits = limits;
    this.gate = gate;
    this.signature = loaded.signature;
    this.provider = loaded.provider;
    this.cudaError = loaded.cudaError;
  }

  /** Starts a host process and loads the model into it. Invalid bytes → MODEL_INVALID. */
  static async create(model: Uint8Array, opts: CreateSessionOptions): Promise<IsolatedSession> {
    const entry = hostEntry();
    const child = fork(entry.file, [], {
      execArgv: [
        ...entry.execArgv,
        `--max-old-space-size=${Math.max(64, Math.floor(opts.memoryLimitBytes / 2 ** 20))}`,
      ],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    const loaded = await new Promise<Extract<FromHost, { type: "loaded" }>>((resolve, reject) => {
      const onMessage = (msg: FromHost) => {
        if (msg.type === "loaded") {
          cleanup();
          resolve(msg);
        } else if (msg.type === "load-error") {
          cleanup();
          child.kill("SIGKILL");
          reject(
            new WorkerError("MODEL_INVALID", `model cannot be loaded: ${firstLine(msg.message)}`, {
              details: msg.message,
            }),
          );
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        reject(
          killedReason ??
            new WorkerError(
              "SESSION_CRASHED",
              `model host exited while loading (${signal ?? `code ${code}`})`,
              {
                details: stderr,
              },
            ),
        );
      };
      let killedReason: WorkerError | undefined;
      const timer = setTimeout(() => {
        killedReason = new WorkerError(
          "INFERENCE_TIMEOUT",
          `model load exceeded ${opts.loadTimeoutMs} ms and was killed`,
        );
        child.kill("SIGKILL");
      }, opts.loadTimeoutMs);
      const stopWatch = watchMemory(child, opts.memoryLimitBytes, (rss) => {
        killedReason = memoryError(rss, opts.memoryLimitBytes, "loading");
        child.kill("SIGKILL");
      });
      const cleanup = () => {
        clearTimeout(timer);
        stopWatch();
        child.off("message", onMessage);
        child.off("exit", onExit);
      };
      child.on("message", onMessage);
      child.on("exit", onExit);
      // A host that cannot even start (spawn failure) may never emit "exit".
      child.once("error", (err) => {
        cleanup();
        child.kill("SIGKILL");
        reject(new WorkerError("SESSION_CRASHED", `cannot start model host: ${err.message}`, { cause: err }));
      });
      const msg: ToHost = {
        type: "load",
        model,
        providers: opts.providers,
        intraOpThreads: opts.intraOpThreads,
      };
      child.send(msg);
    });
    const session = new IsolatedSession(child, opts, loaded, opts.gate);
    child.on("message", (msg: FromHost) => session.onMessage(msg));
    child.on("exit", (code, signal) => session.handleExit(code, signal, stderr));
    child.on("error", () => undefined); // a dead host is reported through "exit"
    return session;
  }

  get alive(): boolean {
    return this.exitReason === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Called once when the host process ends for any reason (kill, crash, dispose). */
  onExit(listener: () => void): void {
    if (!this.alive) listener();
    else this.exitListeners.push(listener);
  }

  private handleExit(code: number | null, signal: string | null, stderr: string): void {
    this.exitReason ??= new WorkerError(
      "SESSION_CRASHED",
      `model host exited unexpectedly (${signal ?? `code ${code}`})`,
      { details: stderr },
    );
    // The run that was going on gets the reason; those queued behind it never ran, so their
    // jobs are not the model's fault here: they are given back to be run again.
    const pending = [...this.pending.values()];
    this.pending.clear();
    pending.forEach((p, i) =>
      p.reject(
        i === 0
          ? this.exitReason!
          : new WorkerError("SESSION_LOST", "the model host ended before this run started"),
      ),
    );
    for (const l of this.exitListeners.splice(0)) l();
  }

  private onMessage(msg: FromHost): void {
    if (msg.type === "loaded" || msg.type === "load-error") return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === "started") {
      p.started();
      return;
    }
    if (msg.type === "progress") {
      p.progress(msg);
      return;
    }
    this.pending.delete(msg.id);
    p.resolve(msg);
  }

  /**
   * Runs the model once. Requests to one session run one after the other in the host; each is
   * sent as soon as it is made (so the host goes from one straight to the next), and its time
   * limit starts when the host starts it, not while it waits behind another. Floating outputs
   * containing NaN or ±Infinity are rejected with NON_FINITE_OUTPUT.
   */
  run(
    feeds: Record<string, HostTensor>,
    fetches: string[],
    timeoutMs = this.limits.runTimeoutMs,
  ): Promise<Record<string, HostTensor>> {
    return this.request((id) => [{ type: "run", id, feeds, fetches }], timeoutMs);
  }

  /**
   * Runs the model over a whole data set in batches inside the host: the inputs cross to the
   * host once per (session, key) and stay there, so repeated evaluations cost one round trip.
   * The time limit applies to each batch: the host reports progress at most every
   * PROGRESS_REPORT_MS (and after the last batch), so a batch is stopped between the limit and the
   * limit plus PROGRESS_REPORT_MS after it started. `onProgress` gets the items done and the time
   * of each batch finished since its previous call.
   * `onStarted` is called when the host starts it (after any request queued before it).
   */
  runDataset(
    key: string,
    inputs: Record<string, HostTensor>,
    fetches: string[],
    plan: BatchPlan,
    opts: {
      timeoutMs?: number;
      onProgress?: (done: number, total: number, batchSeconds: number[]) => void;
      onStarted?: () => void;
    } = {},
  ): Promise<Record<string, HostTensor>> {
    return this.request(
      (id) => {
        const msgs: ToHost[] = [];
        if (this.hostDatasetKey !== key) msgs.push({ type: "dataset", key, inputs });
        this.hostDatasetKey = key;
        msgs.push({ type: "runDataset", id, key, fetches, plan });
        return msgs;
      },
      opts.timeoutMs ?? this.limits.runTimeoutMs,
      opts.onProgress,
      opts.onStarted,
      // A new data set is sent only to an idle host: its memory then counts against its own run,
      // never against the run it would otherwise arrive during.
      () => this.hostDatasetKey !== key,
    );
  }

  private async request(
    build: (id: number) => ToHost[],
    timeoutMs: number,
    onProgress?: (done: number, total: number, batchSeconds: number[]) => void,
    onStarted?: () => void,
    exclusive?: () => boolean,
  ): Promise<Record<string, HostTensor>> {
    if (!this.alive) throw this.exitReason ?? new WorkerError("SESSION_CRASHED", "model host is not running");
    // A session with requests outstanding holds a gate permit already; an idle one takes one
    // first. Chained so that requests are sent in the order they were made.
    // (No event can run between this check and the request's registration below: only
    // microtasks separate them.)
    const send = this.sendQueue.then(async () => {
      if (exclusive?.() && this.pending.size > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
      if (this.gate && !this.holdsPermit) {
        await this.gate.acquire();
        this.holdsPermit = true;
      }
      if (!this.alive) {
        this.releasePermit();
        throw this.exitReason ?? new WorkerError("SESSION_CRASHED", "model host is not running");
      }
    });
    this.sendQueue = send.catch(() => undefined);
    await send;
    const id = this.nextId++;
    const reply = await new Promise<FromHost>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let stopWatch: () => void = () => undefined;
      const arm = (slackMs = 0) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          this.kill(
            new WorkerError("INFERENCE_TIMEOUT", `inference exceeded ${timeoutMs} ms and was killed`),
          );
        }, timeoutMs + slackMs);
      };
      const done = () => {
        clearTimeout(timer);
        stopWatch();
        if (this.pending.size === 0) {
          this.releasePermit();
          for (const wake of this.idleWaiters.splice(0)) wake();
        }
      };
      this.pending.set(id, {
        resolve: (m) => {
          done();
          resolve(m);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        started: () => {
          arm();
          stopWatch = watchMemory(this.child, this.limits.memoryLimitBytes, (rss) => {
            this.kill(memoryError(rss, this.limits.memoryLimitBytes, "running"));
          });
          onStarted?.();
        },
        progress: (m) => {
          // The batch now running may have started up to PROGRESS_REPORT_MS after this report.
          arm(PROGRESS_REPORT_MS);
          onProgress?.(m.done, m.total, m.seconds);
        },
      });
      for (const msg of build(id)) {
        this.child.send(msg, (err) => {
          if (err) this.kill(new WorkerError("SESSION_CRASHED", `cannot reach model host: ${err.message}`));
        });
      }
    });
    if (reply.type === "run-error") {
      if (reply.code === "OUTPUT_SHAPE") throw new WorkerError("OUTPUT_SHAPE", firstLine(reply.message));
      throw new WorkerError("INFERENCE_FAILED", `model raised an error: ${firstLine(reply.message)}`, {
        details: reply.message,
      });
    }
    if (reply.type !== "result" || reply.id !== id) {
      throw new WorkerError("SESSION_CRASHED", "model host answered out of order");
    }
    for (const [name, t] of Object.entries(reply.outputs)) {
      const at = firstNonFinite(t);
      if (at >= 0) {
        throw new WorkerError(
          "NON_FINITE_OUTPUT",
          `model output "${name}" contains ${t.data[at]} at element ${at}`,
        );
      }
    }
    return reply.outputs;
  }

  private releasePermit(): void {
    if (!this.holdsPermit) return;
    this.holdsPermit = false;
    this.gate?.release();
  }

  private kill(reason: WorkerError): void {
    this.exitReason ??= reason;
    this.child.kill("SIGKILL");
  }

  /** Ends the host process; pending runs fail. Safe to call twice. */
  async dispose(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.kill(new WorkerError("SESSION_CRASHED", "model session was disposed"));
    await exited;
  }
}

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? s).slice(0, 300);
}

function memoryError(rss: number, limit: number, phase: string): WorkerError {
  return new WorkerError(
    "MEMORY_LIMIT",
    `model used ${Math.round(rss / 2 ** 20)} MiB while ${phase}, over the ${Math.round(limit / 2 ** 20)} MiB limit, and was killed`,
  );
}

/** Polls the child's RSS while an operation is in flight; returns the stop function. */
function watchMemory(child: ChildProcess, limit: number, onExceeded: (rss: number) => void): () => void {
  const pid = child.pid;
  if (pid === undefined || process.platform !== "linux") return () => undefined;
  let stopped = false;
  const timer = setInterval(() => {
    void residentBytes(pid).then((rss) => {
      if (!stopped && rss !== undefined && rss > limit) {
        stopped = true;
        onExceeded(rss);
      }
    });
  }, MEMORY_POLL_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
