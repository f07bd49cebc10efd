// The /api/jobs/* route handlers' logic, on web-standard Request/Response so route files stay
// one line and tests (and the benchmark) call them without Next.js. Contract: the worker's
// jobs/types.ts (request and response schemas are imported, never restated).
import { gunzipSync } from "node:zlib";
import type { PrismaClient } from "@prisma/client";
import type { z } from "zod";
import {
  claimRequestSchema,
  completeRequestSchema,
  failRequestSchema,
  heartbeatRequestSchema,
  type ClaimResponse,
} from "@tensorchain/worker/jobs/types";
import { getPrisma } from "@/lib/db/client";
import { getKv } from "@/lib/kv/client";
import type { Kv } from "@/lib/kv/kv";
import { authenticateWorker } from "./auth";
import { getJobsConfig } from "./config";
import { errorResponse, JobError } from "./errors";
import { getJobQueue, type JobQueue, type WorkerIdentity } from "./queue";

/** Largest request body: a completed job's result carries per-item scores. */
export const MAX_JOB_BODY_BYTES = 16 * 2 ** 20;

export interface JobHandlerDeps {
  prisma: PrismaClient;
  kv: Kv;
  queue: JobQueue;
  maxSkewMs: number;
}

/**
 * The request body, refused with TOO_LARGE past `maxBytes`: counted while reading, so a body
 * without (or lying about) content-length cannot fill memory.
 */
export async function readBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new JobError("TOO_LARGE", `the request body is over the ${maxBytes}-byte limit`);
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  if (request.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

export async function readBody(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBytes(request, maxBytes));
}

/**
 * The text of a body read with readBytes: as it is, or inflated when the worker sent it with
 * `content-encoding: gzip` (large completions: see worker/src/queue-client.ts), refused with
 * TOO_LARGE when it inflates past `maxBytes` (inflation stops there) and BAD_REQUEST when it is
 * not gzip. Called after the signature check, on the bytes the signature covers.
 */
export function bodyText(request: Request, bytes: Uint8Array, maxBytes: number): string {
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding === "identity") return new TextDecoder().decode(bytes);
  if (encoding !== "gzip")
    throw new JobError("UNSUPPORTED_ENCODING", `content-encoding ${encoding} is not supported (gzip is)`);
  try {
    return new TextDecoder().decode(gunzipSync(bytes, { maxOutputLength: maxBytes }));
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
      throw new JobError("TOO_LARGE", `the request body inflates past the ${maxBytes}-byte limit`);
    throw new JobError("BAD_REQUEST", "the request body is not valid gzip");
  }
}

export function parseJson<S extends z.ZodType>(schema: S, text: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new JobError("BAD_REQUEST", "the request body is not JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new JobError(
      "BAD_REQUEST",
      `invalid request: ${issue?.path.join(".") || "body"}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

type Handler = (request: Request) => Promise<Response>;

export function createJobHandlers(
  deps: () => JobHandlerDeps,
): Record<"claim" | "heartbeat" | "complete" | "fail", Handler> {
  const wrap =
    (
      fn: (worker: WorkerIdentity, body: string, d: JobHandlerDeps, signal: AbortSignal) => Promise<unknown>,
    ): Handler =>
    async (request) => {
      try {
        const d = deps();
        // The signature covers the bytes as sent (compressed or not): checked before inflating.
        const bytes = await readBytes(request, MAX_JOB_BODY_BYTES);
        const worker = await authenticateWorker(request, bytes, d);
        const body = bodyText(request, bytes, MAX_JOB_BODY_BYTES);
        return Response.json(await fn(worker, body, d, request.signal), {
          headers: { "cache-control": "no-store" },
        });
      } catch (err) {
        return errorResponse(err);
      }
    };
  return {
    claim: wrap(async (worker, body, { queue }, signal) => {
      const { kinds, waitMs } = parseJson(claimRequestSchema, body);
      const job = waitMs
        ? await queue.claimWaiting(worker, kinds, waitMs, signal)
        : await queue.claim(worker, kinds);
      const res: ClaimResponse =
        job === null
          ? { job: null }
          : {
              job: { id: job.id, kind: job.kind, attempt: job.attempt, payload: job.payload },
              leaseMs: job.leaseMs,
            };
      return res;
    }),
    heartbeat: wrap(async (worker, body, { queue }) => {
      const { jobId } = parseJson(heartbeatRequestSchema, body);
      const { leaseMs } = await queue.heartbeat(worker, jobId);
      return { ok: true, leaseMs };
    }),
    complete: wrap(async (worker, body, { queue }) => {
      const { jobId, result } = parseJson(completeRequestSchema, body);
      await queue.complete(worker, jobId, result);
      return { ok: true };
    }),
    fail: wrap(async (worker, body, { queue }) => {
      const { jobId, reason, retry } = parseJson(failRequestSchema, body);
      await queue.fail(worker, jobId, reason, retry);
      return { ok: true };
    }),
  };
}

/** The process's handlers, on the configured database, KV and queue. */
export const jobHandlers = createJobHandlers(() => ({
  prisma: getPrisma(),
  kv: getKv(),
  queue: getJobQueue(),
  maxSkewMs: getJobsConfig().authMaxSkewMs,
}));
