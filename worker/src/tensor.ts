// Tensors as they travel in JSON (data sets, infer jobs): dtype + shape + little-endian bytes in
// base64. The schema is free of Node APIs so the app can validate job payloads with it; the
// decoding helpers below use Buffer and are worker-side only.
import { z } from "zod";
import { WorkerError } from "./errors.js";

export const TENSOR_DTYPES = ["float32", "float64", "int32", "int64", "uint8", "int8", "bool"] as const;
export type TensorDType = (typeof TENSOR_DTYPES)[number];

export const wireTensorSchema = z.object({
  dtype: z.enum(TENSOR_DTYPES),
  shape: z.array(z.number().int().nonnegative()).max(8),
  data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "data must be base64"),
});
export type WireTensor = z.infer<typeof wireTensorSchema>;

export type TypedData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

/** A decoded tensor: what the ONNX host consumes and produces. */
export interface HostTensor {
  dtype: TensorDType;
  shape: number[];
  data: TypedData;
}

const BYTES: Record<TensorDType, number> = {
  float32: 4,
  float64: 8,
  int32: 4,
  int64: 8,
  uint8: 1,
  int8: 1,
  bool: 1,
};

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function view(dtype: TensorDType, buf: ArrayBuffer, offset: number, length: number): TypedData {
  switch (dtype) {
    case "float32":
      return new Float32Array(buf, offset, length);
    case "float64":
      return new Float64Array(buf, offset, length);
    case "int32":
      return new Int32Array(buf, offset, length);
    case "int64":
      return new BigInt64Array(buf, offset, length);
    case "int8":
      return new Int8Array(buf, offset, length);
    case "uint8":
    case "bool":
      return new Uint8Array(buf, offset, length);
  }
}

export function decodeTensor(t: WireTensor, what = "tensor"): HostTensor {
  const bytes = Buffer.from(t.data, "base64");
  const n = elementCount(t.shape);
  if (bytes.byteLength !== n * BYTES[t.dtype]) {
    throw new WorkerError(
      "DATASET_INVALID",
      `${what}: ${bytes.byteLength} bytes do not match shape [${t.shape.join(", ")}] of ${t.dtype}`,
    );
  }
  // Copy into a fresh, aligned buffer: Buffer.from may return a view into a shared pool at an
  // offset that is not a multiple of the element size.
  const aligned = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(aligned).set(bytes);
  return { dtype: t.dtype, shape: [...t.shape], data: view(t.dtype, aligned, 0, n) };
}

export function encodeTensor(t: HostTensor): WireTensor {
  const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { dtype: t.dtype, shape: [...t.shape], data: bytes.toString("base64") };
}

/** Rows [start, end) along the first axis, sharing memory with the source. */
export function sliceRows(t: HostTensor, start: number, end: number): HostTensor {
  const rowSize = elementCount(t.shape.slice(1));
  const data = t.data.subarray(start * rowSize, end * rowSize) as TypedData;
  return { dtype: t.dtype, shape: [end - start, ...t.shape.slice(1)], data };
}

/** The rows of a numeric tensor as plain numbers, for evaluators. */
export function toNumberRows(t: HostTensor): number[][] {
  const rows = t.shape[0] ?? 1;
  const width = t.shape.length <= 1 ? 1 : elementCount(t.shape.slice(1));
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = new Array(width);
    for (let c = 0; c < width; c++) row[c] = Number(t.data[r * width + c]);
    out.push(row);
  }
  return out;
}

export function isFloat(dtype: TensorDType): boolean {
  return dtype === "float32" || dtype === "float64";
}

/** Index of the first NaN or ±Infinity, or -1. */
export function firstNonFinite(t: HostTensor): number {
  if (!isFloat(t.dtype)) return -1;
  const d = t.data as Float32Array | Float64Array;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return i;
  return -1;
}
