// Transaction pool: per-sender nonce order with a pending (executable: contiguous from the
// account nonce) / queued (after a gap) split, replacement by a ≥10% higher tip and fee cap,
// caps per sender and in total with eviction of the lowest-paying transaction, and the
// rejection messages geth uses (viem classifies errors by these exact strings).
//
// Admission is cheap on purpose (no EVM): the caller has decoded the transaction and recovered
// its sender natively; here we check it against the sender's committed nonce and balance.
import { bytesToHex } from "@ethereumjs/util";
import type { PreparedTx } from "../execution/executor.js";
import type { Hex } from "../rpc/backend.js";

/** Senders with no transaction in the pool whose account state is still tracked. */
const MAX_IDLE_SENDERS = 10_000;

export class MempoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MempoolError";
  }
}

export interface AccountInfo {
  nonce: bigint;
  balance: bigint;
}

export interface MempoolOptions {
  blockGasLimit: bigint;
  /** Current base fee: a fee cap below it is rejected. */
  baseFee(): bigint;
  /** Committed state of an account (nonce and balance at the head block). */
  getAccount(address: Hex): Promise<AccountInfo>;
  /** Most transactions one sender may have in the pool (pending + queued). */
  maxPerSender?: number;
  /** Most transactions in the pool. */
  maxTotal?: number;
  /** Replacement must raise tip and fee cap by this many percent. */
  priceBumpPercent?: number;
}

export interface PoolTx {
  p: PreparedTx;
  hash: Hex;
  sender: Hex;
  nonce: bigint;
  /** maxPriorityFeePerGas, or gasPrice for legacy/2930. */
  tip: bigint;
  /** maxFeePerGas, or gasPrice. */
  feeCap: bigint;
  /** gasLimit × feeCap + value: what the sender must be able to pay. */
  cost: bigint;
  /** Insertion order (ties in block selection go to the earlier). */
  seq: number;
}

interface SenderQueue {
  /** Committed account nonce (read from state, or advanced past the sender's included txs). */
  nonce: bigint;
  /**
   * Committed balance, or a lower bound of it when `balanceIsLowerBound`: after a block the
   * pool subtracts the most the sender's included txs could have cost instead of reading the
   * state again, and reads it only when a transaction would be refused for funds.
   */
  balance: bigint;
  balanceIsLowerBound: boolean;
  txs: Map<bigint, PoolTx>;
  /** Sum of `cost` over txs. */
  totalCost: bigint;
}

export class Mempool {
  private readonly senders = new Map<Hex, SenderQueue>();
  private readonly byHash = new Map<Hex, PoolTx>();
  private readonly listeners = new Set<(hash: Hex) => void>();
  private seq = 0;
  /** Blocks seen by onBlockCommitted (detects a block landing during a state read). */
  private blocksCommitted = 0;
  private readonly maxPerSender: number;
  private readonly maxTotal: number;
  private readonly bump: bigint;

  constructor(private readonly opts: MempoolOptions) {
    this.maxPerSender = opts.maxPerSender ?? 5000;
    this.maxTotal = opts.maxTotal ?? 50_000;
    this.bump = BigInt(opts.priceBumpPercent ?? 10);
  }

  get size(): number {
    return this.byHash.size;
  }

  has(hash: Hex): boolean {
    return this.byHash.has(hash);
  }

  get(hash: Hex): PoolTx | undefined {
    return this.byHash.get(hash);
  }

  onAdded(cb: (hash: Hex) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Validate and insert. Throws MempoolError with the geth message on rejection. */
  async add(p: PreparedTx): Promise<Hex> {
    const hash = bytesToHex(p.hash);
    if (this.byHash.has(hash)) throw new MempoolError("already known");
    const tx = p.fields;
    if (tx.gasLimit > this.opts.blockGasLimit) throw new MempoolError("exceeds block gas limit");
    if (tx.intrinsicGas > tx.gasLimit) throw new MempoolError("intrinsic gas too low");
    const { tip, feeCap } = tx;
    if (tip > feeCap) throw new MempoolError("max priority fee per gas higher than max fee per gas");
    if (feeCap < this.opts.baseFee()) throw new MempoolError("max fee per gas less than block base fee");

    const sender = bytesToHex(p.sender.bytes);
    let q = this.senders.get(sender);
    if (!q) {
      const acct = await this.opts.getAccount(sender);
      // Another add for this sender may have created the queue while we awaited.
      q = this.senders.get(sender) ?? {
        nonce: acct.nonce,
        balance: acct.balance,
        balanceIsLowerBound: false,
        txs: new Map(),
        totalCost: 0n,
      };
      this.senders.set(sender, q);
    }
    if (tx.nonce < q.nonce) throw new MempoolError("nonce too low");
    const cost = tx.gasLimit * feeCap + tx.value;
    if (q.balance < cost || q.totalCost + cost > q.balance) await this.refreshBalance(sender, q);
    if (q.balance < cost) throw new MempoolError("insufficient funds for gas * price + value");

    const entry: PoolTx = { p, hash, sender, nonce: tx.nonce, tip, feeCap, cost, seq: this.seq++ };
    const existing = q.txs.get(tx.nonce);
    if (existing) {
      const minTip = existing.tip + (existing.tip * this.bump) / 100n;
      const minCap = existing.feeCap + (existing.feeCap * this.bump) / 100n;
      if (tip < minTip || feeCap < minCap) throw new MempoolError("replacement transaction underpriced");
    }
    // Overdraft: everything this sender has queued (with this tx in place of a replaced one)
    // must be payable from the committed balance.
    const total = q.totalCost - (existing?.cost ?? 0n) + cost;
    if (total > q.balance) throw new MempoolError("insufficient funds for gas * price + value");

    if (!existing) {
      if (q.txs.size >= this.maxPerSender) throw new MempoolError("txpool is full");
      if (this.byHash.size >= this.maxTotal && !this.evictCheaperThan(entry))
        throw new MempoolError("txpool is full");
    } else {
      this.byHash.delete(existing.hash);
      q.totalCost -= existing.cost;
    }
    q.txs.set(tx.nonce, entry);
    q.totalCost += cost;
    this.byHash.set(hash, entry);
    for (const cb of this.listeners) cb(hash);
    return hash;
  }

  /** Replace a lower-bound balance by the committed one before refusing a tx for funds. */
  private async refreshBalance(sender: Hex, q: SenderQueue): Promise<void> {
    for (let attempt = 0; attempt < 3 && q.balanceIsLowerBound; attempt++) {
      const seen = this.blocksCommitted;
      const acct = await this.opts.getAccount(sender);
      // A block committed while we awaited may not be in what we read: read again.
      if (seen !== this.blocksCommitted) continue;
      q.balance = acct.balance;
      q.balanceIsLowerBound = false;
    }
  }

  /**
   * Make room for `incoming` by dropping the lowest-paying transaction that is last in its
   * sender's nonce order (dropping a middle one would strand the later ones). False if none
   * pays less than the incoming one.
   */
  private evictCheaperThan(incoming: PoolTx): boolean {
    let victim: PoolTx | undefined;
    for (const q of this.senders.values()) {
      let last: PoolTx | undefined;
      for (const t of q.txs.values()) if (!last || t.nonce > last.nonce) last = t;
      if (last && last.sender !== incoming.sender && (!victim || last.tip < victim.tip)) victim = last;
    }
    if (!victim || victim.tip >= incoming.tip) return false;
    this.remove(victim);
    return true;
  }

  private remove(t: PoolTx, keepSender = false): void {
    this.byHash.delete(t.hash);
    const q = this.senders.get(t.sender);
    if (!q) return;
    if (q.txs.get(t.nonce) === t) {
      q.txs.delete(t.nonce);
      q.totalCost -= t.cost;
    }
    if (q.txs.size === 0 && !keepSender) this.senders.delete(t.sender);
  }

  /** Executable transactions of a sender, in nonce order (contiguous from the account nonce). */
  private pendingOf(q: SenderQueue): PoolTx[] {
    const out: PoolTx[] = [];
    for (let n = q.nonce; ; n++) {
      const t = q.txs.get(n);
      if (!t) break;
      out.push(t);
    }
    return out;
  }

  /** Next nonce a sender's new transaction should use (account nonce + its pending txs). */
  pendingNonce(address: Hex): bigint | undefined {
    const q = this.senders.get(address.toLowerCase() as Hex);
    if (!q) return undefined;
    return q.nonce + BigInt(this.pendingOf(q).length);
  }

  /** Hashes: pending first (per sender in nonce order), then queued. */
  hashes(): Hex[] {
    const pending: Hex[] = [];
    const queued: Hex[] = [];
    for (const q of this.senders.values()) {
      const p = this.pendingOf(q);
      const set = new Set(p);
      for (const t of p) pending.push(t.hash);
      for (const t of q.txs.values()) if (!set.has(t)) queued.push(t.hash);
    }
    return pending.concat(queued);
  }

  counts(): { pending: number; queued: number } {
    let pending = 0;
    for (const q of this.senders.values()) pending += this.pendingOf(q).length;
    return { pending, queued: this.byHash.size - pending };
  }

  /**
   * Pick executable transactions for a block: highest tip first across senders, nonce order
   * within a sender, until the gas limits add up to the block gas limit.
   */
  select(gasLimit: bigint, maxTxs = Number.MAX_SAFE_INTEGER): PreparedTx[] {
    const heads: { list: PoolTx[]; i: number }[] = [];
    for (const q of this.senders.values()) {
      const list = this.pendingOf(q);
      if (list.length) heads.push({ list, i: 0 });
    }
    // Max-heap on (tip desc, seq asc) of each sender's next transaction.
    const better = (a: { list: PoolTx[]; i: number }, b: { list: PoolTx[]; i: number }) => {
      const x = a.list[a.i]!;
      const y = b.list[b.i]!;
      return x.tip !== y.tip ? x.tip > y.tip : x.seq < y.seq;
    };
    const heap = heads;
    const sift = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && better(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && better(heap[r]!, heap[m]!)) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) sift(i);
    const out: PreparedTx[] = [];
    let gas = 0n;
    while (heap.length && out.length < maxTxs) {
      const top = heap[0]!;
      const t = top.list[top.i]!;
      if (gas + t.p.fields.gasLimit > gasLimit) {
        // This sender cannot continue in this block; others with smaller txs still may.
        heap[0] = heap[heap.length - 1]!;
        heap.pop();
        sift(0);
        continue;
      }
      gas += t.p.fields.gasLimit;
      out.push(t.p);
      top.i++;
      if (top.i >= top.list.length) {
        heap[0] = heap[heap.length - 1]!;
        heap.pop();
      }
      if (heap.length) sift(0);
    }
    return out;
  }

  /**
   * A block was committed: drop its transactions and every transaction it made stale, and drop
   * the ones the block builder refused (they would be refused again). `included` are all the
   * block's txs, also those this pool never saw when another validator proposed the block.
   *
   * No state reads on the hot path: a sender's nonce after the block is one past its highest
   * included nonce (a block holds each sender's txs contiguous from its nonce), and its balance
   * is kept as a lower bound: minus the most its included txs could cost (gas limit × fee cap
   * + value). add() reads the real balance before refusing a tx for funds. Senders with refused
   * txs are read from the new state: their committed state is not what the pool expected.
   */
  async onBlockCommitted(included: PreparedTx[], refused: PreparedTx[]): Promise<void> {
    this.blocksCommitted++;
    const spent = new Map<Hex, { next: bigint; cost: bigint }>();
    for (const p of included) {
      const t = this.byHash.get(bytesToHex(p.hash));
      if (t) this.remove(t, true);
      const sender = bytesToHex(p.sender.bytes);
      const e = spent.get(sender) ?? { next: 0n, cost: 0n };
      const f = p.fields;
      if (f.nonce >= e.next) e.next = f.nonce + 1n;
      e.cost += f.gasLimit * f.feeCap + f.value;
      spent.set(sender, e);
    }
    const reread = new Set<Hex>();
    for (const p of refused) {
      const t = this.byHash.get(bytesToHex(p.hash));
      if (t) this.remove(t);
      reread.add(bytesToHex(p.sender.bytes));
    }
    for (const [sender, e] of spent) {
      const q = this.senders.get(sender);
      if (!q || reread.has(sender)) continue;
      if (e.next > q.nonce) q.nonce = e.next;
      q.balance = q.balance > e.cost ? q.balance - e.cost : 0n;
      q.balanceIsLowerBound = true;
      this.dropBelowNonce(q);
    }
    for (const sender of reread) {
      const q = this.senders.get(sender);
      if (!q) continue;
      const acct = await this.opts.getAccount(sender);
      q.nonce = acct.nonce;
      q.balance = acct.balance;
      q.balanceIsLowerBound = false;
      this.dropBelowNonce(q);
    }
    this.pruneIdleSenders();
  }

  private dropBelowNonce(q: SenderQueue): void {
    for (const [n, t] of q.txs) {
      if (n < q.nonce) {
        q.txs.delete(n);
        q.totalCost -= t.cost;
        this.byHash.delete(t.hash);
      }
    }
  }

  /**
   * Senders whose transactions were all included stay known (nonce exact, balance a lower
   * bound), so their next transaction is admitted without a state read; past
   * MAX_IDLE_SENDERS of them the idle ones are forgotten.
   */
  private pruneIdleSenders(): void {
    if (this.senders.size <= this.byHash.size + MAX_IDLE_SENDERS) return;
    for (const [sender, q] of this.senders) if (q.txs.size === 0) this.senders.delete(sender);
  }
}
