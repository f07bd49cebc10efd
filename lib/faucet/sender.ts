// The faucet's single sender: turns queued FaucetClaim rows into signed transfers with
// gap-free nonces, broadcasts them, confirms them from receipts, and rebroadcasts or replaces
// the ones that linger.
//
// Nonces: one loop per process (single-flight), and the assignment itself happens in a database
// transaction holding a transaction-scoped advisory lock, so two app instances sharing the
// database never hand out the same nonce. The next nonce is max(last assigned + 1, the chain's
// pending nonce at start) and is persisted with the claim (status `sent`) BEFORE the broadcast:
// after a crash the signed transfer is re-created from the row, never paid twice.
//
// Fees are a function of the attempt number (FEE_CAP × 1.25^attempt), so every earlier version
// of a replaced transfer can be re-signed deterministically (RFC 6979) and its hash checked.
import { Prisma, type PrismaClient } from "@prisma/client";
import { createPublicClient, http, keccak256, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

export interface SenderOptions {
  prisma: PrismaClient;
  privateKey: Hex;
  chainId: number;
  rpcUrl: string;
  /** Stop assigning (and report paused) below this balance, in wei. */
  minBalanceWei: bigint;
  /** A sent claim without a receipt is rebroadcast with a higher fee after this long. */
  resendAfterMs: number;
  /** Idle tick of the loop. */
  tickMs?: number;
  log?: (line: string) => void;
}

/** Gas of a faucet transfer: 21k for an account, headroom for a contract's receive(). */
export const FAUCET_GAS = 60_000n;
const BASE_FEE_CAP = 20_000_000_000n; // 20 gwei
const BASE_TIP = 1_000_000_000n; // 1 gwei
const MAX_ATTEMPT = 8;
const ASSIGN_BATCH = 200;
// Arbitrary constant naming "the faucet's nonce lock" among Postgres advisory locks.
const NONCE_LOCK_KEY = 0x7c_fa_0c_e7;

export function feesForAttempt(attempt: number): { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } {
  const k = Math.min(attempt, MAX_ATTEMPT);
  // ×1.25 per attempt: above the mempool's 10% replacement bump.
  const num = 5n ** BigInt(k);
  const den = 4n ** BigInt(k);
  return { maxFeePerGas: (BASE_FEE_CAP * num) / den, maxPriorityFeePerGas: (BASE_TIP * num) / den };
}

interface SentRow {
  id: bigint;
  address: string;
  amount: Prisma.Decimal;
  nonce: bigint | null;
  attempts: number;
  sentAt: Date | null;
  txHash: string | null;
}

export class FaucetSender {
  readonly account: PrivateKeyAccount;
  readonly client: PublicClient;
  /** Why the sender is not paying, or null. */
  paused: string | null = null;
  private nonceFloor: bigint | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: SenderOptions) {
    this.account = privateKeyToAccount(opts.privateKey);
    this.client = createPublicClient({
      transport: http(opts.rpcUrl, { batch: { batchSize: 100, wait: 0 }, timeout: 15_000, retryCount: 1 }),
    });
    this.log = opts.log ?? ((l) => console.log(`[faucet] ${l}`));
  }

  get address(): string {
    return this.account.address.toLowerCase();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs a tick soon (a claim was queued); ticks never overlap. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.tick()
      .catch((err: unknown) => this.log(`tick failed: ${(err as Error).message.split("\n")[0]}`))
      .finally(() => {
        this.running = null;
        if (this.stopped) return;
        const delay = this.again ? 0 : (this.opts.tickMs ?? 250);
        this.again = false;
        this.timer = setTimeout(() => this.kick(), delay);
        this.timer.unref();
      });
  }

  /** One pass: confirm what was mined, rebroadcast what lingers, send what is queued. */
  async tick(): Promise<void> {
    await this.confirm();
    await this.resendStale();
    await this.assignAndSend();
  }

  private sign(to: string, amount: bigint, nonce: bigint, attempt: number): Promise<Hex> {
    return this.account.signTransaction({
      chainId: this.opts.chainId,
      type: "eip1559",
      to: to as Hex,
      value: amount,
      nonce: Number(nonce),
      gas: FAUCET_GAS,
      ...feesForAttempt(attempt),
    });
  }

  private async broadcast(raws: Hex[]): Promise<void> {
    const results = await Promise.allSettled(
      raws.map((raw) => this.client.request({ method: "eth_sendRawTransaction", params: [raw] })),
    );
    for (const r of results) {
      if (r.status === "rejected") {
        const msg = String(
          (r.reason as { details?: string; shortMessage?: string }).details ?? (r.reason as Error).message,
        );
        // Already in the pool or already mined: nothing to do. Anything else is retried by resendStale().
        if (!/already known|nonce too low/i.test(msg))
          this.log(`broadcast failed (will retry): ${msg.split("\n")[0]}`);
      }
    }
  }

  private async assignAndSend(): Promise<void> {
    const { prisma } = this.opts;
    const queued = await prisma.faucetClaim.count({ where: { status: "queued" } });
    if (queued === 0) return;
    const balance = await this.client.getBalance({ address: this.account.address });
    if (balance < this.opts.minBalanceWei) {
      const msg = `faucet paused: sender ${this.address} holds ${balance} wei, below the ${this.opts.minBalanceWei} wei threshold; fund it to resume`;
      if (this.paused !== msg) this.log(msg);
      this.paused = msg;
      return;
    }
    this.paused = null;
    this.nonceFloor ??= BigInt(
      await this.client.getTransactionCount({ address: this.account.address, blockTag: "pending" }),
    );
    const floor = this.nonceFloor;

    const signed = await prisma.$transaction(
      async (db) => {
        await db.$executeRaw`SELECT pg_advisory_xact_lock(${NONCE_LOCK_KEY})`;
        const rows = await db.$queryRaw<{ id: bigint; address: string; amount: Prisma.Decimal }[]>`
          SELECT id, address, amount FROM "FaucetClaim" WHERE status = 'queued' ORDER BY id LIMIT ${ASSIGN_BATCH} FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return [];
        const max = await db.faucetClaim.aggregate({ _max: { nonce: true } });
        let nonce =
          max._max.nonce === null ? floor : max._max.nonce + 1n > floor ? max._max.nonce + 1n : floor;
        // Stop handing out more than the balance covers (value + worst-case gas).
        let budget = balance - this.opts.minBalanceWei;
        const out: { id: bigint; nonce: bigint; raw: Hex; hash: Hex }[] = [];
        for (const r of rows) {
          const amount = BigInt(r.amount.toFixed(0));
          const cost = amount + FAUCET_GAS * feesForAttempt(0).maxFeePerGas;
          if (cost > budget) break;
          budget -= cost;
          const raw = await this.sign(r.address, amount, nonce, 0);
          out.push({ id: r.id, nonce, raw, hash: keccak256(raw) });
          nonce++;
        }
        if (out.length === 0) return [];
        await db.$executeRaw`
          UPDATE "FaucetClaim" AS c SET status = 'sent', nonce = u.nonce, "txHash" = u.hash, "sentAt" = now(), "updatedAt" = now(), attempts = 0
          FROM unnest(${out.map((o) => o.id.toString())}::bigint[], ${out.map((o) => o.nonce.toString())}::bigint[], ${out.map((o) => o.hash)}::text[]) AS u(id, nonce, hash)
          WHERE c.id = u.id`;
        return out;
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
    if (signed.length > 0) await this.broadcast(signed.map((s) => s.raw));
  }

  /** Marks mined claims confirmed (or failed when the transfer reverted). */
  private async confirm(): Promise<void> {
    const { prisma } = this.opts;
    const sent: SentRow[] = await prisma.faucetClaim.findMany({
      where: { status: "sent" },
      orderBy: { nonce: "asc" },
      select: {
        id: true,
        address: true,
        amount: true,
        nonce: true,
        attempts: true,
        sentAt: true,
        txHash: true,
      },
    });
    if (sent.length === 0) return;
    const mined = BigInt(
      await this.client.getTransactionCount({ address: this.account.address, blockTag: "latest" }),
    );
    const done = sent.filter((s) => s.nonce !== null && s.nonce < mined);
    if (done.length === 0) return;
    // Every version (attempt) of each transfer: whichever was mined holds the nonce.
    const versions = await Promise.all(
      done.map(async (s) => {
        const hashes: Hex[] = [];
        for (let k = 0; k <= Math.min(s.attempts, MAX_ATTEMPT); k++)
          hashes.push(keccak256(await this.sign(s.address, BigInt(s.amount.toFixed(0)), s.nonce!, k)));
        return hashes;
      }),
    );
    const receipts = await Promise.all(
      versions.map((hashes) =>
        Promise.all(
          hashes.map((hash) =>
            this.client
              .request({ method: "eth_getTransactionReceipt", params: [hash] })
              .catch(() => undefined),
          ),
        ),
      ),
    );
    for (let i = 0; i < done.length; i++) {
      const s = done[i]!;
      const found = receipts[i]!.find((r) => r != null) as { transactionHash: Hex; status: Hex } | undefined;
      if (found) {
        const ok = BigInt(found.status) === 1n;
        await prisma.faucetClaim.update({
          where: { id: s.id },
          data: {
            status: ok ? "confirmed" : "failed",
            txHash: found.transactionHash.toLowerCase(),
            confirmedAt: new Date(),
            error: ok ? null : "the transfer reverted (a contract recipient refused it)",
          },
        });
      } else if (
        receipts[i]!.every((r) => r === null) &&
        s.sentAt !== null &&
        Date.now() - s.sentAt.getTime() > this.opts.resendAfterMs
      ) {
        // The nonce was used by a transaction that is none of ours (the key is shared):
        // pay again with a fresh nonce. (A lookup error — undefined — is retried next tick.)
        this.log(`nonce ${s.nonce} of claim ${s.id} was taken by another transaction; requeueing`);
        await prisma.faucetClaim.update({
          where: { id: s.id },
          data: { status: "queued", nonce: null, txHash: null, sentAt: null, attempts: { increment: 1 } },
        });
        this.nonceFloor = mined;
      }
    }
  }

  /** Transfers sent longer than resendAfterMs ago without a receipt: replace with a higher fee. */
  private async resendStale(): Promise<void> {
    const { prisma } = this.opts;
    const cutoff = new Date(Date.now() - this.opts.resendAfterMs);
    const stale: SentRow[] = await prisma.faucetClaim.findMany({
      where: { status: "sent", sentAt: { lt: cutoff } },
      orderBy: { nonce: "asc" },
      take: ASSIGN_BATCH,
      select: {
        id: true,
        address: true,
        amount: true,
        nonce: true,
        attempts: true,
        sentAt: true,
        txHash: true,
      },
    });
    if (stale.length === 0) return;
    const raws: Hex[] = [];
    for (const s of stale) {
      const attempt = Math.min(s.attempts + 1, MAX_ATTEMPT);
      const raw = await this.sign(s.address, BigInt(s.amount.toFixed(0)), s.nonce!, attempt);
      raws.push(raw);
      await prisma.faucetClaim.update({
        where: { id: s.id },
        data: { attempts: attempt, txHash: keccak256(raw), sentAt: new Date() },
      });
    }
    this.log(`rebroadcasting ${stale.length} transfer(s) with a higher fee`);
    await this.broadcast(raws);
  }
}
