// Single-validator block production: one block per target block time, empty blocks too, each
// built from the mempool's executable transactions and committed atomically. The BFT engine
// replaces this module with its own rounds over the same Chain.proposeBlock/commitBlock.
import type { Mempool } from "../mempool/mempool.js";
import type { Chain } from "./chain.js";

export interface ProducerOptions {
  chain: Chain;
  mempool: Mempool;
  coinbase: Uint8Array;
  blockTimeMs: number;
  signal: AbortSignal;
  log(msg: string): void;
}

export class BlockProducer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly o: ProducerOptions) {}

  start(): void {
    this.schedule(Date.now() + this.o.blockTimeMs);
  }

  private schedule(at: number): void {
    if (this.o.signal.aborted) return;
    this.timer = setTimeout(
      () => {
        this.running = this.produce()
          .catch((e: unknown) => this.o.log(`block production failed: ${(e as Error).stack ?? String(e)}`))
          .finally(() => {
            this.running = undefined;
            // Keep the cadence: the next slot is one block time after this one was due,
            // or now when the block took longer than that.
            this.schedule(Math.max(at + this.o.blockTimeMs, Date.now()));
          });
      },
      Math.max(0, at - Date.now()),
    );
  }

  /** Build and commit one block now. */
  async produce(): Promise<void> {
    const { chain, mempool } = this.o;
    const candidate = await chain.proposeBlock(mempool, this.o.coinbase);
    await chain.commitBlock(candidate);
    await mempool.onBlockCommitted(
      candidate.executed.txs,
      candidate.executed.rejected.map((r) => r.tx),
    );
  }

  /** Stop producing; resolves once a block in progress has been committed. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    if (this.timer) clearTimeout(this.timer);
  }
}
