// Messages between the worker (parent) and an ONNX session host (child process). The channel is
// Node IPC with "advanced" serialization, so typed arrays cross without base64.
import type { HostTensor } from "../tensor.js";
import type { BatchPlan } from "./batches.js";
import type { ModelSignature } from "./signature.js";

export type ExecutionProvider = "cuda" | "cpu";

/**
 * How often at most the host reports progress during a runDataset. Not after every batch: each
 * message wakes the worker's process and costs both sides CPU that the next batch needs (an
 * evaluation of 4,096 items in batches of 256 sent 16 a job). The parent's per-batch time limit
 * allows this much slack, since a batch may start up to this long after the last report.
 */
export const PROGRESS_REPORT_MS = 100;

export type ToHost =
  | { type: "load"; model: Uint8Array; providers: ExecutionProvider[]; intraOpThreads: number }
  | { type: "run"; id: number; feeds: Record<string, HostTensor>; fetches: string[] }
  /** Keep these inputs under `key` for the runDataset requests after it (replaces any previous data set). */
  | { type: "dataset"; key: string; inputs: Record<string, HostTensor> }
  | { type: "runDataset"; id: number; key: string; fetches: string[]; plan: BatchPlan };

export type FromHost =
  | { type: "loaded"; signature: ModelSignature; provider: ExecutionProvider; cudaError?: string }
  | { type: "load-error"; message: string }
  /** The host began request `id` (requests queue in the host and run one at a time). */
  | { type: "started"; id: number }
  /**
   * During a runDataset, at most every PROGRESS_REPORT_MS and after its last batch: the items done
   * and the time of each batch finished since the previous report. Resets the parent's timer.
   */
  | { type: "progress"; id: number; done: number; total: number; seconds: number[] }
  | { type: "result"; id: number; outputs: Record<string, HostTensor> }
  | { type: "run-error"; id: number; message: string; code?: string };
