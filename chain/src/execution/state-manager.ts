// MerkleStateManager whose flush (cache → trie, once per block) writes the changed accounts
// with one batched trie update (trie-batch.ts) instead of one MPT.put per account. Code and
// storage are flushed by the library as before; only the account-trie writes are collected.
import { MerkleStateManager } from "@ethereumjs/statemanager";
import type { BatchDBOp } from "@ethereumjs/util";
import { keccak256 } from "../crypto/secp256k1.js";
import { TrieBatch } from "./trie-batch.js";
import type { TrieChange, TrieNodeCache } from "./trie-batch.js";

export class BatchedStateManager extends MerkleStateManager {
  /** Decoded account-trie nodes kept across flushes (the executor's state; see TrieNodeCache). */
  nodeCache: TrieNodeCache | undefined;

  override async flush(): Promise<void> {
    const trie = this._trie;
    const changes: TrieChange[] = [];
    const put = trie.put;
    const del = trie.del;
    // During the library's flush, `this._trie` is written only by the account loop (storage
    // goes to per-account storage tries, code to the code DB), so these collect exactly the
    // account changes, in order (a later change to the same key wins, as with put).
    trie.put = async (key: Uint8Array, value: Uint8Array | null) => {
      changes.push({ key: keccak256(key), value: value && value.length ? value : null });
    };
    trie.del = async (key: Uint8Array) => {
      changes.push({ key: keccak256(key), value: null });
    };
    try {
      await super.flush();
    } finally {
      trie.put = put;
      trie.del = del;
    }
    if (changes.length === 0) return;
    const db = trie.database();
    const ops: BatchDBOp<Uint8Array, Uint8Array>[] = [];
    const root = await new TrieBatch(
      {
        get: async (hash) => (await db.get(hash)) ?? undefined,
        put: (hash, encoded) => ops.push({ type: "put", key: hash, value: encoded }),
      },
      this.nodeCache,
    ).apply(trie.root(), changes);
    await db.batch(ops);
    trie.root(root);
  }
}
