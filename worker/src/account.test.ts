import { describe, expect, it } from "vitest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { workerAccount } from "./account.js";
import { RECEIPT_DOMAIN, RECEIPT_TYPES } from "./receipts.js";

describe("workerAccount", () => {
  it("signs messages, hashes and receipts exactly as viem's private-key account", async () => {
    for (let i = 0; i < 8; i++) {
      const key = generatePrivateKey();
      const ours = workerAccount(key);
      const viem = privateKeyToAccount(key);
      expect(ours.address).toBe(viem.address);
      const message = `tensorchain-worker-request\nPOST\n/api/jobs/claim\n${i}`;
      expect(await ours.signMessage({ message })).toBe(await viem.signMessage({ message }));
      const hash = `0x${String(i).repeat(64)}` as const;
      expect(await ours.sign!({ hash })).toBe(await viem.sign!({ hash }));
      const typed = {
        domain: RECEIPT_DOMAIN,
        types: RECEIPT_TYPES,
        primaryType: "EvaluationReceipt",
        message: {
          jobId: `job-${i}`,
          netuid: 1,
          uid: i,
          hotkey: viem.address,
          modelHash: `0x${"ab".repeat(32)}`,
          parentModelHash: `0x${"00".repeat(32)}`,
          datasetHash: `0x${"cd".repeat(32)}`,
          metric: "accuracy",
          score: 9000 + i,
          parentScore: 0,
          improvement: 0,
          worker: viem.address,
          createdAt: 1_700_000_000n + BigInt(i),
        },
      } as const;
      expect(await ours.signTypedData(typed)).toBe(await viem.signTypedData(typed));
    }
  });
});
