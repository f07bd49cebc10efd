// Polling filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter) and the
// log matching shared with eth_subscribe "logs". Filters are fed by the backend's events, keep
// what arrived since the last poll, and expire after an idle timeout, as in geth. Memory is
// bounded by a cap on installed filters and on items buffered per filter.

import { randomBytes } from "node:crypto";
import type { Hex, LogFilter, RpcLog } from "./backend.js";
import { FilterNotFoundError, LimitExceededError } from "./errors.js";

export type FilterKind = "log" | "block" | "pending";

/** A random 128-bit id in geth's format (hex quantity, no leading zeros). */
export function newRpcId(): Hex {
  const hex = randomBytes(16).toString("hex").replace(/^0+/, "");
  return `0x${hex || "0"}`;
}

/** Does `log` satisfy the address and topic criteria of `filter`? (Block range is not checked.) */
export function logMatches(filter: Pick<LogFilter, "address" | "topics">, log: RpcLog): boolean {
  if (filter.address && filter.address.length > 0) {
    const addr = log.address.toLowerCase();
    if (!filter.address.some((a) => a === addr)) return false;
  }
  if (filter.topics) {
    if (filter.topics.length > log.topics.length) {
      // A position with criteria needs a topic there; trailing wildcards do not.
      for (let i = log.topics.length; i < filter.topics.length; i++) {
        const want = filter.topics[i];
        if (want && want.length > 0) return false;
      }
    }
    for (let i = 0; i < filter.topics.length; i++) {
      const want = filter.topics[i];
      if (!want || want.length === 0) continue;
      const have = log.topics[i]?.toLowerCase();
      if (have === undefined || !want.includes(have as Hex)) return false;
    }
  }
  return true;
}

/** Is the log's block inside the filter's numeric bounds? Tags are open-ended for new logs. */
function inNumericRange(filter: LogFilter, log: RpcLog): boolean {
  const n = BigInt(log.blockNumber);
  if (typeof filter.fromBlock === "bigint" && n < filter.fromBlock) return false;
  if (typeof filter.toBlock === "bigint" && n > filter.toBlock) return false;
  if (filter.blockHash !== undefined && filter.blockHash !== log.blockHash.toLowerCase()) return false;
  return true;
}

interface InstalledFilter {
  kind: FilterKind;
  criteria: LogFilter;
  items: (Hex | RpcLog)[];
  lastUsed: number;
}

export interface FilterManagerOptions {
  maxFilters: number;
  idleTimeoutMs: number;
  maxBufferedPerFilter: number;
  now?: () => number;
}

export class FilterManager {
  private readonly filters = new Map<Hex, InstalledFilter>();
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly opts: FilterManagerOptions) {
    this.now = opts.now ?? Date.now;
    // Sweep a few times per timeout; unref so an idle server does not keep the process alive.
    const every = Math.max(50, Math.min(30_000, Math.floor(opts.idleTimeoutMs / 4)));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  get size(): number {
    return this.filters.size;
  }

  install(kind: FilterKind, criteria: LogFilter = {}): Hex {
    this.sweep();
    if (this.filters.size >= this.opts.maxFilters) {
      throw new LimitExceededError(
        `limit exceeded: at most ${this.opts.maxFilters} filters may be installed`,
      );
    }
    let id = newRpcId();
    while (this.filters.has(id)) id = newRpcId();
    this.filters.set(id, { kind, criteria, items: [], lastUsed: this.now() });
    return id;
  }

  uninstall(id: Hex): boolean {
    return this.filters.delete(id.toLowerCase() as Hex);
  }

  /** The filter's kind and criteria; refreshes its idle timer. */
  get(id: Hex): { kind: FilterKind; criteria: LogFilter } {
    const f = this.lookup(id);
    return { kind: f.kind, criteria: f.criteria };
  }

  /** Everything that arrived since the last poll. */
  takeChanges(id: Hex): (Hex | RpcLog)[] {
    const f = this.lookup(id);
    const items = f.items;
    f.items = [];
    return items;
  }

  onNewHead(blockHash: Hex, logs: RpcLog[]): void {
    for (const f of this.filters.values()) {
      if (f.kind === "block") this.push(f, blockHash);
      else if (f.kind === "log") {
        for (const log of logs) {
          if (inNumericRange(f.criteria, log) && logMatches(f.criteria, log)) this.push(f, log);
        }
      }
    }
  }

  onPendingTransaction(hash: Hex): void {
    for (const f of this.filters.values()) if (f.kind === "pending") this.push(f, hash);
  }

  sweep(): void {
    const cutoff = this.now() - this.opts.idleTimeoutMs;
    for (const [id, f] of this.filters) if (f.lastUsed < cutoff) this.filters.delete(id);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.filters.clear();
  }

  private lookup(id: Hex): InstalledFilter {
    const f = this.filters.get(id.toLowerCase() as Hex);
    if (!f || f.lastUsed < this.now() - this.opts.idleTimeoutMs) {
      if (f) this.filters.delete(id.toLowerCase() as Hex);
      throw new FilterNotFoundError();
    }
    f.lastUsed = this.now();
    return f;
  }

  private push(f: InstalledFilter, item: Hex | RpcLog): void {
    // An unpolled filter keeps only the newest items: a client that polls too slowly misses the
    // oldest ones rather than growing the node's memory without bound.
    if (f.items.length >= this.opts.maxBufferedPerFilter) f.items.shift();
    f.items.push(item);
  }
}
