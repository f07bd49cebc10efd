import { describe, expect, it } from "vitest";
import { concat, keccak256, zeroHash, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  encodeReceipt,
  merkleProof,
  merkleRoot,
  parseReceipt,
  receiptLeaf,
  receiptsRoot,
  signReceipt,
  toBps,
  verifyMerkleProof,
  verifyReceipt,
  type EvaluationReceiptInput,
} from "./receipts.js";

const worker = privateKeyToAccount(generatePrivateKey());
const base: EvaluationReceiptInput = {
  jobId: "job-1",
  netuid: 3,
  uid: 17,
  hotkey: "0x1111111111111111111111111111111111111111",
  modelHash: "aa".repeat(32),
  datasetHash: `0x${"bb".repeat(32)}`,
  metric: "accuracy",
  score: 9150,
  worker: worker.address,
  createdAt: 1_760_000_000,
};

describe("receipts", () => {
  it("signs and verifies, and rejects a tampered receipt", async () => {
    const signed = await signReceipt(worker, base);
    expect(signed.receipt.modelHash).toBe(`0x${"aa".repeat(32)}`);
    await expect(verifyReceipt(signed)).resolves.toMatchObject({ receipt: { score: 9150 } });
    await expect(verifyReceipt({ ...signed, receipt: { ...signed.receipt, score: 9999 } })).rejects.toThrow(
      /not by its worker/,
    );
    await expect(verifyReceipt({ ...signed, signature: "0x1234" })).rejects.toThrow(/65-byte signature/);
  });

  it("refuses to sign for another worker and checks parent fields", async () => {
    const other = privateKeyToAccount(generatePrivateKey());
    await expect(signReceipt(other, base)).rejects.toThrow(/signed by/);
    expect(() => parseReceipt({ ...base, parentScore: 10 })).toThrow(/go together/);
    expect(() =>
      parseReceipt({
        ...base,
        parentModelHash: zeroHash.replace("0x", "0x1").slice(0, 66),
        parentScore: 9000,
        improvement: 1,
      }),
    ).toThrow(/improvement must equal/);
    const withParent = parseReceipt({
      ...base,
      parentModelHash: `0x${"cc".repeat(32)}`,
      parentScore: 9000,
      improvement: 150,
    });
    expect(withParent.improvement).toBe(150);
  });

  it("encodes canonically whatever the key order", () => {
    const r1 = parseReceipt(base);
    const shuffled = Object.fromEntries(Object.entries(base).reverse());
    const r2 = parseReceipt(shuffled);
    expect(encodeReceipt(r1)).toBe(encodeReceipt(r2));
    expect(Object.keys(JSON.parse(encodeReceipt(r1)))[0]).toBe("jobId");
  });

  it("converts scores to basis points", () => {
    expect(toBps(91.504)).toBe(9150);
    expect(toBps(100)).toBe(10_000);
    expect(toBps(-3)).toBe(0);
    expect(toBps(Number.NaN)).toBe(0);
  });
});

describe("merkle root", () => {
  const leaf = (i: number) => keccak256(`0x${i.toString(16).padStart(2, "0")}`);
  const pair = (a: Hex, b: Hex) => keccak256(a < b ? concat([a, b]) : concat([b, a]));

  it("is zero for no leaves, the leaf for one, sorted pairs above", () => {
    expect(merkleRoot([])).toBe(zeroHash);
    expect(merkleRoot([leaf(1)])).toBe(leaf(1));
    const [a, b, c] = [leaf(1), leaf(2), leaf(3)].sort();
    expect(merkleRoot([leaf(3), leaf(1), leaf(2)])).toBe(pair(pair(a!, b!), c!));
  });

  it("is independent of receipt order and changes with any receipt", async () => {
    const receipts = [0, 1, 2, 3, 4].map((i) => parseReceipt({ ...base, jobId: `job-${i}`, uid: i }));
    const root = receiptsRoot(receipts);
    expect(receiptsRoot([...receipts].reverse())).toBe(root);
    expect(receiptsRoot([...receipts.slice(0, 4), { ...receipts[4]!, score: 1 }])).not.toBe(root);
  });

  it("proves membership of every leaf and nothing else", () => {
    const leaves = Array.from({ length: 7 }, (_, i) => leaf(i));
    const root = merkleRoot(leaves);
    for (const l of leaves) expect(verifyMerkleProof(root, l, merkleProof(leaves, l))).toBe(true);
    expect(verifyMerkleProof(root, leaf(99), merkleProof(leaves, leaf(0)))).toBe(false);
    const r = parseReceipt(base);
    expect(receiptLeaf(r)).toMatch(/^0x[0-9a-f]{64}$/);
  });
});
