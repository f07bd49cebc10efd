// What a job handler needs from the worker around it.
import type { LocalAccount } from "viem";
import type { DatasetCache, ModelCache } from "../cache.js";
import type { Logger } from "../log.js";
import type { WorkerMetrics } from "../metrics.js";
import type { CircuitBreakers } from "./http-client.js";

export interface JobContext {
  models: ModelCache;
  datasets: DatasetCache;
  /** Signs evaluation receipts. */
  account: LocalAccount;
  /** Items per inference call when the task spec does not say. */
  batchSize: number;
  endpoint: { timeoutMs: number; retries: number; breakers: CircuitBreakers };
  metrics?: WorkerMetrics;
  log?: Logger;
  /** Aborted when the job's lease is lost or the worker stops hard. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}
