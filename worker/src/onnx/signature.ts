// A loaded model's signature (input/output names, dtypes, shapes) and the check against the
// signature a subnet's task spec declares. A mismatch is the model's fault: clear reason, score 0.
import { WorkerError } from "../errors.js";
import type { TensorSignature } from "../task-spec.js";

/** What onnxruntime reports for one value: dtype may be one we do not support (e.g. float16). */
export interface ModelValueInfo {
  name: string;
  dtype: string;
  /** Fixed sizes as numbers, symbolic dimensions as their names. */
  shape: (number | string)[];
  isTensor: boolean;
}

export interface ModelSignature {
  inputs: ModelValueInfo[];
  outputs: ModelValueInfo[];
}

function fmtShape(shape: readonly (number | string | null)[]): string {
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}

function checkValue(
  kind: "input" | "output",
  declared: TensorSignature,
  actual: ModelValueInfo | undefined,
): string | null {
  if (!actual) return `model has no ${kind} named "${declared.name}"`;
  if (!actual.isTensor) return `${kind} "${declared.name}" is not a tensor`;
  if (actual.dtype !== declared.dtype) {
    return `${kind} "${declared.name}" has dtype ${actual.dtype}, the task expects ${declared.dtype}`;
  }
  if (actual.shape.length !== declared.shape.length) {
    return `${kind} "${declared.name}" has shape ${fmtShape(actual.shape)}, the task expects ${fmtShape(declared.shape)}`;
  }
  for (let i = 0; i < declared.shape.length; i++) {
    const want = declared.shape[i];
    const got = actual.shape[i];
    // A free model dimension accepts any size; a declared free dimension accepts any model size.
    if (typeof want === "number" && typeof got === "number" && want !== got) {
      return `${kind} "${declared.name}" has shape ${fmtShape(actual.shape)}, the task expects ${fmtShape(declared.shape)}`;
    }
  }
  return null;
}

/** Throws MODEL_SIGNATURE with the first mismatch. The model may have extra outputs (ignored),
 *  but no inputs the task does not provide. */
export function checkSignature(
  model: ModelSignature,
  inputs: readonly TensorSignature[],
  outputs: readonly TensorSignature[],
): void {
  const problems: string[] = [];
  for (const d of inputs) {
    const p = checkValue(
      "input",
      d,
      model.inputs.find((v) => v.name === d.name),
    );
    if (p) problems.push(p);
  }
  for (const v of model.inputs) {
    if (!inputs.some((d) => d.name === v.name))
      problems.push(`model requires input "${v.name}" that the task does not provide`);
  }
  for (const d of outputs) {
    const p = checkValue(
      "output",
      d,
      model.outputs.find((v) => v.name === d.name),
    );
    if (p) problems.push(p);
  }
  if (problems.length > 0) {
    throw new WorkerError("MODEL_SIGNATURE", `wrong model signature: ${problems[0]}`, {
      details: problems.join("; "),
    });
  }
}

/** The largest batch the model accepts: its fixed first input dimension, if any. */
export function fixedBatchSize(model: ModelSignature): number | undefined {
  for (const v of model.inputs) {
    const d = v.shape[0];
    if (typeof d === "number" && d > 0) return d;
  }
  return undefined;
}
