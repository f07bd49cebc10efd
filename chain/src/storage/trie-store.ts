// The state trie's node database: an @ethereumjs/mpt `DB` over LevelDB with a write overlay.
// Nodes written while a block executes stay in memory (`pending`) and reach LevelDB only inside
// the block's single atomic batch (ChainStore.commitBlock), so a crash never leaves trie nodes
// of a block whose header was not written, nor a header whose state is missing.
import type { BatchDBOp, DB, EncodingOpts } from "@ethereumjs/util";
import { hexToBytes } from "@ethereumjs/util";
import type { ClassicLevel } from "classic-level";

/** LevelDB key prefix of state trie nodes and contract code. */
export const TRIE_PREFIX = 0x73; // "s"

/** LevelDB key of a trie node: the prefix, then the node hash (hex from the MPT). */
function keyBytes(key: string): Uint8Array {
  // Node's own hex decoder (@ethereumjs/util's hexToBytes runs a regular expression first:
  // thousands of keys per block). It stops at the first non-hex pair, hence the length check.
  const out = Buffer.allocUnsafe(1 + (key.length >> 1));
  out[0] = TRIE_PREFIX;
  if (key.length % 2 !== 0 || out.write(key, 1, "hex") !== out.length - 1)
    throw new TypeError(`trie key is not hex: ${key}`);
  return out;
}

function valueBytes(val: string | Uint8Array): Uint8Array {
  return typeof val === "string" ? hexToBytes(`0x${val}`) : val;
}

/**
 * Persisted trie nodes kept in memory (most recently written or read). Keys are node hashes, so
 * an entry never goes stale. A read served from here resolves without a LevelDB round trip:
 * executing a block walks the same upper trie levels every time, and each LevelDB read waits a
 * turn of the event loop, which on a busy node (gossip, RPC) is what made blocks slow.
 */
const RECENT_NODES = 50_000;

export class TrieNodeStore implements DB<string, string | Uint8Array> {
  /** Writes not yet persisted; `null` marks a delete (unused: node pruning is off). */
  private pending = new Map<string, Uint8Array | null>();
  /** Writes handed to a LevelDB batch that has not completed yet (still readable from here). */
  private inFlight: Map<string, Uint8Array | null> | undefined;
  private recent = new Map<string, Uint8Array>();

  constructor(private readonly level: ClassicLevel<Uint8Array, Uint8Array>) {}

  async get(key: string, _opts?: EncodingOpts): Promise<Uint8Array | undefined> {
    const p = this.pending.get(key) ?? this.inFlight?.get(key);
    if (p !== undefined) return p ?? undefined;
    const hit = this.recent.get(key);
    if (hit) return hit;
    const v = (await this.level.get(keyBytes(key))) ?? undefined;
    if (v) this.remember(key, v);
    return v;
  }

  private remember(key: string, v: Uint8Array): void {
    this.recent.set(key, v);
    if (this.recent.size > RECENT_NODES) this.recent.delete(this.recent.keys().next().value!);
  }

  async put(key: string, val: string | Uint8Array): Promise<void> {
    this.pending.set(key, valueBytes(val));
  }

  async del(key: string): Promise<void> {
    this.pending.set(key, null);
  }

  async batch(ops: BatchDBOp<string, string | Uint8Array>[]): Promise<void> {
    for (const op of ops) {
      if (op.type === "put") this.pending.set(op.key, valueBytes(op.value));
      else this.pending.set(op.key, null);
    }
  }

  shallowCopy(): DB<string, string | Uint8Array> {
    return this;
  }

  async open(): Promise<void> {}

  /** Number of node writes waiting for the next block commit. */
  get pendingSize(): number {
    return this.pending.size;
  }

  /**
   * Move the pending writes into a LevelDB batch. They stay readable from memory until
   * `settle()` is called after the batch was written; writes made meanwhile start a new set.
   */
  takeInto(batch: { put(k: Uint8Array, v: Uint8Array): unknown; del(k: Uint8Array): unknown }): void {
    for (const [k, v] of this.pending) {
      if (v === null) batch.del(keyBytes(k));
      else batch.put(keyBytes(k), v);
    }
    this.inFlight = this.pending;
    this.pending = new Map();
  }

  settle(): void {
    for (const [k, v] of this.inFlight ?? []) {
      if (v === null) this.recent.delete(k);
      else {
        this.recent.delete(k); // most recent last
        this.remember(k, v);
      }
    }
    this.inFlight = undefined;
  }

  /** Drop unpersisted writes (a block candidate that was discarded). */
  discardPending(): void {
    this.pending = new Map();
  }
}

/**
 * A private write layer over the node store for read-only state views (RPC reads, eth_call):
 * anything EthereumJS writes while executing a call stays here and is dropped with the view.
 */
export class OverlayDB implements DB<string, string | Uint8Array> {
  private readonly local = new Map<string, Uint8Array | null>();

  constructor(private readonly base: DB<string, string | Uint8Array>) {}

  async get(key: string, opts?: EncodingOpts): Promise<string | Uint8Array | undefined> {
    const v = this.local.get(key);
    if (v !== undefined) return v ?? undefined;
    return this.base.get(key, opts);
  }

  async put(key: string, val: string | Uint8Array): Promise<void> {
    this.local.set(key, valueBytes(val));
  }

  async del(key: string): Promise<void> {
    this.local.set(key, null);
  }

  async batch(ops: BatchDBOp<string, string | Uint8Array>[]): Promise<void> {
    for (const op of ops) this.local.set(op.key, op.type === "put" ? valueBytes(op.value) : null);
  }

  shallowCopy(): DB<string, string | Uint8Array> {
    return this;
  }

  async open(): Promise<void> {}
}
