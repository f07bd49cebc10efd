// /api/v1/blobs: GET/HEAD /api/v1/blobs/<sha256> serves a blob (what workers fetch models and
// data sets from); PUT /api/v1/blobs/<sha256> and POST /api/v1/blobs upload one. Uploads are
// signed like worker requests (x-worker-* headers over the body's hash) by a registered,
// unrevoked worker key — the validator's own infrastructure; miners' uploads through the
// portal's SIWE session come with the portal.
import { getPrisma } from "@/lib/db/client";
import { getKv } from "@/lib/kv/client";
import { authenticateWorker, type AuthDeps } from "@/lib/jobs/auth";
import { getJobsConfig } from "@/lib/jobs/config";
import { errorResponse, JobError } from "@/lib/jobs/errors";
import { readBytes } from "@/lib/jobs/handlers";
import { BlobError, FsBlobStore, normalizeBlobHash } from "./store";

export interface BlobHandlerDeps extends AuthDeps {
  store: FsBlobStore;
}

type Ctx = { params: Promise<{ sha256: string }> };

function blobError(err: unknown): Response {
  if (err instanceof BlobError) {
    const status = err.code === "TOO_LARGE" ? 413 : err.code === "INVALID_HASH" ? 404 : 400;
    return errorResponse(
      new JobError(status === 413 ? "TOO_LARGE" : status === 404 ? "NOT_FOUND" : "BAD_REQUEST", err.message),
    );
  }
  return errorResponse(err);
}

export function createBlobHandlers(deps: () => BlobHandlerDeps) {
  const upload = async (request: Request, expected?: string): Promise<Response> => {
    try {
      const d = deps();
      if (expected !== undefined) normalizeBlobHash(expected);
      const bytes = await readBytes(request, d.store.maxBytes);
      await authenticateWorker(request, bytes, d);
      const blob = await d.store.put(bytes, expected);
      return Response.json(blob, { status: blob.created ? 201 : 200 });
    } catch (err) {
      return blobError(err);
    }
  };
  const serve = async (ctx: Ctx, head: boolean): Promise<Response> => {
    try {
      const hex = normalizeBlobHash((await ctx.params).sha256);
      const blob = head ? { size: await deps().store.size(hex), body: null } : await deps().store.open(hex);
      if (blob === null || blob.size === null)
        throw new JobError("NOT_FOUND", `blob ${hex} is not in the store`);
      return new Response(blob.body, {
        headers: {
          "content-type": "application/octet-stream",
          "content-length": String(blob.size),
          etag: `"${hex}"`,
          // Content-addressed: the bytes behind a name never change.
          "cache-control": "public, max-age=31536000, immutable",
        },
      });
    } catch (err) {
      return blobError(err);
    }
  };
  return {
    GET: (_request: Request, ctx: Ctx) => serve(ctx, false),
    HEAD: (_request: Request, ctx: Ctx) => serve(ctx, true),
    PUT: async (request: Request, ctx: Ctx) => upload(request, (await ctx.params).sha256),
    POST: (request: Request) => upload(request),
  };
}

export const blobHandlers = createBlobHandlers(() => {
  const cfg = getJobsConfig();
  return {
    prisma: getPrisma(),
    kv: getKv(),
    maxSkewMs: cfg.authMaxSkewMs,
    store: new FsBlobStore(cfg.blobDir, cfg.blobMaxBytes),
  };
});
