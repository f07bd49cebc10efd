// `tensorchain-worker verify` re-runs the evaluation behind a receipt, through the real binary.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeDataset } from "../src/dataset.js";
import { runEvaluateJob } from "../src/jobs/evaluate.js";
import { evaluatePayloadSchema } from "../src/jobs/types.js";
import { signReceipt } from "../src/receipts.js";
import * as fx from "./fixtures/models.js";
import { tempDir, testContext, writeBlob } from "./helpers.js";

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, "../bin/tensorchain-worker.js");

let dir: { dir: string; cleanup: () => Promise<void> };
let env: Awaited<ReturnType<typeof testContext>>;

beforeAll(async () => {
  dir = await tempDir();
  env = await testContext(dir.dir);
});
afterAll(async () => {
  await env.ctx.models.close();
  await dir.cleanup();
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 90_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout, err: err.stderr };
  }
}

describe("tensorchain-worker verify", () => {
  it("reproduces an honest receipt and catches an inflated one", async () => {
    const ds = encodeDataset(fx.classificationDataset(120, 5));
    const datasetFile = path.join(dir.dir, "dataset.json");
    const modelFile = path.join(dir.dir, "model.onnx");
    await writeFile(datasetFile, ds.bytes);
    await writeFile(modelFile, fx.goodClassifier());
    await writeBlob(dir.dir, ds.bytes);
    const modelHash = await writeBlob(dir.dir, fx.goodClassifier());
    const result = await runEvaluateJob(
      env.ctx,
      "job-v",
      evaluatePayloadSchema.parse({
        netuid: 1,
        uid: 0,
        hotkey: env.account.address,
        modelHash,
        taskSpec: fx.classificationSpec(ds.hash, { metric: "macro_f1" }),
      }),
    );
    expect(result.status).toBe("ok");

    // Honest receipt, no task spec in the file: rebuilt from the model and data set.
    const honest = path.join(dir.dir, "honest.json");
    await writeFile(honest, JSON.stringify(result.receipt));
    const ok = await cli(["verify", honest, "--model", modelFile, "--dataset", datasetFile]);
    expect(ok.err).toBe("");
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({
      reproduced: true,
      recomputedScoreBps: result.scoreBps,
      metric: "macro_f1",
    });

    // The same worker signing a score the model did not earn: signature valid, score not.
    const inflated = await signReceipt(env.account, {
      ...result.receipt.receipt,
      score: result.scoreBps - 700,
    });
    const lie = path.join(dir.dir, "lie.json");
    await writeFile(
      lie,
      JSON.stringify({ ...inflated, taskSpec: fx.classificationSpec(ds.hash, { metric: "macro_f1" }) }),
    );
    const bad = await cli(["verify", lie, "--blob-dir", dir.dir]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({
      reproduced: false,
      signatureValid: true,
      recomputedScoreBps: result.scoreBps,
    });

    // A forged signature is refused outright.
    const forged = path.join(dir.dir, "forged.json");
    await writeFile(
      forged,
      JSON.stringify({ ...result.receipt, receipt: { ...result.receipt.receipt, uid: 9 } }),
    );
    const refused = await cli(["verify", forged, "--model", modelFile, "--dataset", datasetFile]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/not by its worker/);
  });
});
