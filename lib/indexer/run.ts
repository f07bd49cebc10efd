// The long-running indexer: catches up with indexNewBlocks(), then waits for the next head.
// New heads arrive over a WebSocket `eth_subscribe("newHeads")` when a ws URL is given; the poll
// interval is the fallback (no ws URL, the socket is down, or a notification was missed), so
// the loop never depends on the subscription for correctness, only for latency.
import type { PrismaClient } from "@prisma/client";
import WebSocket from "ws";
import { indexNewBlocks, ParentHashMismatchError, type IndexProgress } from "./index-blocks";
import type { IndexerRpcClient } from "./rpc";

export interface RunIndexerOptions {
  prisma: PrismaClient;
  client: IndexerRpcClient;
  batchSize: number;
  pollIntervalMs: number;
  /** ws:// URL of the node for newHeads; polling only when undefined. */
  wsUrl?: string | undefined;
  signal: AbortSignal;
  log?: (line: string) => void;
  /** Progress of long catch-ups (the default prints a line every few seconds through `log`). */
  onProgress?: (p: IndexProgress) => void;
}

/** "indexed 1200/5000 (24.0%) 310 blocks/s 1500 tx/s ETA 12s" */
export function formatProgress(p: IndexProgress): string {
  const pct = p.head > 0n ? (Number(p.indexed) / Number(p.head)) * 100 : 100;
  const eta = p.etaSeconds === null ? "?" : p.etaSeconds < 1 ? "<1s" : `${Math.round(p.etaSeconds)}s`;
  return `indexed ${p.indexed}/${p.head} (${pct.toFixed(1)}%) ${p.blocksPerSec.toFixed(0)} blocks/s ${p.txPerSec.toFixed(0)} tx/s ETA ${eta}`;
}

/** Resolves the returned promise's waiters when a head arrives; reconnects with backoff. */
class HeadWatcher {
  private ws: WebSocket | null = null;
  private wake: (() => void) | null = null;
  private closed = false;
  private retryMs = 500;

  constructor(
    private readonly url: string,
    private readonly log: (line: string) => void,
  ) {
    this.connect();
  }

  private connect(): void {
    if (this.closed) return;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.on("open", () => {
      this.retryMs = 500;
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
    });
    ws.on("message", (data) => {
      const text = String(data);
      if (text.includes('"eth_subscription"')) this.notify();
    });
    ws.on("error", () => {
      /* 'close' follows; polling covers the gap */
    });
    ws.on("close", () => {
      if (this.closed) return;
      this.log(`newHeads subscription lost; polling until it reconnects (retry in ${this.retryMs} ms)`);
      setTimeout(() => this.connect(), this.retryMs).unref();
      this.retryMs = Math.min(this.retryMs * 2, 30_000);
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Resolves on the next head, after `ms`, or on abort, whichever is first. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    return sleepOrWake(ms, signal, (wake) => (this.wake = wake));
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
    this.notify();
  }
}

function sleepOrWake(ms: number, signal: AbortSignal, register?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    register?.(done);
  });
}

/**
 * Runs until `signal` aborts. RPC and database errors are logged and retried after the poll
 * interval (the node may be restarting); a parent-hash mismatch stops the loop with its error,
 * since continuing would write a history that contradicts the stored one.
 */
export async function runIndexer(opts: RunIndexerOptions): Promise<void> {
  const log = opts.log ?? ((line: string) => console.log(`[indexer] ${line}`));
  let lastPrint = 0;
  const onProgress =
    opts.onProgress ??
    ((p: IndexProgress) => {
      const now = Date.now();
      if (now - lastPrint >= 5_000 || p.indexed === p.head) {
        lastPrint = now;
        if (p.head - p.indexed > 0n || p.blocks > 1) log(formatProgress(p));
      }
    });
  const watcher = opts.wsUrl ? new HeadWatcher(opts.wsUrl, log) : null;
  try {
    while (!opts.signal.aborted) {
      try {
        await indexNewBlocks({
          prisma: opts.prisma,
          client: opts.client,
          batchSize: opts.batchSize,
          onProgress,
          signal: opts.signal,
        });
      } catch (err) {
        if (err instanceof ParentHashMismatchError) throw err;
        log(
          `indexing failed, retrying in ${opts.pollIntervalMs} ms: ${(err as Error).message.split("\n")[0]}`,
        );
      }
      if (watcher) await watcher.wait(opts.pollIntervalMs, opts.signal);
      else await sleepOrWake(opts.pollIntervalMs, opts.signal);
    }
  } finally {
    watcher?.close();
  }
}
