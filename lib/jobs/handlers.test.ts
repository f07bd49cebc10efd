// The job API's handlers called as functions with real signed requests, on embedded PGlite and
// the in-process KV: worker authentication (unknown, unsigned, tampered, replayed, revoked),
// validator-signed worker key registration, and the blob store.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { signWorkerRequest } from "@tensorchain/worker/auth";
import { encodeTensor } from "@tensorchain/worker/tensor";
import { GZIP_MIN_BYTES, MAX_CLAIM_WAIT_MS, QUEUE_PATHS } from "@tensorchain/worker/jobs/types";
import { createBlobHandlers } from "@/lib/blobs/handlers";
import { FsBlobStore } from "@/lib/blobs/store";
import { startTestPglite, type TestDatabase } from "@/lib/indexer/test-db";
import { MemoryKv } from "@/lib/kv/memory";
import { createJobHandlers, MAX_JOB_BODY_BYTES } from "./handlers";
import { seedIndexedValidator } from "./test-support";
import { JobQueue } from "./queue";
import { createWorkerKeyHandlers } from "./worker-key-handlers";
import { workerKeyMessage, type WorkerKeyAction } from "./worker-keys";

const BASE = "http://app.test";
const SKEW = 60_000;
const HASH = `0x${"11".repeat(32)}` as const;

let db: TestDatabase;
let kv: MemoryKv;
let blobDir: string;
let jobs: ReturnType<typeof createJobHandlers>;
let keys: ReturnType<typeof createWorkerKeyHandlers>;
let blobs: ReturnType<typeof createBlobHandlers>;
const validator = privateKeyToAccount(generatePrivateKey());
const worker = privateKeyToAccount(generatePrivateKey());

beforeAll(async () => {
  // One connection: see the PGlite note in worker-e2e.test.ts.
  db = await startTestPglite(1);
  kv = new MemoryKv("test:");
  blobDir = await mkdtemp(path.join(os.tmpdir(), "tc-blobs-"));
  const queue = newQueue();
  jobs = createJobHandlers(() => ({ prisma: db.prisma, kv, queue, maxSkewMs: SKEW }));
  keys = createWorkerKeyHandlers(() => ({ prisma: db.prisma, kv, maxSkewMs: SKEW }));
  await seedIndexedValidator(db.prisma, validator.address);
  blobs = createBlobHandlers(() => ({
    prisma: db.prisma,
    kv,
    maxSkewMs: SKEW,
    store: new FsBlobStore(blobDir, 1024),
  }));
});
afterAll(async () => {
  await kv?.close();
  await db?.stop();
  await rm(blobDir, { recursive: true, force: true });
});

/** A queue on the test database with a 60 s lease. */
const newQueue = () =>
  new JobQueue(db.prisma, { leaseMs: 60_000, maxAttempts: 3, retryBaseMs: 1_000, retryMaxMs: 10_000 });

async function signed(
  account: PrivateKeyAccount,
  path: string,
  body: string | Uint8Array,
  method = "POST",
  now?: number,
  extraHeaders: Record<string, string> = {},
): Promise<Request> {
  const headers = await signWorkerRequest(account, { method, path, body, ...(now ? { now } : {}) });
  return new Request(BASE + path, {
    method,
    headers: { "content-type": "application/json", ...extraHeaders, ...headers },
    body: body as BodyInit,
  });
}

async function keyRequest(
  action: WorkerKeyAction,
  signer: PrivateKeyAccount,
  workerAddress: string,
  timestamp = Date.now(),
) {
  const m = { action, worker: workerAddress, validator: validator.address, timestamp };
  const signature = await signer.signMessage({ message: workerKeyMessage(m) });
  return new Request(BASE + "/api/v1/worker-keys", {
    method: action === "register" ? "POST" : "DELETE",
    body: JSON.stringify({ ...m, signature }),
  });
}

async function json(res: Response): Promise<{ status: number; body: Record<string, unknown> }> {
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("worker key registration", () => {
  it("registers a worker key with the validator's signature and lists it", async () => {
    const res = await json(await keys.POST(await keyRequest("register", validator, worker.address)));
    expect(res).toMatchObject({
      status: 201,
      body: { key: { worker: worker.address, validator: validator.address, revokedAt: null } },
    });
    const list = await json(
      await keys.GET(new Request(`${BASE}/api/v1/worker-keys?validator=${validator.address}`)),
    );
    expect(list.body.keys).toEqual([expect.objectContaining({ worker: worker.address })]);
  });

  it("refuses a hotkey without a validator permit", async () => {
    const nobody = privateKeyToAccount(generatePrivateKey());
    const m = {
      action: "register" as const,
      worker: privateKeyToAccount(generatePrivateKey()).address,
      validator: nobody.address,
      timestamp: Date.now(),
    };
    const signature = await nobody.signMessage({ message: workerKeyMessage(m) });
    const res = await json(
      await keys.POST(
        new Request(BASE + "/api/v1/worker-keys", {
          method: "POST",
          body: JSON.stringify({ ...m, signature }),
        }),
      ),
    );
    expect(res).toMatchObject({
      status: 403,
      body: { error: `${nobody.address} holds no validator permit on any subnet (as indexed)` },
    });
  });

  it("refuses a signature by someone else, a stale timestamp and a replay", async () => {
    const other = privateKeyToAccount(generatePrivateKey());
    const forged = await json(await keys.POST(await keyRequest("register", other, other.address)));
    expect(forged).toMatchObject({
      status: 401,
      body: { error: "the signature is not the validator's over this request" },
    });
    const stale = await json(
      await keys.POST(await keyRequest("register", validator, other.address, Date.now() - 2 * SKEW)),
    );
    expect(stale.status).toBe(401);
    expect(stale.body.error).toMatch(/off the server clock/);
    const req = await keyRequest("register", validator, other.address);
    const replay = req.clone();
    expect((await keys.POST(req)).status).toBe(201);
    expect(await json(await keys.POST(replay))).toMatchObject({
      status: 401,
      body: { error: expect.stringMatching(/replay/) },
    });
    expect((await keys.POST(new Request(BASE, { method: "POST", body: "{" }))).status).toBe(400);
  });
});

describe("worker request authentication", () => {
  const claimBody = JSON.stringify({ kinds: ["infer"] });

  it("serves a registered worker: claim, heartbeat, complete", async () => {
    const queue = newQueue();
    const { id } = await queue.enqueue("infer", { modelHash: HASH, inputs: {} });
    const claim = await json(await jobs.claim(await signed(worker, QUEUE_PATHS.claim, claimBody)));
    expect(claim).toMatchObject({
      status: 200,
      body: { job: { id, kind: "infer", attempt: 1 }, leaseMs: 60_000 },
    });
    const hb = await json(
      await jobs.heartbeat(await signed(worker, QUEUE_PATHS.heartbeat, JSON.stringify({ jobId: id }))),
    );
    expect(hb).toEqual({ status: 200, body: { ok: true, leaseMs: 60_000 } });
    const result = { kind: "infer", status: "ok", outputs: {}, durationMs: 3 };
    const done = () => signed(worker, QUEUE_PATHS.complete, JSON.stringify({ jobId: id, result }));
    expect(await json(await jobs.complete(await done()))).toEqual({ status: 200, body: { ok: true } });
    expect(await json(await jobs.complete(await done()))).toEqual({ status: 200, body: { ok: true } });
    expect(await json(await jobs.claim(await signed(worker, QUEUE_PATHS.claim, claimBody)))).toEqual({
      status: 200,
      body: { job: null },
    });
    const bad = await json(
      await jobs.complete(
        await signed(worker, QUEUE_PATHS.complete, JSON.stringify({ jobId: id, result: { kind: "infer" } })),
      ),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^invalid request: result/);
  });

  it("a claim with waitMs waits for a job enqueued after it and gets it; one whose worker went away claims nothing", async () => {
    const queue = newQueue();
    const waiting = (waitMs: number, signal?: AbortSignal) =>
      signed(worker, QUEUE_PATHS.claim, JSON.stringify({ kinds: ["infer"], waitMs })).then((r) =>
        jobs.claim(signal ? new Request(r, { signal }) : r),
      );
    // Nothing ready: the long poll is pending until the job comes, then answers with it.
    let answered = false;
    const pending = waiting(20_000).then(async (res) => {
      answered = true;
      return json(res);
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    const { id } = await queue.enqueue("infer", { modelHash: HASH, inputs: {} });
    expect(await pending).toMatchObject({ status: 200, body: { job: { id, kind: "infer" } } });
    // The worker hangs up while its claim waits: a job enqueued afterwards stays in the queue.
    const gone = new AbortController();
    const abandoned = waiting(20_000, gone.signal);
    await new Promise((r) => setTimeout(r, 300));
    gone.abort();
    expect(await json(await abandoned)).toEqual({ status: 200, body: { job: null } });
    const { id: next } = await queue.enqueue("infer", { modelHash: HASH, inputs: {} });
    expect(await json(await waiting(0))).toMatchObject({ body: { job: { id: next } } });
    // Longer than the server's limit is refused.
    const tooLong = await json(await waiting(MAX_CLAIM_WAIT_MS + 1));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatch(/^invalid request: waitMs/);
  });

  it("takes a gzip body signed as sent; refuses other encodings, corrupt gzip and a body that inflates past the limit", async () => {
    const queue = newQueue();
    const { id } = await queue.enqueue("infer", { modelHash: HASH, inputs: {} });
    expect((await jobs.claim(await signed(worker, QUEUE_PATHS.claim, claimBody))).status).toBe(200);
    // A result as large as a big evaluation's: what the worker compresses (GZIP_MIN_BYTES).
    const y = encodeTensor({
      dtype: "float32",
      shape: [8_192],
      data: Float32Array.from({ length: 8_192 }, (_, i) => Math.sin(i)),
    });
    const result = { kind: "infer", status: "ok", outputs: { y }, durationMs: 3 };
    const text = JSON.stringify({ jobId: id, result });
    expect(text.length).toBeGreaterThan(GZIP_MIN_BYTES);
    const gz = (body: Uint8Array, encoding = "gzip") =>
      signed(worker, QUEUE_PATHS.complete, body, "POST", undefined, { "content-encoding": encoding });
    // Signed over the uncompressed text but sent compressed: the signature does not match.
    const mismatched = await signed(worker, QUEUE_PATHS.complete, text);
    const wrongBytes = new Request(mismatched.url, {
      method: "POST",
      headers: { ...Object.fromEntries(mismatched.headers), "content-encoding": "gzip" },
      body: gzipSync(text),
    });
    expect((await jobs.complete(wrongBytes)).status).toBe(401);
    expect(await json(await jobs.complete(await gz(gzipSync(text), "br")))).toMatchObject({
      status: 415,
      body: { error: "content-encoding br is not supported (gzip is)" },
    });
    expect(await json(await jobs.complete(await gz(new TextEncoder().encode(text))))).toMatchObject({
      status: 400,
      body: { error: "the request body is not valid gzip" },
    });
    // 17 MiB of spaces in a few kB: inflation stops at the 16 MiB limit.
    const bomb = gzipSync(Buffer.alloc(17 * 2 ** 20, " "), { level: 9 });
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    expect(await json(await jobs.complete(await gz(bomb)))).toMatchObject({
      status: 413,
      body: { error: `the request body inflates past the ${MAX_JOB_BODY_BYTES}-byte limit` },
    });
    // The worker's own level (other bytes than the refused "br" request: no replay).
    const accepted = await jobs.complete(await gz(gzipSync(text, { level: 1 })));
    expect(await json(accepted)).toEqual({ status: 200, body: { ok: true } });
    const stored = await db.prisma.job.findUniqueOrThrow({ where: { id } });
    expect(stored.status).toBe("succeeded");
    expect((stored.result as { outputs: { y: unknown } }).outputs.y).toEqual(y);
  });

  it("answers 401 with a reason to unsigned, unknown, tampered, misdirected and replayed requests", async () => {
    const unsigned = await json(
      await jobs.claim(new Request(BASE + QUEUE_PATHS.claim, { method: "POST", body: claimBody })),
    );
    expect(unsigned).toMatchObject({
      status: 401,
      body: { error: expect.stringMatching(/missing x-worker-address/) },
    });

    const stranger = privateKeyToAccount(generatePrivateKey());
    const unknown = await json(await jobs.claim(await signed(stranger, QUEUE_PATHS.claim, claimBody)));
    expect(unknown).toEqual({
      status: 401,
      body: { error: `worker ${stranger.address} is not registered by any validator`, code: "UNAUTHORIZED" },
    });

    const good = await signed(worker, QUEUE_PATHS.claim, claimBody);
    const tampered = new Request(good.url, {
      method: "POST",
      headers: good.headers,
      body: JSON.stringify({ kinds: ["evaluate"] }),
    });
    expect(await json(await jobs.claim(tampered))).toMatchObject({
      status: 401,
      body: { error: "request signature does not match the worker address" },
    });

    const elsewhere = await signed(worker, QUEUE_PATHS.heartbeat, claimBody);
    const moved = new Request(BASE + QUEUE_PATHS.claim, {
      method: "POST",
      headers: elsewhere.headers,
      body: claimBody,
    });
    expect((await jobs.claim(moved)).status).toBe(401);

    const old = await json(
      await jobs.claim(await signed(worker, QUEUE_PATHS.claim, claimBody, "POST", Date.now() - 2 * SKEW)),
    );
    expect(old.body.error).toMatch(/off the server clock/);

    const once = await signed(worker, QUEUE_PATHS.claim, claimBody);
    const again = once.clone();
    expect((await jobs.claim(once)).status).toBe(200);
    expect(await json(await jobs.claim(again))).toMatchObject({
      status: 401,
      body: { error: "this signed request was already used (replay)" },
    });
  });

  it("refuses a worker once its validator revoked it", async () => {
    const w = privateKeyToAccount(generatePrivateKey());
    expect((await keys.POST(await keyRequest("register", validator, w.address))).status).toBe(201);
    expect((await jobs.claim(await signed(w, QUEUE_PATHS.claim, claimBody))).status).toBe(200);
    const someoneElse = privateKeyToAccount(generatePrivateKey());
    expect((await keys.DELETE(await keyRequest("revoke", someoneElse, w.address))).status).toBe(401);
    expect(await json(await keys.DELETE(await keyRequest("revoke", validator, w.address)))).toMatchObject({
      status: 200,
      body: { key: { revokedAt: expect.any(String) } },
    });
    expect(await json(await jobs.claim(await signed(w, QUEUE_PATHS.claim, claimBody)))).toMatchObject({
      status: 401,
      body: { error: `worker ${w.address} was revoked by its validator` },
    });
  });
});

describe("blob store", () => {
  const bytes = new TextEncoder().encode("a tiny model");
  const hex = sha256(bytes).slice(2);
  const ctx = (sha: string) => ({ params: Promise.resolve({ sha256: sha }) });

  it("stores a signed upload under its sha256 and serves it", async () => {
    const put = await json(
      await blobs.PUT(await signed(worker, `/api/v1/blobs/${hex}`, bytes, "PUT"), ctx(hex)),
    );
    expect(put).toEqual({ status: 201, body: { sha256: hex, size: bytes.length, created: true } });
    const again = await json(await blobs.POST(await signed(worker, "/api/v1/blobs", bytes)));
    expect(again).toEqual({ status: 200, body: { sha256: hex, size: bytes.length, created: false } });
    const get = await blobs.GET(new Request(`${BASE}/api/v1/blobs/${hex}`), ctx(hex));
    expect(get.status).toBe(200);
    expect(get.headers.get("etag")).toBe(`"${hex}"`);
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(bytes);
    const head = await blobs.HEAD(
      new Request(`${BASE}/api/v1/blobs/0x${hex}`, { method: "HEAD" }),
      ctx(`0x${hex}`),
    );
    expect(head.headers.get("content-length")).toBe(String(bytes.length));
  });

  it("refuses a hash mismatch, an oversized or unsigned upload, and answers 404 for unknown blobs", async () => {
    const wrong = "ab".repeat(32);
    const mismatch = await json(
      await blobs.PUT(await signed(worker, `/api/v1/blobs/${wrong}`, bytes, "PUT"), ctx(wrong)),
    );
    expect(mismatch).toMatchObject({
      status: 400,
      body: { error: `the bytes hash to ${hex}, not ${wrong}` },
    });
    const big = new Uint8Array(2048).fill(7);
    expect((await blobs.POST(await signed(worker, "/api/v1/blobs", big))).status).toBe(413);
    expect(
      (await blobs.POST(new Request(BASE + "/api/v1/blobs", { method: "POST", body: bytes }))).status,
    ).toBe(401);
    expect((await blobs.GET(new Request(`${BASE}/api/v1/blobs/${wrong}`), ctx(wrong))).status).toBe(404);
    expect((await blobs.GET(new Request(`${BASE}/api/v1/blobs/nothex`), ctx("nothex"))).status).toBe(404);
  });
});
