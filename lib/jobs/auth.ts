// Authentication of worker requests to /api/jobs/* and blob uploads: the signature scheme is
// the worker's own (auth.ts in @tensorchain/worker); here we add what only the server can
// check — the key is registered by a validator and not revoked — and refuse replays by
// remembering each signed message for the skew window in the KV.
import type { PrismaClient } from "@prisma/client";
import { sha256, stringToBytes } from "viem";
import { verifyWorkerRequest } from "@tensorchain/worker/auth";
import type { Kv } from "@/lib/kv/kv";
import { JobError } from "./errors";
import type { WorkerIdentity } from "./queue";

/** lastSeenAt is refreshed at most this often, so polling does not write on every request. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface AuthDeps {
  prisma: PrismaClient;
  kv: Kv;
  maxSkewMs: number;
}

/** The request's path and query exactly as the worker signed it. */
export function signedPath(request: Request): string {
  const url = new URL(request.url);
  return url.pathname + url.search;
}

export async function authenticateWorker(
  request: Request,
  body: string | Uint8Array,
  deps: AuthDeps,
): Promise<WorkerIdentity> {
  const path = signedPath(request);
  let verified;
  try {
    verified = await verifyWorkerRequest({
      method: request.method,
      path,
      headers: request.headers,
      body,
      maxSkewMs: deps.maxSkewMs,
    });
  } catch (err) {
    throw new JobError(
      "UNAUTHORIZED",
      (err as { shortMessage?: string }).shortMessage ?? "invalid request signature",
    );
  }
  const address = verified.address.toLowerCase();
  // Raw SQL: on every request, Prisma's query compiler would cost more than the lookup itself.
  const [key] = await deps.prisma.$queryRaw<
    { validatorHotkey: string; revokedAt: Date | null; lastSeenAt: Date | null }[]
  >`SELECT "validatorHotkey", "revokedAt", "lastSeenAt" FROM "WorkerKey" WHERE address = ${address}`;
  if (key === undefined)
    throw new JobError("UNAUTHORIZED", `worker ${verified.address} is not registered by any validator`);
  if (key.revokedAt !== null)
    throw new JobError("UNAUTHORIZED", `worker ${verified.address} was revoked by its validator`);
  // Keyed on the signed message, not the signature bytes, so a malleated signature is still a replay.
  const digest = sha256(stringToBytes(`${address}\n${verified.message}`));
  const fresh = await deps.kv.setNX(`worker-req:${digest}`, "1", {
    ttlSeconds: Math.ceil((2 * deps.maxSkewMs) / 1000),
  });
  if (!fresh) throw new JobError("UNAUTHORIZED", "this signed request was already used (replay)");
  if (key.lastSeenAt === null || Date.now() - key.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await deps.prisma.workerKey.update({ where: { address }, data: { lastSeenAt: new Date() } });
  }
  return { address, validatorHotkey: key.validatorHotkey };
}
