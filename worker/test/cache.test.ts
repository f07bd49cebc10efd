// Blob fetching (file and HTTP, size limits, hash verification) and the model cache's LRU
// eviction, which must end the evicted sessions' host processes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobFetcher, ModelCache } from "../src/cache.js";
import { sha256Hex } from "../src/dataset.js";
import { WorkerMetrics } from "../src/metrics.js";
import * as fx from "./fixtures/models.js";
import { tempDir, writeBlob } from "./helpers.js";

const blobs = new Map<string, Uint8Array>();
let server: http.Server;
let api: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const m = /^\/api\/v1\/blobs\/([0-9a-f]{64})$/.exec(req.url ?? "");
    const blob = m ? blobs.get(m[1]!) : undefined;
    if (!blob) return void res.writeHead(404).end();
    // Chunked (no content-length) for odd-sized blobs, to exercise the streaming limit.
    if (blob.byteLength % 2) res.writeHead(200);
    else res.writeHead(200, { "content-length": String(blob.byteLength) });
    res.end(blob);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe("BlobFetcher", () => {
  it("fetches over HTTP and from a blob directory, verifying the hash", async () => {
    const a = new TextEncoder().encode("hello blob");
    const hash = sha256Hex(a);
    blobs.set(hash.slice(2), a);
    const f = new BlobFetcher({ apiUrl: api });
    expect(await f.fetch(hash, { maxBytes: 100 })).toEqual(a);
    await expect(f.fetch(sha256Hex(new Uint8Array([1])), { maxBytes: 100 })).rejects.toThrow(/not found/);
    // The store answering other bytes under a hash is caught.
    const fake = sha256Hex(new Uint8Array([9, 9]));
    blobs.set(fake.slice(2), new Uint8Array([1, 2]));
    await expect(f.fetch(fake, { maxBytes: 100, what: "model" })).rejects.toThrow(/model bytes hash to/);

    const d = await tempDir();
    try {
      const h = await writeBlob(d.dir, a);
      expect(await new BlobFetcher({ blobDirs: [d.dir] }).fetch(h, { maxBytes: 100 })).toEqual(a);
      await expect(new BlobFetcher({ blobDirs: [d.dir] }).fetch(h, { maxBytes: 5 })).rejects.toThrow(
        /over the 5-byte limit/,
      );
    } finally {
      await d.cleanup();
    }
  });

  it("refuses oversized blobs, with or without a content-length", async () => {
    const even = new Uint8Array(5000);
    const odd = new Uint8Array(5001);
    blobs.set(sha256Hex(even).slice(2), even);
    blobs.set(sha256Hex(odd).slice(2), odd);
    const f = new BlobFetcher({ apiUrl: api });
    await expect(f.fetch(sha256Hex(even), { maxBytes: 4096 })).rejects.toMatchObject({
      code: "BLOB_TOO_LARGE",
    });
    await expect(f.fetch(sha256Hex(odd), { maxBytes: 4096 })).rejects.toMatchObject({
      code: "BLOB_TOO_LARGE",
    });
  });
});

describe("ModelCache", () => {
  it("evicts least recently used models beyond its byte budget and ends their hosts", async () => {
    const d = await tempDir();
    const metrics = new WorkerMetrics();
    const a = fx.goodClassifier();
    const b = fx.randomClassifier();
    const cache = new ModelCache({
      fetcher: new BlobFetcher({ blobDirs: [d.dir] }),
      maxCacheBytes: Math.max(a.byteLength, b.byteLength) + 10, // room for one
      maxModelBytes: 1 << 20,
      metrics,
      session: {
        providers: ["cpu"],
        loadTimeoutMs: 120_000,
        runTimeoutMs: 5_000,
        memoryLimitBytes: 768 * 2 ** 20,
        intraOpThreads: 1,
      },
    });
    try {
      const ha = await writeBlob(d.dir, a);
      const hb = await writeBlob(d.dir, b);
      const la = await cache.acquire(ha);
      const sa = la.model.session;
      // While A is in use, loading B overshoots the budget rather than evicting A.
      const lb = await cache.acquire(hb);
      expect(cache.has(ha) && cache.has(hb)).toBe(true);
      const exited = new Promise<void>((r) => sa.onExit(r));
      la.release(); // A idle and least recently used: evicted to get back within budget
      lb.release();
      expect(cache.has(ha)).toBe(false);
      expect(cache.has(hb)).toBe(true);
      await exited;
      expect(sa.alive).toBe(false);
      // A hit, then a miss that reloads A.
      (await cache.acquire(hb)).release();
      (await cache.acquire(ha)).release();
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/model_cache_hits_total 1/);
      expect(text).toMatch(/model_cache_misses_total 3/);
      expect(cache.size).toBe(1);
    } finally {
      await cache.close();
      await d.cleanup();
    }
  });

  it("drops a model whose host died and reloads it on the next use", async () => {
    const d = await tempDir();
    const cache = new ModelCache({
      fetcher: new BlobFetcher({ blobDirs: [d.dir] }),
      maxCacheBytes: 1 << 20,
      maxModelBytes: 1 << 20,
      session: {
        providers: ["cpu"],
        loadTimeoutMs: 120_000,
        runTimeoutMs: 5_000,
        memoryLimitBytes: 768 * 2 ** 20,
        intraOpThreads: 1,
      },
    });
    try {
      const h = await writeBlob(d.dir, fx.goodClassifier());
      const l1 = await cache.acquire(h);
      l1.release();
      const gone = new Promise<void>((r) => l1.model.session.onExit(r));
      process.kill(l1.model.session.pid!, "SIGKILL");
      await gone;
      expect(cache.has(h)).toBe(false);
      const l2 = await cache.acquire(h);
      expect(l2.model.session.alive).toBe(true);
      expect(l2.model.session.pid).not.toBe(l1.model.session.pid);
      l2.release();
    } finally {
      await cache.close();
      await d.cleanup();
    }
  });
});
