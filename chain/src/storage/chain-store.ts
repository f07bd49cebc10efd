// The node's LevelDB: blocks, receipts, transaction index, state trie nodes, head pointer.
// A block and everything derived from it are written in ONE batch (commitBlock), so after a
// crash (kill -9 at any instant) the database holds either all of a block or none of it, and
// the head pointer always names a block whose state is complete.
//
// Key layout (one keyspace, first byte = table):
//   "h" ‖ number(8, BE)  → block hash              "b" ‖ hash → encoded block
//   "r" ‖ hash           → encoded receipts        "t" ‖ txHash → number(8) ‖ index(4)
//   "e" ‖ hash           → block-end logs (only when the block has some)
//   "s" ‖ trie key       → state trie node / code  "H" → head hash   "G" → genesis JSON hash
import { mkdirSync } from "node:fs";
import { ClassicLevel } from "classic-level";
import { bytesToHex } from "@ethereumjs/util";
import {
  decodeBlock,
  decodeLogList,
  decodeReceipts,
  encodeBlock,
  encodeLogList,
  encodeReceipts,
} from "../execution/block.js";
import type { Block, Log, Receipt } from "../execution/block.js";
import { TrieNodeStore } from "./trie-store.js";

const P_HASH = 0x68; // h
const P_BLOCK = 0x62; // b
const P_RECEIPTS = 0x72; // r
const P_TX = 0x74; // t
const P_BLOCK_END_LOGS = 0x65; // e
const K_HEAD = Uint8Array.of(0x48); // H
const K_GENESIS = Uint8Array.of(0x47); // G

function prefixed(p: number, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out[0] = p;
  out.set(key, 1);
  return out;
}

function u64(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreError";
  }
}

export interface TxLocation {
  blockNumber: bigint;
  index: number;
}

/** Small LRU: recent blocks and receipts are read far more often than old ones. */
class Lru<K, V> {
  private map = new Map<K, V>();
  constructor(private readonly size: number) {}
  get(k: K): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value as K);
  }
}

export class ChainStore {
  readonly trie: TrieNodeStore;
  private head: Block | undefined;
  private readonly blocks = new Lru<string, Block>(512);
  private readonly receipts = new Lru<string, Receipt[]>(256);
  private readonly hashes = new Lru<bigint, Uint8Array>(4096);
  /** Tx index entries of recent blocks, so receipt polling never touches LevelDB. */
  private readonly recentTx = new Map<string, TxLocation>();
  private readonly recentTxOrder: string[][] = [];

  private constructor(private readonly db: ClassicLevel<Uint8Array, Uint8Array>) {
    this.trie = new TrieNodeStore(db);
  }

  static async open(dir: string): Promise<ChainStore> {
    mkdirSync(dir, { recursive: true });
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    try {
      await db.open();
    } catch (e) {
      const cause = (e as { cause?: Error }).cause;
      throw new StoreError(`cannot open database at ${dir}: ${cause?.message ?? (e as Error).message}`);
    }
    const store = new ChainStore(db);
    const headHash = await db.get(K_HEAD);
    if (headHash) {
      const head = await store.getBlockByHash(headHash);
      if (!head)
        throw new StoreError(`database at ${dir} is corrupt: head block ${bytesToHex(headHash)} is missing`);
      store.head = head;
    }
    return store;
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  getHead(): Block | undefined {
    return this.head;
  }

  async getGenesisId(): Promise<Uint8Array | undefined> {
    return (await this.db.get(K_GENESIS)) ?? undefined;
  }

  async getBlockHash(n: bigint): Promise<Uint8Array | undefined> {
    const cached = this.hashes.get(n);
    if (cached) return cached;
    const h = await this.db.get(prefixed(P_HASH, u64(n)));
    if (h) this.hashes.set(n, h);
    return h ?? undefined;
  }

  async getBlockByHash(hash: Uint8Array): Promise<Block | undefined> {
    const key = bytesToHex(hash);
    const cached = this.blocks.get(key);
    if (cached) return cached;
    const raw = await this.db.get(prefixed(P_BLOCK, hash));
    if (!raw) return undefined;
    const b = decodeBlock(raw);
    this.blocks.set(key, b);
    return b;
  }

  async getBlockByNumber(n: bigint): Promise<Block | undefined> {
    const h = await this.getBlockHash(n);
    return h ? this.getBlockByHash(h) : undefined;
  }

  async getReceipts(hash: Uint8Array): Promise<Receipt[] | undefined> {
    const key = bytesToHex(hash);
    const cached = this.receipts.get(key);
    if (cached) return cached;
    const raw = await this.db.get(prefixed(P_RECEIPTS, hash));
    if (!raw) return undefined;
    const r = decodeReceipts(raw);
    this.receipts.set(key, r);
    return r;
  }

  /** The block-end logs of a block (ExecutedBlock.blockEndLogs); [] when it has none. */
  async getBlockEndLogs(hash: Uint8Array): Promise<Log[]> {
    const raw = await this.db.get(prefixed(P_BLOCK_END_LOGS, hash));
    return raw ? decodeLogList(raw) : [];
  }

  async getTxLocation(txHash: Uint8Array): Promise<TxLocation | undefined> {
    const recent = this.recentTx.get(bytesToHex(txHash));
    if (recent) return recent;
    const raw = await this.db.get(prefixed(P_TX, txHash));
    if (!raw) return undefined;
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return { blockNumber: dv.getBigUint64(0), index: dv.getUint32(8) };
  }

  /**
   * Persist a block, its receipts, tx index entries, the state trie nodes written since the
   * last commit, and the new head, atomically. `genesisId` is written with block 0.
   */
  async commitBlock(
    block: Block,
    receipts: Receipt[],
    genesisId?: Uint8Array,
    blockEndLogs: Log[] = [],
  ): Promise<void> {
    const batch = this.db.batch();
    const n = block.header.number;
    batch.put(prefixed(P_HASH, u64(n)), block.hash);
    batch.put(prefixed(P_BLOCK, block.hash), encodeBlock(block));
    batch.put(prefixed(P_RECEIPTS, block.hash), encodeReceipts(receipts));
    if (blockEndLogs.length > 0)
      batch.put(prefixed(P_BLOCK_END_LOGS, block.hash), encodeLogList(blockEndLogs));
    const nb = u64(n);
    const hashes: string[] = [];
    for (let i = 0; i < block.txHashes.length; i++) {
      const loc = new Uint8Array(12);
      loc.set(nb, 0);
      new DataView(loc.buffer).setUint32(8, i);
      batch.put(prefixed(P_TX, block.txHashes[i]!), loc);
      hashes.push(bytesToHex(block.txHashes[i]!));
    }
    this.trie.takeInto(batch);
    batch.put(K_HEAD, block.hash);
    if (genesisId) batch.put(K_GENESIS, genesisId);
    try {
      await batch.write();
    } finally {
      this.trie.settle();
    }
    this.head = block;
    const key = bytesToHex(block.hash);
    this.blocks.set(key, block);
    this.receipts.set(key, receipts);
    this.hashes.set(n, block.hash);
    hashes.forEach((h, i) => this.recentTx.set(h, { blockNumber: n, index: i }));
    this.recentTxOrder.push(hashes);
    while (this.recentTxOrder.length > 64)
      for (const h of this.recentTxOrder.shift()!) this.recentTx.delete(h);
  }
}
