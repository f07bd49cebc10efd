// Execution provider choice: CUDA where its provider library is installed, CPU otherwise, and the
// reason logged either way; a session that cannot use CUDA falls back to CPU and says why.
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/log.js";
import { chooseExecutionProviders } from "../src/onnx/providers.js";
import * as fx from "./fixtures/models.js";
import { generatePrivateKey } from "viem/accounts";
import { loadConfig } from "../src/config.js";
import { Worker } from "../src/worker.js";
import { TEST_FLAGS, tempDir, testContext, writeBlob } from "./helpers.js";

const dir = await tempDir("tc-providers-");
afterAll(() => dir.cleanup());

function capture() {
  const lines: { msg: string; level: string; [k: string]: unknown }[] = [];
  const log = createLogger({ json: true, sink: (l) => lines.push(JSON.parse(l)) });
  return { lines, log };
}

const auto = await chooseExecutionProviders("auto");
const cudaHere = auto.providers.includes("cuda");

describe("execution providers", () => {
  it("chooses CUDA only where its library is present, CPU otherwise, with a reason", async () => {
    expect(auto.providers.at(-1)).toBe("cpu");
    expect(auto.reason).toMatch(/CUDA/);
    expect(await chooseExecutionProviders("cpu")).toEqual({
      providers: ["cpu"],
      reason: "CPU chosen by configuration",
    });
    expect((await chooseExecutionProviders("cuda")).providers).toEqual(["cuda", "cpu"]);
  });

  it("logs the choice when the worker starts", async () => {
    const { lines, log } = capture();
    const config = loadConfig({
      env: {},
      flags: {
        ...TEST_FLAGS,
        "execution-provider": "auto",
        "api-url": "http://127.0.0.1:9",
        "private-key": generatePrivateKey(),
        "blob-dir": dir.dir,
      },
    });
    const worker = await Worker.create(config, { log });
    await worker.start();
    await worker.stop(0);
    const line = lines.find((l) => l.msg === "worker started");
    expect(line).toMatchObject({ providers: auto.providers, providerReason: auto.reason });
  });

  it.skipIf(cudaHere)("falls back to CPU when CUDA is asked for and cannot load, and logs why", async () => {
    const { lines, log } = capture();
    const { ctx } = await testContext(dir.dir, { "execution-provider": "cuda" }, log);
    try {
      const hash = await writeBlob(dir.dir, fx.goodClassifier());
      const lease = await ctx.models.acquire(hash);
      expect(lease.model.session.provider).toBe("cpu");
      const out = await lease.model.session.run(fx.classificationDataset(4, 2).inputs, ["logits"]);
      expect(out.logits!.shape).toEqual([4, fx.C]);
      lease.release();
      const warn = lines.find((l) => l.msg === "CUDA could not run this model; it runs on CPU");
      expect(warn).toMatchObject({ level: "warn", modelHash: hash });
      expect(String(warn!.reason)).toMatch(/cuda/i);
    } finally {
      await ctx.models.close();
    }
  });
});
