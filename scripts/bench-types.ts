// The contract between `npm run bench` (scripts/bench.ts) and each benchmark module.
// A benchmark module lives at `<area>/bench/<name>.bench.ts` and default-exports a function
// returning its figures. Peers run inside the same function, on the same machine, so the
// ratio is meaningful on a noisy machine (CONVENTIONS.md, "Benchmarks").

export interface BenchFigure {
  /** Stable identifier, e.g. "execution.transfers_per_s". */
  name: string;
  value: number;
  /** e.g. "tx/s", "ms", "blocks/s". */
  unit: string;
  /** Higher is better (throughput) or lower is better (latency). */
  better: "higher" | "lower";
  /** The peer measured in the same run, if any. */
  peer?: { name: string; value: number };
  /** Target from the issue, if any, in the same unit. */
  target?: number;
  /** Free-form context: sizes, parameters, where the time goes. */
  notes?: string;
}

export interface BenchContext {
  /** Print a progress line (long benchmarks show progress). */
  log(line: string): void;
  /** Quick mode (`npm run bench -- --quick`): smaller sizes for a smoke run. */
  quick: boolean;
}

export type BenchModule = (ctx: BenchContext) => Promise<BenchFigure[]>;
