// Running a model over a whole data set in batches and stitching the outputs back together.
// Pure over a `run` function, so the session host runs it next to the session (one IPC round
// trip per evaluation instead of one per batch).
import { WorkerError } from "../errors.js";
import { elementCount, sliceRows, type HostTensor, type TypedData } from "../tensor.js";

export interface BatchPlan {
  batchSize: number;
  /** The model accepts exactly this batch size: the last batch is zero-padded. */
  fixedBatch?: number;
}

export type RunFn = (
  feeds: Record<string, HostTensor>,
  fetches: string[],
) => Promise<Record<string, HostTensor>>;

function padRows(t: HostTensor, rows: number): HostTensor {
  const rowSize = elementCount(t.shape.slice(1));
  const Ctor = t.data.constructor as new (n: number) => TypedData;
  const data = new Ctor(rows * rowSize);
  (data as Float32Array).set(t.data as Float32Array);
  return { dtype: t.dtype, shape: [rows, ...t.shape.slice(1)], data };
}

function concatRows(parts: HostTensor[], total: number): HostTensor {
  const first = parts[0]!;
  const rowShape = first.shape.slice(1);
  const rowSize = elementCount(rowShape);
  const Ctor = first.data.constructor as new (n: number) => TypedData;
  const data = new Ctor(total * rowSize);
  let off = 0;
  for (const p of parts) {
    if (p.shape.slice(1).join() !== rowShape.join()) {
      throw new WorkerError(
        "OUTPUT_SHAPE",
        `model output rows changed shape between batches ([${rowShape}] vs [${p.shape.slice(1)}])`,
      );
    }
    (data as Float32Array).set(p.data as Float32Array, off);
    off += p.data.length;
  }
  return { dtype: first.dtype, shape: [total, ...rowShape], data };
}

/** Items along the first axis of the inputs (all inputs agree; checked by the data set loader). */
export function itemCount(inputs: Record<string, HostTensor>): number {
  return Object.values(inputs)[0]?.shape[0] ?? 0;
}

export async function runBatches(
  run: RunFn,
  inputs: Record<string, HostTensor>,
  fetches: string[],
  plan: BatchPlan,
  onBatch?: (done: number, total: number, seconds: number) => void,
): Promise<Record<string, HostTensor>> {
  const size = itemCount(inputs);
  const batch = plan.fixedBatch ?? plan.batchSize;
  const parts: Record<string, HostTensor[]> = Object.fromEntries(fetches.map((f) => [f, []]));
  for (let start = 0; start < size; start += batch) {
    const end = Math.min(size, start + batch);
    const feeds: Record<string, HostTensor> = {};
    for (const [name, t] of Object.entries(inputs)) {
      const rows = sliceRows(t, start, end);
      feeds[name] = plan.fixedBatch && end - start < plan.fixedBatch ? padRows(rows, plan.fixedBatch) : rows;
    }
    const t0 = performance.now();
    const out = await run(feeds, fetches);
    onBatch?.(end, size, (performance.now() - t0) / 1000);
    for (const name of fetches) {
      const t = out[name];
      if (!t) throw new WorkerError("OUTPUT_SHAPE", `model did not return output "${name}"`);
      const expected = plan.fixedBatch ?? end - start;
      if (t.shape[0] !== expected) {
        throw new WorkerError(
          "OUTPUT_SHAPE",
          `model output "${name}" has ${t.shape[0]} rows for a batch of ${expected}`,
        );
      }
      parts[name]!.push(plan.fixedBatch ? sliceRows(t, 0, end - start) : t);
    }
  }
  const result: Record<string, HostTensor> = {};
  for (const name of fetches) result[name] = concatRows(parts[name]!, size);
  return result;
}
