// POST /api/v1/uploads: a signed-in (SIWE) wallet uploads a model or data set into the
// content-addressed blob store. The client names the sha256 it computed (x-content-sha256)
// and the store refuses bytes that hash otherwise or exceed BLOB_MAX_BYTES, so what the miner
// then publishes on chain is exactly what was stored.
import { FsBlobStore, BlobError, normalizeBlobHash } from "@/lib/blobs/store";
import { getJobsConfig } from "@/lib/jobs/config";
import { readBytes } from "@/lib/jobs/handlers";
import { JobError } from "@/lib/jobs/errors";
import { getKv } from "@/lib/kv/client";
import type { Kv } from "@/lib/kv/kv";
import { createRateLimiter, type RateLimiter } from "@/lib/kv/rate-limit";
import { requireSession } from "./session";
import { AuthError } from "./siwe";

export interface UploadDeps {
  kv: Kv;
  store: FsBlobStore;
  limiter: RateLimiter;
}

export const HASH_HEADER = "x-content-sha256";

function uploadError(err: unknown): Response {
  if (err instanceof AuthError)
    return Response.json({ error: err.message, code: err.code }, { status: err.status });
  if (err instanceof BlobError) {
    const status = err.code === "TOO_LARGE" ? 413 : 400;
    return Response.json({ error: err.message, code: err.code }, { status });
  }
  if (err instanceof JobError)
    return Response.json({ error: err.message, code: err.code }, { status: err.status });
  console.error("upload error:", err);
  return Response.json({ error: "internal error", code: "INTERNAL" }, { status: 500 });
}

export function createUploadHandler(deps: () => UploadDeps) {
  return async (request: Request): Promise<Response> => {
    try {
      const d = deps();
      const session = await requireSession(request, d.kv);
      const declared = request.headers.get(HASH_HEADER);
      if (declared === null)
        throw new AuthError("BAD_REQUEST", `the ${HASH_HEADER} header (sha256 of the body) is required`);
      const expected = normalizeBlobHash(declared);
      const budget = await d.limiter.limit(session.address.toLowerCase());
      if (!budget.allowed)
        throw new AuthError(
          "RATE_LIMITED",
          `too many uploads: try again in ${Math.ceil(budget.resetMs / 1000)} s`,
        );
      const bytes = await readBytes(request, d.store.maxBytes);
      const blob = await d.store.put(bytes, expected);
      return Response.json(
        { ...blob, uri: `/api/v1/blobs/${blob.sha256}` },
        { status: blob.created ? 201 : 200 },
      );
    } catch (err) {
      return uploadError(err);
    }
  };
}

let limiter: RateLimiter | undefined;

export const uploadHandler = createUploadHandler(() => {
  const cfg = getJobsConfig();
  const kv = getKv();
  limiter ??= createRateLimiter(kv, { name: "uploads", points: 60, windowSeconds: 3600 });
  return { kv, store: new FsBlobStore(cfg.blobDir, cfg.blobMaxBytes), limiter };
});
