// eth_subscribe / eth_unsubscribe over WebSocket: newHeads, logs (address/topics criteria) and
// newPendingTransactions (hashes, or full transactions with `true`). One hub per server routes
// the backend's events to the subscribed connections; a connection's subscriptions end with it.

import type { Hex, LogFilter, RpcBackend, RpcBlock, RpcLog } from "./backend.js";
import { InvalidParamsError, LimitExceededError } from "./errors.js";
import { logMatches, newRpcId } from "./filters.js";
import { logFilter } from "./params.js";

/** What the hub needs from a connection: a way to push a text frame. */
export interface SubscriberConnection {
  send(text: string): void;
}

export type SubscriptionKind = "newHeads" | "logs" | "newPendingTransactions";

interface Subscription {
  kind: SubscriptionKind;
  conn: SubscriberConnection;
  criteria: LogFilter;
  fullTransactions: boolean;
}

function notification(id: Hex, resultJson: string): string {
  return `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"${id}","result":${resultJson}}}`;
}

/** newHeads carries the header only, as geth sends it: no transaction or uncle lists. */
function headerOnly(block: RpcBlock): string {
  const { transactions: _txs, uncles: _uncles, ...header } = block;
  return JSON.stringify(header);
}

export class SubscriptionHub {
  private readonly subs = new Map<Hex, Subscription>();
  private readonly perConnection = new Map<SubscriberConnection, Set<Hex>>();

  constructor(
    private readonly backend: RpcBackend,
    private readonly maxPerConnection: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Parses eth_subscribe's params (after the kind) and registers the subscription. */
  subscribe(conn: SubscriberConnection, kind: unknown, options: unknown): Hex {
    if (typeof kind !== "string")
      throw new InvalidParamsError("invalid argument 0: expected subscription name");
    let criteria: LogFilter = {};
    let fullTransactions = false;
    switch (kind) {
      case "newHeads":
        if (options !== undefined && options !== null) {
          throw new InvalidParamsError("invalid argument 1: newHeads takes no options");
        }
        break;
      case "logs":
        if (options !== undefined && options !== null) {
          const r = logFilter.safeParse(options);
          if (!r.success) throw new InvalidParamsError(`invalid argument 1: ${r.error.issues[0]?.message}`);
          // Only new logs are pushed, so a block range or block hash means nothing here.
          const c: LogFilter = {};
          if (r.data.address) c.address = r.data.address;
          if (r.data.topics) c.topics = r.data.topics;
          criteria = c;
        }
        break;
      case "newPendingTransactions":
        if (options !== undefined && options !== null) {
          if (typeof options !== "boolean") {
            throw new InvalidParamsError("invalid argument 1: expected boolean (full transactions)");
          }
          fullTransactions = options;
        }
        break;
      default:
        throw new InvalidParamsError(`invalid argument 0: no "${kind}" subscription in eth namespace`);
    }
    let ids = this.perConnection.get(conn);
    if (!ids) {
      ids = new Set();
      this.perConnection.set(conn, ids);
    }
    if (ids.size >= this.maxPerConnection) {
      throw new LimitExceededError(
        `limit exceeded: at most ${this.maxPerConnection} subscriptions per connection`,
      );
    }
    let id = newRpcId();
    while (this.subs.has(id)) id = newRpcId();
    this.subs.set(id, { kind, conn, criteria, fullTransactions });
    ids.add(id);
    return id;
  }

  /** Only the connection that created a subscription may end it. */
  unsubscribe(conn: SubscriberConnection, id: Hex): boolean {
    const key = id.toLowerCase() as Hex;
    const sub = this.subs.get(key);
    if (!sub || sub.conn !== conn) return false;
    this.subs.delete(key);
    this.perConnection.get(conn)?.delete(key);
    return true;
  }

  dropConnection(conn: SubscriberConnection): void {
    const ids = this.perConnection.get(conn);
    if (!ids) return;
    for (const id of ids) this.subs.delete(id);
    this.perConnection.delete(conn);
  }

  get size(): number {
    return this.subs.size;
  }

  onNewHead(header: RpcBlock, logs: RpcLog[]): void {
    if (this.subs.size === 0) return;
    let headerJson: string | undefined;
    const logJson = new Map<RpcLog, string>();
    for (const [id, sub] of this.subs) {
      if (sub.kind === "newHeads") {
        headerJson ??= headerOnly(header);
        sub.conn.send(notification(id, headerJson));
      } else if (sub.kind === "logs") {
        for (const log of logs) {
          if (!logMatches(sub.criteria, log)) continue;
          let json = logJson.get(log);
          if (json === undefined) {
            json = JSON.stringify(log);
            logJson.set(log, json);
          }
          sub.conn.send(notification(id, json));
        }
      }
    }
  }

  onPendingTransaction(hash: Hex): void {
    if (this.subs.size === 0) return;
    let full: Promise<string | undefined> | undefined;
    for (const [id, sub] of this.subs) {
      if (sub.kind !== "newPendingTransactions") continue;
      if (!sub.fullTransactions) {
        sub.conn.send(notification(id, JSON.stringify(hash)));
        continue;
      }
      full ??= this.backend.getTransactionByHash(hash).then(
        (tx) => (tx ? JSON.stringify(tx) : undefined),
        (err: unknown) => {
          this.onError(err);
          return undefined;
        },
      );
      void full.then((json) => {
        // The subscription may have ended while the transaction was fetched.
        if (json !== undefined && this.subs.get(id) === sub) sub.conn.send(notification(id, json));
      });
    }
  }
}
