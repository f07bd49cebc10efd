// A subnet's task spec (PROTOCOL.md, "Subnets"): task type, the model's input/output signature,
// the evaluation metric and the held-out data set (content hash + URI). The subnet registers a
// URI to this JSON document; the validator puts the parsed document into each job payload.
// Node-free: the app validates task specs with the same schema.
import { z } from "zod";
import { TENSOR_DTYPES } from "./tensor.js";

/** 32-byte hashes travel as 0x-prefixed lowercase hex (bytes32 on chain); input may omit 0x. */
export const hash32Schema = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, "expected a 32-byte hex hash")
  .transform((s) => (s.startsWith("0x") ? s.toLowerCase() : `0x${s.toLowerCase()}`) as `0x${string}`);
export type Hash32 = `0x${string}`;

/** A dimension: a fixed size, or a name / null for a free dimension (e.g. the batch). */
export const dimSchema = z.union([z.number().int().nonnegative(), z.string().max(64), z.null()]);

export const tensorSignatureSchema = z.object({
  name: z.string().min(1).max(128),
  dtype: z.enum(TENSOR_DTYPES),
  shape: z.array(dimSchema).max(8),
});
export type TensorSignature = z.infer<typeof tensorSignatureSchema>;

export const TASK_TYPES = ["classification", "regression", "embedding", "text"] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const METRICS = {
  classification: ["accuracy", "macro_f1"],
  regression: ["r2", "mse", "mae"],
  embedding: ["cosine"],
  text: ["exact_match", "token_f1", "numeric"],
} as const satisfies Record<TaskType, readonly string[]>;
export type Metric = (typeof METRICS)[TaskType][number];
export const ALL_METRICS = Object.values(METRICS).flat() as Metric[];

export const taskSpecSchema = z
  .object({
    version: z.literal(1),
    taskType: z.enum(TASK_TYPES),
    metric: z.enum(ALL_METRICS as [Metric, ...Metric[]]),
    /** Model signature; required for model tasks, absent for text (endpoint) tasks. */
    inputs: z.array(tensorSignatureSchema).max(16).default([]),
    outputs: z.array(tensorSignatureSchema).max(16).default([]),
    dataset: z.object({ hash: hash32Schema, uri: z.string().max(2048).optional() }),
    /** Items per inference call; the worker's default when absent. */
    batchSize: z.number().int().min(1).max(65_536).optional(),
    /** Numeric metric: |answer − reference| ≤ max(absTolerance, relTolerance·|reference|). */
    absTolerance: z.number().nonnegative().default(1e-6),
    relTolerance: z.number().nonnegative().default(1e-4),
  })
  .superRefine((spec, ctx) => {
    if (!(METRICS[spec.taskType] as readonly string[]).includes(spec.metric)) {
      ctx.addIssue({
        code: "custom",
        path: ["metric"],
        message: `metric ${spec.metric} does not apply to ${spec.taskType} tasks (use ${METRICS[spec.taskType].join(", ")})`,
      });
    }
    if (spec.taskType !== "text" && (spec.inputs.length === 0 || spec.outputs.length === 0)) {
      ctx.addIssue({ code: "custom", path: ["inputs"], message: "model tasks declare inputs and outputs" });
    }
  });
export type TaskSpec = z.infer<typeof taskSpecSchema>;
export type TaskSpecInput = z.input<typeof taskSpecSchema>;
