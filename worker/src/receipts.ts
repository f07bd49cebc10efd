// Evaluation receipts: a worker's signed statement "model M scored S on data set D for neuron
// (netuid, uid, hotkey) in job J". The validator commits the Merkle root of a tempo's receipts
// with its weights (PROTOCOL.md, commitWeights receiptsRoot), so anyone can fetch the receipts,
// check each signature and re-run the evaluation (`tensorchain-worker verify`).
//
// Free of Node-only APIs: the app imports this module for verification.
//
// Encoding:
// - Scores are fixed-point integers in basis points: 0–10000 for 0–100 (round half up).
// - Signature: EIP-712 typed data, domain { name: "Tensorchain", version: "1" } (no chainId:
//   a receipt is a statement about a model and a data set, valid whatever chain reads it),
//   primary type EvaluationReceipt (RECEIPT_TYPES below). Absent optional fields are signed as
//   zero (parentModelHash = 0x00…00, parentScore = 0, improvement = 0).
// - JSON: encodeReceipt writes keys in a fixed order, hashes lowercase, addresses EIP-55.
// - Merkle tree: leaf = keccak256(EIP-712 digest) (double hashing, so a leaf can never be read
//   as an inner node); leaves sorted ascending; inner node = keccak256(min(a,b) ‖ max(a,b))
//   (sorted pairs, as OpenZeppelin's MerkleProof); an odd node is carried up unchanged; the
//   root of no receipts is 0x00…00. Proofs verify with OpenZeppelin's MerkleProof.verify.
import { z } from "zod";
import {
  concat,
  getAddress,
  hashTypedData,
  isAddress,
  keccak256,
  zeroHash,
  type Address,
  type Hex,
  type LocalAccount,
} from "viem";
import { WorkerError } from "./errors.js";
import { recoverHashSigner } from "./recover.js";
import { hash32Schema, ALL_METRICS, type Metric } from "./task-spec.js";

export const SCORE_SCALE = 100; // basis points per score point
export const MAX_SCORE_BPS = 100 * SCORE_SCALE;

export const RECEIPT_DOMAIN = { name: "Tensorchain", version: "1" } as const;

export const RECEIPT_TYPES = {
  EvaluationReceipt: [
    { name: "jobId", type: "string" },
    { name: "netuid", type: "uint16" },
    { name: "uid", type: "uint16" },
    { name: "hotkey", type: "address" },
    { name: "modelHash", type: "bytes32" },
    { name: "parentModelHash", type: "bytes32" },
    { name: "datasetHash", type: "bytes32" },
    { name: "metric", type: "string" },
    { name: "score", type: "uint32" },
    { name: "parentScore", type: "uint32" },
    { name: "improvement", type: "int32" },
    { name: "worker", type: "address" },
    { name: "createdAt", type: "uint64" },
  ],
} as const;

const addressSchema = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), "expected a 20-byte hex address")
  .transform((s) => getAddress(s));
const bps = z.number().int().min(0).max(MAX_SCORE_BPS);

export const receiptSchema = z
  .object({
    jobId: z.string().min(1).max(128),
    netuid: z.number().int().min(0).max(65_535),
    uid: z.number().int().min(0).max(65_535),
    hotkey: addressSchema,
    modelHash: hash32Schema,
    parentModelHash: hash32Schema.optional(),
    datasetHash: hash32Schema,
    metric: z.enum(ALL_METRICS as [Metric, ...Metric[]]),
    score: bps,
    parentScore: bps.optional(),
    improvement: z.number().int().min(-MAX_SCORE_BPS).max(MAX_SCORE_BPS).optional(),
    worker: addressSchema,
    /** Unix seconds. */
    createdAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  })
  .superRefine((r, ctx) => {
    const parentFields = [r.parentModelHash, r.parentScore, r.improvement].filter(
      (v) => v !== undefined,
    ).length;
    if (parentFields !== 0 && parentFields !== 3) {
      ctx.addIssue({ code: "custom", message: "parentModelHash, parentScore and improvement go together" });
    } else if (parentFields === 3 && r.improvement !== r.score - r.parentScore!) {
      ctx.addIssue({
        code: "custom",
        path: ["improvement"],
        message: "improvement must equal score − parentScore",
      });
    }
  });
export type EvaluationReceipt = z.output<typeof receiptSchema>;
export type EvaluationReceiptInput = z.input<typeof receiptSchema>;

export const signedReceiptSchema = z.object({
  receipt: receiptSchema,
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "expected a 65-byte signature") as z.ZodType<Hex>,
});
export type SignedReceipt = z.output<typeof signedReceiptSchema>;

/** A 0–100 score as basis points. */
export function toBps(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.min(MAX_SCORE_BPS, Math.max(0, Math.round(score * SCORE_SCALE)));
}

export function parseReceipt(input: unknown): EvaluationReceipt {
  const r = receiptSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new WorkerError(
      "RECEIPT_INVALID",
      `invalid receipt: ${issue?.path.join(".") || "receipt"}: ${issue?.message}`,
    );
  }
  return r.data;
}

export function parseSignedReceipt(input: unknown): SignedReceipt {
  const r = signedReceiptSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new WorkerError(
      "RECEIPT_INVALID",
      `invalid signed receipt: ${issue?.path.join(".") || "document"}: ${issue?.message}`,
    );
  }
  return r.data;
}

function typedMessage(r: EvaluationReceipt) {
  return {
    jobId: r.jobId,
    netuid: r.netuid,
    uid: r.uid,
    hotkey: r.hotkey,
    modelHash: r.modelHash,
    parentModelHash: r.parentModelHash ?? zeroHash,
    datasetHash: r.datasetHash,
    metric: r.metric,
    score: r.score,
    parentScore: r.parentScore ?? 0,
    improvement: r.improvement ?? 0,
    worker: r.worker,
    createdAt: BigInt(r.createdAt),
  };
}

/** The EIP-712 digest that the worker signs. */
export function receiptDigest(r: EvaluationReceipt): Hex {
  return hashTypedData({
    domain: RECEIPT_DOMAIN,
    types: RECEIPT_TYPES,
    primaryType: "EvaluationReceipt",
    message: typedMessage(r),
  });
}

/** Canonical JSON: fixed key order, absent optional fields omitted. */
export function encodeReceipt(r: EvaluationReceipt): string {
  const ordered: Record<string, unknown> = {};
  for (const { name } of RECEIPT_TYPES.EvaluationReceipt) {
    const v = r[name as keyof EvaluationReceipt];
    if (v !== undefined) ordered[name] = v;
  }
  return JSON.stringify(ordered);
}

export async function signReceipt(
  account: LocalAccount,
  input: EvaluationReceiptInput,
): Promise<SignedReceipt> {
  const receipt = parseReceipt(input);
  if (receipt.worker !== getAddress(account.address)) {
    throw new WorkerError(
      "RECEIPT_INVALID",
      `receipt names worker ${receipt.worker} but is signed by ${account.address}`,
    );
  }
  const signature = await account.signTypedData({
    domain: RECEIPT_DOMAIN,
    types: RECEIPT_TYPES,
    primaryType: "EvaluationReceipt",
    message: typedMessage(receipt),
  });
  return { receipt, signature };
}

/** The address that signed a receipt. */
export async function recoverReceiptSigner(signed: SignedReceipt): Promise<Address> {
  return recoverHashSigner(receiptDigest(signed.receipt), signed.signature);
}

/**
 * verifyReceipt, also returning the receipt's Merkle leaf: the EIP-712 digest (the costly part)
 * is hashed once for both, on the server's path of every completed evaluation.
 */
export async function verifyReceiptLeaf(input: unknown): Promise<{ signed: SignedReceipt; leaf: Hex }> {
  const signed = parseSignedReceipt(input);
  const digest = receiptDigest(signed.receipt);
  let signer: Address;
  try {
    signer = recoverHashSigner(digest, signed.signature);
  } catch (err) {
    throw new WorkerError("RECEIPT_INVALID", "receipt signature is malformed", { cause: err });
  }
  if (signer !== signed.receipt.worker) {
    throw new WorkerError(
      "RECEIPT_INVALID",
      `receipt is signed by ${signer}, not by its worker ${signed.receipt.worker}`,
    );
  }
  return { signed, leaf: keccak256(digest) };
}

/** Validates the shape and checks the signature is the named worker's; throws RECEIPT_INVALID. */
export async function verifyReceipt(input: unknown): Promise<SignedReceipt> {
  return (await verifyReceiptLeaf(input)).signed;
}

export function receiptLeaf(r: EvaluationReceipt): Hex {
  return keccak256(receiptDigest(r));
}

function hashPair(a: Hex, b: Hex): Hex {
  return keccak256(a.toLowerCase() < b.toLowerCase() ? concat([a, b]) : concat([b, a]));
}

function sortedLeaves(leaves: readonly Hex[]): Hex[] {
  return leaves.map((l) => l.toLowerCase() as Hex).sort();
}

function levels(leaves: readonly Hex[]): Hex[][] {
  const out: Hex[][] = [sortedLeaves(leaves)];
  while (out[out.length - 1]!.length > 1) {
    const prev = out[out.length - 1]!;
    const next: Hex[] = [];
    for (let i = 0; i < prev.length; i += 2)
      next.push(i + 1 < prev.length ? hashPair(prev[i]!, prev[i + 1]!) : prev[i]!);
    out.push(next);
  }
  return out;
}

/** Merkle root of leaves (see the header for the construction). */
export function merkleRoot(leaves: readonly Hex[]): Hex {
  if (leaves.length === 0) return zeroHash;
  return levels(leaves).at(-1)![0]!;
}

/** The receiptsRoot a validator commits for these receipts. */
export function receiptsRoot(receipts: readonly EvaluationReceipt[]): Hex {
  return merkleRoot(receipts.map(receiptLeaf));
}

/** Sibling hashes from leaf to root; throws if the leaf is not in the tree. */
export function merkleProof(leaves: readonly Hex[], leaf: Hex): Hex[] {
  const tree = levels(leaves);
  let index = tree[0]!.indexOf(leaf.toLowerCase() as Hex);
  if (index < 0) throw new WorkerError("RECEIPT_INVALID", "leaf is not in the tree");
  const proof: Hex[] = [];
  for (let level = 0; level < tree.length - 1; level++) {
    const nodes = tree[level]!;
    const sibling = index ^ 1;
    if (sibling < nodes.length) proof.push(nodes[sibling]!);
    index >>= 1;
  }
  return proof;
}

export function verifyMerkleProof(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  let node = leaf.toLowerCase() as Hex;
  for (const p of proof) node = hashPair(node, p.toLowerCase() as Hex);
  return node === root.toLowerCase();
}
