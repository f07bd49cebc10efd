// Child process that owns exactly one onnxruntime session. The parent (session.ts) can SIGKILL
// it when a run exceeds its time or memory budget: a native session.run cannot be interrupted
// from JavaScript, and killing a process is the only way to reclaim its memory and CPU for sure.
// A crash here (even a segfault in a malformed model) only ends this process.
import * as ort from "onnxruntime-node";
import { PROGRESS_REPORT_MS, type FromHost, type ToHost, type ExecutionProvider } from "./host-protocol.js";
import type { ModelValueInfo } from "./signature.js";
import type { HostTensor, TensorDType } from "../tensor.js";
import { runBatches } from "./batches.js";
import { WorkerError } from "../errors.js";

let session: ort.InferenceSession | undefined;
// One data set at a time: a host serves one model, usually evaluated on one data set.
let dataset: { key: string; inputs: Record<string, HostTensor> } | undefined;

function send(msg: FromHost): void {
  process.send?.(msg);
}

function valueInfo(meta: readonly ort.InferenceSession.ValueMetadata[]): ModelValueInfo[] {
  return meta.map((m) =>
    m.isTensor
      ? { name: m.name, dtype: m.type, shape: [...m.shape], isTensor: true }
      : { name: m.name, dtype: "non-tensor", shape: [], isTensor: false },
  );
}

async function create(
  model: Uint8Array,
  providers: ExecutionProvider[],
  threads: number,
): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: providers,
    graphOptimizationLevel: "all",
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
  });
}

async function load(msg: Extract<ToHost, { type: "load" }>): Promise<void> {
  let provider: ExecutionProvider = msg.providers[0] ?? "cpu";
  let cudaError: string | undefined;
  try {
    session = await create(msg.model, msg.providers, msg.intraOpThreads);
  } catch (err) {
    if (provider !== "cuda") throw err;
    // CUDA advertised but unusable (no driver, no provider library): retry on CPU so a missing
    // GPU degrades speed, not correctness. A model that is invalid fails again below.
    cudaError = err instanceof Error ? err.message : String(err);
    provider = "cpu";
    session = await create(msg.model, ["cpu"], msg.intraOpThreads);
  }
  send({
    type: "loaded",
    provider,
    ...(cudaError ? { cudaError } : {}),
    signature: { inputs: valueInfo(session.inputMetadata), outputs: valueInfo(session.outputMetadata) },
  });
}

async function runOnce(
  feedTensors: Record<string, HostTensor>,
  fetches: string[],
): Promise<Record<string, HostTensor>> {
  if (!session) throw new Error("no model loaded");
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feedTensors)) feeds[name] = new ort.Tensor(t.dtype, t.data, t.shape);
  const results = await session.run(feeds, fetches);
  const outputs: Record<string, HostTensor> = {};
  for (const name of fetches) {
    const v = results[name];
    if (!v || !("dims" in v)) throw new Error(`output "${name}" is not a tensor`);
    const t = v as ort.Tensor;
    outputs[name] = { dtype: t.type as TensorDType, shape: [...t.dims], data: t.data as HostTensor["data"] };
  }
  return outputs;
}

async function run(msg: Extract<ToHost, { type: "run" }>): Promise<void> {
  send({ type: "result", id: msg.id, outputs: await runOnce(msg.feeds, msg.fetches) });
}

async function runDataset(msg: Extract<ToHost, { type: "runDataset" }>): Promise<void> {
  if (dataset?.key !== msg.key) throw new Error(`data set ${msg.key} was not sent to this host`);
  let reported = performance.now();
  let seconds: number[] = [];
  const outputs = await runBatches(runOnce, dataset.inputs, msg.fetches, msg.plan, (done, total, s) => {
    seconds.push(s);
    const now = performance.now();
    if (done < total && now - reported < PROGRESS_REPORT_MS) return;
    send({ type: "progress", id: msg.id, done, total, seconds });
    reported = now;
    seconds = [];
  });
  send({ type: "result", id: msg.id, outputs });
}

function runError(id: number, err: unknown): FromHost {
  return {
    type: "run-error",
    id,
    message: err instanceof Error ? err.message : String(err),
    ...(err instanceof WorkerError ? { code: err.code } : {}),
  };
}

// Runs, and data sets between them, happen one at a time in the order they arrive: the worker
// sends the next job's run while one is going on, and the host starts it as soon as that ends.
let queue: Promise<void> = Promise.resolve();
function enqueue(task: () => Promise<void> | void): void {
  queue = queue.then(task).catch(() => undefined);
}

process.on("message", (raw: ToHost) => {
  if (raw.type === "load") {
    load(raw).catch((err: unknown) =>
      send({ type: "load-error", message: err instanceof Error ? err.message : String(err) }),
    );
  } else if (raw.type === "dataset") {
    enqueue(() => {
      dataset = { key: raw.key, inputs: raw.inputs };
    });
  } else if (raw.type === "run" || raw.type === "runDataset") {
    enqueue(() => {
      send({ type: "started", id: raw.id });
      return (raw.type === "run" ? run(raw) : runDataset(raw)).catch((err: unknown) =>
        send(runError(raw.id, err)),
      );
    });
  }
});
// The parent going away (crash, SIGKILL) must not leave an orphan holding a GPU.
process.on("disconnect", () => process.exit(0));
