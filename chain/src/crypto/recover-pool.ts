// Parallel sender recovery for whole blocks (geth's "sender cacher"): signature recovery is
// ~75% of the cost of admitting or re-executing a transaction and is embarrassingly parallel.
// A small pool of worker threads (recover-worker.mjs) takes batches: blocks, and the
// eth_sendRawTransaction calls of one turn of the event loop (recoverOne); a lone transaction
// keeps the synchronous native path, whose latency is lower.
import os from "node:os";
import { Worker } from "node:worker_threads";
import { recoverPublicKey, secp256k1Backend } from "./secp256k1.js";

export interface RecoverRequest {
  msgHash: Uint8Array;
  r: Uint8Array;
  s: Uint8Array;
  recovery: number;
}

const IN = 97;
const OUT = 64;
/** Below this many signatures a batch is recovered inline: messaging would cost more. */
const MIN_PARALLEL = 64;
/**
 * Single recoveries (recoverOne) gathered in one turn of the event loop go to a worker from
 * this many on; fewer (a wallet sending one transaction) are recovered inline, at lower latency.
 */
const MIN_OFFLOAD = 8;

export class RecoverPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { done: (buf: ArrayBuffer) => void; fallback: () => void }>();
  private nextId = 0;
  private readonly busy = new Map<Worker, number>();
  /** Single recoveries waiting for the next turn of the event loop (see recoverOne). */
  private queue: { req: RecoverRequest; resolve: (k: Uint8Array | undefined) => void }[] = [];
  private flushScheduled = false;
  private roundRobin = 0;

  /** `size` workers; 0 recovers inline (one core, or no native binding to share). */
  constructor(readonly size: number = RecoverPool.defaultSize()) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL("./recover-worker.mjs", import.meta.url));
      w.on("message", ({ id, buf }: { id: number; buf: ArrayBuffer }) => {
        const job = this.pending.get(id);
        this.pending.delete(id);
        job?.done(buf);
      });
      // A crashed worker must not strand its batches: recover them on this thread instead.
      w.on("error", () => this.failAll());
      w.on("exit", () => this.failAll());
      // An idle worker must not keep the process alive; a busy one must (see send()).
      w.unref();
      this.workers.push(w);
    }
  }

  static defaultSize(): number {
    if (secp256k1Backend !== "native") return 0;
    return Math.max(0, Math.min(4, os.availableParallelism() - 1));
  }

  /** Uncompressed public keys (64 bytes) in request order; undefined where recovery failed. */
  async recover(reqs: RecoverRequest[]): Promise<(Uint8Array | undefined)[]> {
    if (this.workers.length === 0 || reqs.length < MIN_PARALLEL) return reqs.map(recoverInline);
    const chunks = Math.min(this.workers.length + 1, Math.ceil(reqs.length / MIN_PARALLEL));
    const per = Math.ceil(reqs.length / chunks);
    const jobs: Promise<(Uint8Array | undefined)[]>[] = [];
    // The last chunk runs on this thread while the workers do the others.
    for (let c = 0; c < chunks - 1; c++)
      jobs.push(this.send(this.workers[c]!, reqs.slice(c * per, (c + 1) * per)));
    const mine = reqs.slice((chunks - 1) * per).map(recoverInline);
    const parts = await Promise.all(jobs);
    return parts.flat().concat(mine);
  }

  /** Recover a batch on the next worker (round robin); inline when there is no worker. */
  submit(reqs: RecoverRequest[]): Promise<(Uint8Array | undefined)[]> {
    if (this.workers.length === 0) return Promise.resolve(reqs.map(recoverInline));
    return this.send(this.workers[this.roundRobin++ % this.workers.length]!, reqs);
  }

  /**
   * Recover one signature off this thread (eth_sendRawTransaction): requests arriving in the
   * same turn of the event loop (a JSON-RPC batch, concurrent clients) go to the next worker as
   * one batch, so their recoveries run on another core while this thread parses and admits
   * transactions (the RPC server pools them in order meanwhile: RpcBackend.sendRawTransaction).
   */
  recoverOne(req: RecoverRequest): Promise<Uint8Array | undefined> {
    // With a single worker (two cores) the hop measured slower end to end: the worker shares
    // its core with the clients and the store's I/O threads, and admission on this thread
    // waits for it.
    if (this.workers.length < 2) return Promise.resolve(recoverInline(req));
    return new Promise((resolve) => {
      this.queue.push({ req, resolve });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushQueue());
      }
    });
  }

  private flushQueue(): void {
    this.flushScheduled = false;
    const q = this.queue;
    this.queue = [];
    if (q.length === 0) return;
    if (q.length < MIN_OFFLOAD) {
      for (const x of q) x.resolve(recoverInline(x.req));
      return;
    }
    const w = this.workers[this.roundRobin++ % this.workers.length]!;
    void this.send(
      w,
      q.map((x) => x.req),
    ).then((keys) => keys.forEach((k, i) => q[i]!.resolve(k)));
  }

  private send(w: Worker, reqs: RecoverRequest[]): Promise<(Uint8Array | undefined)[]> {
    const input = new Uint8Array(reqs.length * IN);
    reqs.forEach((q, i) => {
      const o = i * IN;
      input.set(q.msgHash, o);
      input.set(q.r, o + 32 + 32 - q.r.length);
      input.set(q.s, o + 64 + 32 - q.s.length);
      input[o + 96] = q.recovery;
    });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const release = () => {
        const n = (this.busy.get(w) ?? 1) - 1;
        this.busy.set(w, n);
        if (n === 0) w.unref();
      };
      const fallback = () => {
        release();
        resolve(reqs.map(recoverInline));
      };
      this.pending.set(id, {
        fallback,
        done: (buf) => {
          release();
          const out = new Uint8Array(buf);
          const keys: (Uint8Array | undefined)[] = [];
          for (let i = 0; i < reqs.length; i++) {
            const k = out.subarray(i * OUT, (i + 1) * OUT);
            keys.push(k.some((b) => b !== 0) ? k : undefined);
          }
          resolve(keys);
        },
      });
      w.ref();
      this.busy.set(w, (this.busy.get(w) ?? 0) + 1);
      w.postMessage({ id, buf: input.buffer }, [input.buffer]);
    });
  }

  private failAll(): void {
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const j of jobs) j.fallback();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}

export function recoverInline(q: RecoverRequest): Uint8Array | undefined {
  try {
    return recoverPublicKey(q.msgHash, q.recovery, q.r, q.s);
  } catch {
    return undefined;
  }
}
