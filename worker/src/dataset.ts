// The held-out data set format, "tensorchain-dataset/1": one JSON document whose sha256 (of the
// exact bytes) is the task spec's dataset hash, so no canonicalization is needed — whoever has
// the bytes can check them. Model inputs are tensors keyed by the model's input names, with the
// first axis indexing items; the expected answers depend on the task type:
//   classification  labels: integer class per item
//   regression      targets: tensor [N] or [N, K]
//   embedding       references: tensor [N, D] (reference vectors)
//   text            prompts: string per item, answers: acceptable answers per item
import { z } from "zod";
import { createHash } from "node:crypto";
import { WorkerError } from "./errors.js";
import { decodeTensor, encodeTensor, wireTensorSchema, type HostTensor } from "./tensor.js";
import type { Hash32, TaskType } from "./task-spec.js";

export const DATASET_FORMAT = "tensorchain-dataset/1";
const MAX_ITEMS = 1_000_000;

const inputsSchema = z.record(z.string().min(1).max(128), wireTensorSchema);

export const datasetSchema = z.discriminatedUnion("taskType", [
  z.object({
    format: z.literal(DATASET_FORMAT),
    taskType: z.literal("classification"),
    inputs: inputsSchema,
    labels: z.array(z.number().int().nonnegative()).max(MAX_ITEMS),
  }),
  z.object({
    format: z.literal(DATASET_FORMAT),
    taskType: z.literal("regression"),
    inputs: inputsSchema,
    targets: wireTensorSchema,
  }),
  z.object({
    format: z.literal(DATASET_FORMAT),
    taskType: z.literal("embedding"),
    inputs: inputsSchema,
    references: wireTensorSchema,
  }),
  z.object({
    format: z.literal(DATASET_FORMAT),
    taskType: z.literal("text"),
    prompts: z.array(z.string().max(100_000)).max(MAX_ITEMS),
    answers: z.array(z.array(z.string().max(100_000)).min(1)).max(MAX_ITEMS),
  }),
]);
export type DatasetDocument = z.infer<typeof datasetSchema>;

/** A decoded, validated data set. */
export type Dataset =
  | { taskType: "classification"; size: number; inputs: Record<string, HostTensor>; labels: number[] }
  | { taskType: "regression"; size: number; inputs: Record<string, HostTensor>; targets: HostTensor }
  | { taskType: "embedding"; size: number; inputs: Record<string, HostTensor>; references: HostTensor }
  | { taskType: "text"; size: number; prompts: string[]; answers: string[][] };

export function sha256Hex(bytes: Uint8Array): Hash32 {
  return `0x${createHash("sha256").update(bytes).digest("hex")}`;
}

function invalid(msg: string, details?: string): WorkerError {
  return new WorkerError("DATASET_INVALID", `invalid data set: ${msg}`, { details });
}

function decodeInputs(inputs: Record<string, z.infer<typeof wireTensorSchema>>): {
  inputs: Record<string, HostTensor>;
  size: number;
} {
  const out: Record<string, HostTensor> = {};
  let size: number | undefined;
  for (const [name, wire] of Object.entries(inputs)) {
    const t = decodeTensor(wire, `input "${name}"`);
    if (t.shape.length === 0) throw invalid(`input "${name}" needs an item axis`);
    if (size !== undefined && t.shape[0] !== size)
      throw invalid(`inputs disagree on the item count (${size} vs ${t.shape[0]})`);
    size = t.shape[0];
    out[name] = t;
  }
  if (size === undefined) throw invalid("no inputs");
  if (size === 0) throw invalid("no items");
  return { inputs: out, size };
}

function floatTensor(t: HostTensor, what: string): HostTensor {
  if (t.dtype !== "float32" && t.dtype !== "float64") throw invalid(`${what} must be float32 or float64`);
  return t;
}

/** Parses and validates a data set. With `expectedHash`, the bytes are verified first. */
export function parseDataset(bytes: Uint8Array, expectedHash?: Hash32): Dataset {
  if (expectedHash) {
    const got = sha256Hex(bytes);
    if (got !== expectedHash.toLowerCase()) {
      throw new WorkerError("HASH_MISMATCH", `data set bytes hash to ${got}, expected ${expectedHash}`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch (err) {
    throw invalid("not JSON", String(err));
  }
  const parsed = datasetSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${issue?.path.join(".") || "document"}: ${issue?.message}`, z.prettifyError(parsed.error));
  }
  const doc = parsed.data;
  switch (doc.taskType) {
    case "classification": {
      const { inputs, size } = decodeInputs(doc.inputs);
      if (doc.labels.length !== size) throw invalid(`${doc.labels.length} labels for ${size} items`);
      return { taskType: "classification", size, inputs, labels: doc.labels };
    }
    case "regression": {
      const { inputs, size } = decodeInputs(doc.inputs);
      const targets = floatTensor(decodeTensor(doc.targets, "targets"), "targets");
      if (targets.shape[0] !== size) throw invalid(`${targets.shape[0]} targets for ${size} items`);
      return { taskType: "regression", size, inputs, targets };
    }
    case "embedding": {
      const { inputs, size } = decodeInputs(doc.inputs);
      const references = floatTensor(decodeTensor(doc.references, "references"), "references");
      if (references.shape.length !== 2 || references.shape[0] !== size) {
        throw invalid(`references must have shape [${size}, D]`);
      }
      return { taskType: "embedding", size, inputs, references };
    }
    case "text": {
      if (doc.answers.length !== doc.prompts.length)
        throw invalid(`${doc.answers.length} answers for ${doc.prompts.length} prompts`);
      if (doc.prompts.length === 0) throw invalid("no items");
      return { taskType: "text", size: doc.prompts.length, prompts: doc.prompts, answers: doc.answers };
    }
  }
}

/** Serializes a data set; the returned hash is what a task spec declares. */
export function encodeDataset(ds: Dataset): { bytes: Uint8Array; hash: Hash32 } {
  let doc: DatasetDocument;
  const inputs = (r: Record<string, HostTensor>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, encodeTensor(v)]));
  switch (ds.taskType) {
    case "classification":
      doc = { format: DATASET_FORMAT, taskType: ds.taskType, inputs: inputs(ds.inputs), labels: ds.labels };
      break;
    case "regression":
      doc = {
        format: DATASET_FORMAT,
        taskType: ds.taskType,
        inputs: inputs(ds.inputs),
        targets: encodeTensor(ds.targets),
      };
      break;
    case "embedding":
      doc = {
        format: DATASET_FORMAT,
        taskType: ds.taskType,
        inputs: inputs(ds.inputs),
        references: encodeTensor(ds.references),
      };
      break;
    case "text":
      doc = { format: DATASET_FORMAT, taskType: ds.taskType, prompts: ds.prompts, answers: ds.answers };
      break;
  }
  const bytes = new TextEncoder().encode(JSON.stringify(doc));
  return { bytes, hash: sha256Hex(bytes) };
}

export function datasetMatchesTask(ds: Dataset, taskType: TaskType): void {
  if (ds.taskType !== taskType) throw invalid(`data set is for ${ds.taskType}, the task is ${taskType}`);
}
