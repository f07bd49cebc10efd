// Test support (not imported by app code): an indexed validator, as the indexer would store it
// from the metagraph, so the worker key API accepts the hotkey's registrations; real worker
// processes for the end-to-end tests, and polling.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { sha256, type LocalAccount } from "viem";
import { signWorkerRequest } from "@tensorchain/worker/auth";
import { childEnv } from "../../scripts/env";

export async function seedIndexedValidator(
  prisma: PrismaClient,
  hotkey: string,
  netuid = 1,
  uid = 0,
): Promise<void> {
  await prisma.subnet.upsert({
    where: { netuid },
    create: { netuid, owner: hotkey.toLowerCase(), registeredAt: 0n, hyperparams: {}, updatedAtBlock: 0n },
    update: {},
  });
  await prisma.neuron.create({
    data: {
      netuid,
      uid,
      hotkey: hotkey.toLowerCase(),
      coldkey: hotkey.toLowerCase(),
      registeredAt: 0n,
      isValidator: true,
      updatedAtBlock: 0n,
    },
  });
}

const WORKER_BIN = path.resolve(import.meta.dirname, "../../worker/bin/tensorchain-worker.js");

/** Kills a worker started by startWorkerProcess and its ONNX session hosts (its process group). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** Polls `probe` every 100 ms until it returns something truthy. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false | null>,
  ms = 120_000,
  everyMs = 100,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A real `tensorchain-worker run` process on one CPU thread with short polling and a 3 s
 * inference limit (`flags` override these), in its own process group (so killGroup also takes its session hosts).
 * Its stderr is printed if it exits on its own with an error.
 */
export function startWorkerProcess(
  key: `0x${string}`,
  apiUrl: string,
  flags: Record<string, string> = {},
): ChildProcess {
  const options: Record<string, string> = {
    "poll-interval": "100ms",
    "max-backoff": "500ms",
    "heartbeat-interval": "300ms",
    threads: "1",
    "execution-provider": "cpu",
    "inference-timeout": "3s",
    "load-timeout": "30s",
    "memory-limit": "768MiB",
    ...flags,
  };
  const child = spawn(
    process.execPath,
    [WORKER_BIN, "run", ...Object.entries(options).flatMap(([k, v]) => [`--${k}`, v])],
    {
      env: childEnv({ WORKER_PRIVATE_KEY: key, TENSORCHAIN_API_URL: apiUrl }),
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    },
  );
  let log = "";
  child.stderr!.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-20_000)));
  child.on("exit", (code, signal) => {
    if (code !== 0 && signal !== "SIGKILL" && signal !== "SIGTERM")
      console.error(`worker exited ${code ?? signal}:\n${log}`);
  });
  return child;
}

/** SIGKILLs every still-running worker of `children` and waits for them to exit. */
export async function stopWorkerProcesses(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (w) => {
      if (w.exitCode !== null || w.signalCode !== null) return;
      const exited = new Promise((r) => w.once("exit", r));
      killGroup(w, "SIGKILL");
      await exited;
    }),
  );
}

/** Uploads `bytes` to the blob store with a worker-signed PUT; returns their sha256. */
export async function uploadBlob(apiUrl: string, worker: LocalAccount, bytes: Uint8Array): Promise<`0x${string}`> {
  const hash = sha256(bytes);
  const p = `/api/v1/blobs/${hash.slice(2)}`;
  const put = async () =>
    fetch(apiUrl + p, {
      method: "PUT",
      // Signed per attempt: the server refuses a replayed signature.
      headers: await signWorkerRequest(worker, { method: "PUT", path: p, body: bytes }),
      body: bytes as BodyInit,
    });
  // One retry on a network error: on a loaded machine a kept-alive socket the server is just
  // closing gets reused; the PUT is idempotent (content-addressed).
  const res = await put().catch(() => put());
  if (res.status !== 201 && res.status !== 200) throw new Error(`blob upload answered HTTP ${res.status}`);
  return hash;
}
