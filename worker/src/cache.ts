// Content-addressed blobs (models, data sets) and the caches that hold them.
// - BlobFetcher gets a blob by its sha256 from a file:// or http(s) URI, local blob directories
//   (<dir>/<hex>) or the app's blob store (GET <api>/api/v1/blobs/<hex>), streaming with a size
//   limit so an oversized blob is refused before it is held in memory.
// - ModelCache keeps loaded sessions (one host process each) in LRU order, bounded by the total
//   bytes of their models. Bytes are hashed and compared before a session is created; eviction
//   and host exit (crash, timeout kill) dispose the session. A model in use is never evicted.
// - DatasetCache keeps parsed, verified data sets, bounded the same way.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { WorkerError } from "./errors.js";
import { readLimited } from "./jobs/http-client.js";
import { parseDataset, sha256Hex, type Dataset } from "./dataset.js";
import { IsolatedSession, type CreateSessionOptions } from "./onnx/session.js";
import type { Hash32 } from "./task-spec.js";
import type { WorkerMetrics } from "./metrics.js";
import type { Logger } from "./log.js";

export interface BlobFetcherOptions {
  /** The app's base URL: blobs at <apiUrl>/api/v1/blobs/<hex>. */
  apiUrl?: string;
  /** Local directories holding blobs named by their hex hash (no 0x). */
  blobDirs?: readonly string[];
  requestTimeoutMs?: number;
}

function hex(hash: Hash32): string {
  return hash.slice(2);
}

function tooLarge(what: string, size: number, max: number): WorkerError {
  return new WorkerError("BLOB_TOO_LARGE", `${what} is ${size} bytes, over the ${max}-byte limit`);
}

export class BlobFetcher {
  private readonly opts: BlobFetcherOptions;

  constructor(opts: BlobFetcherOptions) {
    this.opts = opts;
  }

  /** The blob's bytes, verified against its hash. */
  async fetch(hash: Hash32, opts: { maxBytes: number; uri?: string; what?: string }): Promise<Uint8Array> {
    const what = opts.what ?? "blob";
    const sources: (() => Promise<Uint8Array | undefined>)[] = [];
    if (opts.uri) sources.push(() => this.fromUri(opts.uri!, opts.maxBytes, what));
    for (const dir of this.opts.blobDirs ?? [])
      sources.push(() => this.fromFile(path.join(dir, hex(hash)), opts.maxBytes, what));
    if (this.opts.apiUrl) {
      const url = new URL(`/api/v1/blobs/${hex(hash)}`, this.opts.apiUrl).href;
      sources.push(() => this.fromHttp(url, opts.maxBytes, what));
    }
    let lastError: unknown;
    for (const source of sources) {
      let bytes: Uint8Array | undefined;
      try {
        bytes = await source();
      } catch (err) {
        // Too large is final whatever the source; anything else: try the next source.
        if (err instanceof WorkerError && err.code === "BLOB_TOO_LARGE") throw err;
        lastError = err;
        continue;
      }
      if (bytes === undefined) continue;
      verifyBlob(bytes, hash, what);
      return bytes;
    }
    if (lastError) throw lastError;
    throw new WorkerError("BLOB_NOT_FOUND", `${what} ${hash} was not found in any blob source`);
  }

  private async fromUri(uri: string, maxBytes: number, what: string): Promise<Uint8Array | undefined> {
    if (uri.startsWith("file://")) return this.fromFile(fileURLToPath(uri), maxBytes, what);
    if (/^https?:\/\//.test(uri)) return this.fromHttp(uri, maxBytes, what);
    return undefined; // other schemes (ipfs://, …) are resolved by the app's blob store
  }

  private async fromFile(file: string, maxBytes: number, what: string): Promise<Uint8Array | undefined> {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      return undefined;
    }
    if (size > maxBytes) throw tooLarge(what, size, maxBytes);
    return new Uint8Array(await readFile(file));
  }

  private async fromHttp(url: string, maxBytes: number, what: string): Promise<Uint8Array | undefined> {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.opts.requestTimeoutMs ?? 60_000) });
    } catch (err) {
      throw new WorkerError("BLOB_FETCH", `cannot fetch ${what} from ${url}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new WorkerError("BLOB_FETCH", `fetching ${what} from ${url} answered HTTP ${res.status}`);
    }
    return readLimited(res, maxBytes, what);
  }
}

export function verifyBlob(bytes: Uint8Array, hash: Hash32, what = "blob"): void {
  const got = sha256Hex(bytes);
  if (got !== hash.toLowerCase()) {
    throw new WorkerError("HASH_MISMATCH", `${what} bytes hash to ${got}, expected ${hash}`);
  }
}

/** LRU by insertion order of a Map, weighted by bytes; `pinned` entries are skipped. */
class ByteLru<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private total = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly pinned: (v: V) => boolean,
    private readonly onEvict: (v: V) => void,
  ) {}

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    this.entries.set(key, { value, bytes });
    this.total += bytes;
  }

  /** Removes without calling onEvict; returns whether the key was present. */
  delete(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    this.total -= e.bytes;
    return true;
  }

  /** Evicts least recently used, unpinned entries until within budget. */
  trim(): void {
    if (this.total <= this.maxBytes) return;
    for (const [key, e] of this.entries) {
      if (this.total <= this.maxBytes) break;
      if (this.pinned(e.value)) continue;
      this.entries.delete(key);
      this.total -= e.bytes;
      this.onEvict(e.value);
    }
  }

  values(): V[] {
    return [...this.entries.values()].map((e) => e.value);
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}

export interface CachedModel {
  hash: Hash32;
  bytes: number;
  session: IsolatedSession;
  refs: number;
}

export interface ModelLease {
  model: CachedModel;
  release(): void;
}

export interface ModelCacheOptions {
  fetcher: BlobFetcher;
  maxCacheBytes: number;
  maxModelBytes: number;
  session: CreateSessionOptions;
  metrics?: WorkerMetrics;
  /** Where a session that fell back from CUDA to CPU is reported. */
  log?: Logger;
}

export class ModelCache {
  private readonly lru: ByteLru<CachedModel>;
  private readonly loading = new Map<string, Promise<CachedModel>>();
  private readonly opts: ModelCacheOptions;

  constructor(opts: ModelCacheOptions) {
    this.opts = opts;
    this.lru = new ByteLru<CachedModel>(
      opts.maxCacheBytes,
      (m) => m.refs > 0,
      (m) => void m.session.dispose(),
    );
  }

  get bytes(): number {
    return this.lru.bytes;
  }

  get size(): number {
    return this.lru.size;
  }

  has(hash: Hash32): boolean {
    return this.lru.peek(hash) !== undefined;
  }

  /**
   * A loaded model, fetched and verified on a miss; call release() when done so it can be
   * evicted. Concurrent acquires of one hash share one load.
   */
  async acquire(hash: Hash32, opts: { uri?: string; bytes?: Uint8Array } = {}): Promise<ModelLease> {
    let model = this.lru.get(hash);
    if (model && model.session.alive) {
      this.opts.metrics?.cacheHits.inc();
    } else {
      let pending = this.loading.get(hash);
      if (!pending) {
        this.opts.metrics?.cacheMisses.inc();
        pending = this.load(hash, opts).finally(() => this.loading.delete(hash));
        this.loading.set(hash, pending);
      }
      model = await pending;
    }
    model.refs++;
    // Trim only now that the model is pinned, so a fresh load is never its own victim.
    this.lru.trim();
    const m = model;
    let released = false;
    return {
      model: m,
      release: () => {
        if (released) return;
        released = true;
        m.refs--;
        if (m.refs === 0) this.lru.trim();
        this.opts.metrics?.cacheBytes.set(this.lru.bytes);
      },
    };
  }

  private async load(hash: Hash32, opts: { uri?: string; bytes?: Uint8Array }): Promise<CachedModel> {
    let bytes = opts.bytes;
    if (bytes) {
      if (bytes.byteLength > this.opts.maxModelBytes)
        throw tooLarge("model", bytes.byteLength, this.opts.maxModelBytes);
      verifyBlob(bytes, hash, "model");
    } else {
      bytes = await this.opts.fetcher.fetch(hash, {
        maxBytes: this.opts.maxModelBytes,
        uri: opts.uri,
        what: "model",
      });
    }
    const session = await IsolatedSession.create(bytes, this.opts.session);
    if (session.cudaError !== undefined) {
      this.opts.log?.warn("CUDA could not run this model; it runs on CPU", {
        modelHash: hash,
        reason: session.cudaError,
      });
    }
    const model: CachedModel = { hash, bytes: bytes.byteLength, session, refs: 0 };
    // A host that dies (timeout kill, memory kill, crash) takes its cache entry with it.
    session.onExit(() => {
      if (this.lru.peek(hash) === model) {
        this.lru.delete(hash);
        this.opts.metrics?.cacheBytes.set(this.lru.bytes);
      }
    });
    this.lru.set(hash, model, model.bytes);
    this.opts.metrics?.cacheBytes.set(this.lru.bytes);
    return model;
  }

  /** Disposes every session. */
  async close(): Promise<void> {
    const all = this.lru.values();
    this.lru.clear();
    await Promise.all(all.map((m) => m.session.dispose()));
  }
}

export class DatasetCache {
  private readonly lru: ByteLru<Dataset>;
  private readonly loading = new Map<string, Promise<Dataset>>();

  constructor(
    private readonly fetcher: BlobFetcher,
    private readonly maxDatasetBytes: number,
    maxCacheBytes: number,
  ) {
    this.lru = new ByteLru<Dataset>(
      maxCacheBytes,
      () => false,
      () => undefined,
    );
  }

  async get(hash: Hash32, opts: { uri?: string; bytes?: Uint8Array } = {}): Promise<Dataset> {
    const hit = this.lru.get(hash);
    if (hit) return hit;
    let pending = this.loading.get(hash);
    if (!pending) {
      pending = (async () => {
        const bytes =
          opts.bytes ??
          (await this.fetcher.fetch(hash, {
            maxBytes: this.maxDatasetBytes,
            uri: opts.uri,
            what: "data set",
          }));
        if (bytes.byteLength > this.maxDatasetBytes)
          throw tooLarge("data set", bytes.byteLength, this.maxDatasetBytes);
        const ds = parseDataset(bytes, hash);
        this.lru.set(hash, ds, bytes.byteLength);
        this.lru.trim();
        return ds;
      })().finally(() => this.loading.delete(hash));
      this.loading.set(hash, pending);
    }
    return pending;
  }
}
