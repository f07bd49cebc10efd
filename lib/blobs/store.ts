// The content-addressed blob store: models and data sets kept under their sha256 (hex, no 0x)
// in one directory. A blob is written to a temporary file and renamed into place only after
// its size and hash were checked, so a reader never sees a partial or wrong blob, and two
// uploads of the same bytes end in the same file.
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";

export const BLOB_HASH = /^(?:0x)?([0-9a-fA-F]{64})$/;

export class BlobError extends Error {
  override name = "BlobError";
  constructor(
    readonly code: "INVALID_HASH" | "TOO_LARGE" | "HASH_MISMATCH" | "EMPTY",
    message: string,
  ) {
    super(message);
  }
}

/** "0xABC…" or "abc…" → "abc…" (64 lowercase hex), or BlobError INVALID_HASH. */
export function normalizeBlobHash(hash: string): string {
  const m = BLOB_HASH.exec(hash);
  if (!m) throw new BlobError("INVALID_HASH", "a blob is named by its sha256: 64 hex digits");
  return m[1]!.toLowerCase();
}

export interface StoredBlob {
  /** 64 lowercase hex digits. */
  sha256: string;
  size: number;
  /** false when the store already held these bytes. */
  created: boolean;
}

export class FsBlobStore {
  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  private file(hex: string): string {
    return path.join(this.dir, hex);
  }

  /** Stores `bytes`; when `expectedHash` is given they must hash to it. */
  async put(bytes: Uint8Array, expectedHash?: string): Promise<StoredBlob> {
    const expected = expectedHash === undefined ? undefined : normalizeBlobHash(expectedHash);
    if (bytes.byteLength === 0) throw new BlobError("EMPTY", "the blob is empty");
    if (bytes.byteLength > this.maxBytes)
      throw new BlobError(
        "TOO_LARGE",
        `the blob is ${bytes.byteLength} bytes, over the ${this.maxBytes}-byte limit`,
      );
    const hex = createHash("sha256").update(bytes).digest("hex");
    if (expected !== undefined && expected !== hex)
      throw new BlobError("HASH_MISMATCH", `the bytes hash to ${hex}, not ${expected}`);
    const target = this.file(hex);
    if ((await this.size(hex)) === bytes.byteLength)
      return { sha256: hex, size: bytes.byteLength, created: false };
    await mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.tmp-${randomUUID()}`);
    try {
      await writeFile(tmp, bytes, { flag: "wx" });
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { sha256: hex, size: bytes.byteLength, created: true };
  }

  /** The blob's size, or null when the store does not hold it. */
  async size(hash: string): Promise<number | null> {
    try {
      return (await stat(this.file(normalizeBlobHash(hash)))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  /** A stream of the blob's bytes, or null when absent. */
  async open(hash: string): Promise<{ size: number; body: ReadableStream<Uint8Array> } | null> {
    const hex = normalizeBlobHash(hash);
    const size = await this.size(hex);
    if (size === null) return null;
    return { size, body: Readable.toWeb(createReadStream(this.file(hex))) as ReadableStream<Uint8Array> };
  }
}
