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
  /**
   * Called once the job's last inference is over: the slot may start its next job on the session
   * while this one scores its outputs, signs its receipt and completes.
   */
  onInferenceDone?: () => void;
  /**
   * Called when the job's last inference starts in its model host: the slot may queue its next
   * job's inference in the host now, which starts it the moment this one ends — no gap between
   * two runs. (RunGate keeps the number of models computing at once within the worker's
   * concurrency; a slot has at most one run going on and one waiting.)
   */
  onInferenceStarted?: () => void;
}
