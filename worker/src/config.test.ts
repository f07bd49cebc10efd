import { describe, expect, it } from "vitest";
import { loadConfig, parseDuration, parseFlags, parseSize } from "./config.js";

describe("worker config", () => {
  it("parses sizes, durations and flags", () => {
    expect(parseSize("512MiB")).toBe(512 * 2 ** 20);
    expect(parseSize("2GB")).toBe(2e9);
    expect(parseSize("1024")).toBe(1024);
    expect(() => parseSize("lots")).toThrow(/not a size/);
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseFlags(["verify", "r.json", "--model=m.onnx", "--dataset", "d.json", "--quiet"])).toEqual({
      flags: { model: "m.onnx", dataset: "d.json", quiet: "true" },
      positionals: ["verify", "r.json"],
    });
  });

  it("reads env, lets flags override, and applies defaults", () => {
    const c = loadConfig({
      env: {
        WORKER_CONCURRENCY: "4",
        WORKER_MODEL_CACHE_SIZE: "1GiB",
        TENSORCHAIN_API_URL: "http://api.test:3000",
      },
      flags: { concurrency: "2", kinds: "evaluate,infer" },
    });
    expect(c.concurrency).toBe(2);
    expect(c.modelCacheBytes).toBe(2 ** 30);
    expect(c.apiUrl).toBe("http://api.test:3000");
    expect(c.kinds).toEqual(["evaluate", "infer"]);
    expect(c.inferenceTimeoutMs).toBe(30_000);
    expect(c.metricsPort).toBeUndefined();
    expect(c.intraOpThreads).toBeGreaterThanOrEqual(1);
  });

  it("names the offending option in its errors", () => {
    expect(() => loadConfig({ env: {}, flags: { concurrency: "0" } })).toThrow(
      /--concurrency \/ WORKER_CONCURRENCY/,
    );
    expect(() => loadConfig({ env: { WORKER_PRIVATE_KEY: "0x12" }, flags: {} })).toThrow(
      /--private-key.*32-byte/,
    );
    expect(() => loadConfig({ env: {}, flags: { "inference-timeout": "soon" } })).toThrow(/not a duration/);
    expect(() => loadConfig({ env: {}, flags: { kinds: "evaluate,train" } })).toThrow(/--kinds/);
    expect(() =>
      loadConfig({ env: {}, flags: { "max-model-size": "4GiB", "model-cache-size": "1GiB" } }),
    ).toThrow(/must not exceed/);
  });
});
