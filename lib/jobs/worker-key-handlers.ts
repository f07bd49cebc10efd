// /api/v1/worker-keys: a validator registers (POST) or revokes (DELETE) a worker key with a
// signed canonical message (worker-keys.ts); GET ?validator=0x… lists a validator's keys.
import type { PrismaClient, WorkerKey } from "@prisma/client";
import { getAddress } from "viem";
import { z } from "zod";
import { getPrisma } from "@/lib/db/client";
import { getKv } from "@/lib/kv/client";
import type { Kv } from "@/lib/kv/kv";
import { getJobsConfig } from "./config";
import { errorResponse, JobError } from "./errors";
import { parseJson, readBody } from "./handlers";
import {
  isIndexedValidator,
  listWorkerKeys,
  registerWorkerKey,
  revokeWorkerKey,
  verifyWorkerKeyRequest,
} from "./worker-keys";

export interface WorkerKeyHandlerDeps {
  prisma: PrismaClient;
  kv: Kv;
  maxSkewMs: number;
}

const MAX_BODY_BYTES = 4096;
const json = z.unknown();

function present(k: WorkerKey) {
  return {
    worker: getAddress(k.address),
    validator: getAddress(k.validatorHotkey),
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastSeenAt: k.lastSeenAt?.toISOString() ?? null,
  };
}

export function createWorkerKeyHandlers(deps: () => WorkerKeyHandlerDeps) {
  const signed = (action: "register" | "revoke") => async (request: Request) => {
    try {
      const d = deps();
      const body = parseJson(json, await readBody(request, MAX_BODY_BYTES));
      const m = await verifyWorkerKeyRequest(body, d);
      if (m.action !== action)
        throw new JobError(
          "BAD_REQUEST",
          `this endpoint takes action "${action}", the message says "${m.action}"`,
        );
      // Revoking needs no permit: a validator that lost its permit must still be able to revoke.
      if (action === "register" && !(await isIndexedValidator(d.prisma, m.validator))) {
        throw new JobError(
          "FORBIDDEN",
          `${getAddress(m.validator)} holds no validator permit on any subnet (as indexed)`,
        );
      }
      const key =
        action === "register" ? await registerWorkerKey(d.prisma, m) : await revokeWorkerKey(d.prisma, m);
      return Response.json({ key: present(key) }, { status: action === "register" ? 201 : 200 });
    } catch (err) {
      return errorResponse(err);
    }
  };
  return {
    POST: signed("register"),
    DELETE: signed("revoke"),
    GET: async (request: Request) => {
      try {
        const validator = new URL(request.url).searchParams.get("validator") ?? "";
        if (!/^0x[0-9a-fA-F]{40}$/.test(validator))
          throw new JobError("BAD_REQUEST", "?validator= must be a 20-byte hex address");
        const keys = await listWorkerKeys(deps().prisma, validator);
        return Response.json({ keys: keys.map(present) }, { headers: { "cache-control": "no-store" } });
      } catch (err) {
        return errorResponse(err);
      }
    },
  };
}

export const workerKeyHandlers = createWorkerKeyHandlers(() => ({
  prisma: getPrisma(),
  kv: getKv(),
  maxSkewMs: getJobsConfig().authMaxSkewMs,
}));
