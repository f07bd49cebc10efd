// Dispatch from a task spec to its evaluator, given the model's outputs over a whole data set.
import { WorkerError } from "../errors.js";
import type { Dataset } from "../dataset.js";
import { toNumberRows, type HostTensor } from "../tensor.js";
import type { TaskSpec } from "../task-spec.js";
import { evaluateClassification } from "./classification.js";
import { evaluateEmbedding } from "./embedding.js";
import { evaluateRegression } from "./regression.js";
import type { Evaluation } from "./types.js";

/** Scores a model's primary output (the task spec's first declared output) on a data set. */
export function evaluateOutputs(spec: TaskSpec, ds: Dataset, output: HostTensor): Evaluation {
  if (output.shape[0] !== ds.size) {
    throw new WorkerError("OUTPUT_SHAPE", `model returned ${output.shape[0]} rows for ${ds.size} items`);
  }
  const rows = toNumberRows(output);
  switch (ds.taskType) {
    case "classification":
      return evaluateClassification(rows, ds.labels, spec.metric);
    case "regression":
      return evaluateRegression(rows, toNumberRows(ds.targets), spec.metric);
    case "embedding":
      return evaluateEmbedding(rows, toNumberRows(ds.references), spec.metric);
    case "text":
      throw new WorkerError(
        "TASK_SPEC_INVALID",
        "text tasks are scored from endpoint answers, not model outputs",
      );
  }
}
