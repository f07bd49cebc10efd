// Shared test plumbing: a temp blob directory and a job context built by the worker's own
// factory (the real caches, sessions and limits, with test-sized budgets).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generatePrivateKey } from "viem/accounts";
import { privateKeyToAccount } from "viem/accounts";
import { loadConfig } from "../src/config.js";
import type { Logger } from "../src/log.js";
import { sha256Hex } from "../src/dataset.js";
import type { Hash32 } from "../src/task-spec.js";
import { createJobContext } from "../src/worker.js";

export async function tempDir(prefix = "tc-worker-"): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function writeBlob(dir: string, bytes: Uint8Array): Promise<Hash32> {
  const hash = sha256Hex(bytes);
  await writeFile(path.join(dir, hash.slice(2)), bytes);
  return hash;
}

/** Test-sized limits: short timeouts, 1 thread per session. */
export const TEST_FLAGS: Record<string, string> = {
  "inference-timeout": "3s",
  "load-timeout": "120s",
  "memory-limit": "768MiB",
  threads: "1",
  "execution-provider": "cpu",
  "endpoint-timeout": "2s",
  "endpoint-retries": "1",
};

export async function testContext(blobDir: string, flags: Record<string, string> = {}, log?: Logger) {
  const privateKey = generatePrivateKey();
  const config = loadConfig({
    env: {},
    flags: { ...TEST_FLAGS, "blob-dir": blobDir, "private-key": privateKey, ...flags },
  });
  const account = privateKeyToAccount(privateKey);
  const ctx = await createJobContext({ ...config, apiUrl: "http://127.0.0.1:9" }, { account, log });
  return { ctx, config, account };
}
