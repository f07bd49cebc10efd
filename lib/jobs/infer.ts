// POST /api/v1/subnets/{netuid}/infer: a signed-in (SIWE) wallet's request, rate-limited per
// wallet, runs as an infer job on the subnet's best-ranked miner model and the answer comes back
// with the hash of the model that served it. Best-ranked = highest incentive in the chain's
// current metagraph; before the first epoch pays anyone, the best latest evaluation score.
//
//   body:   { inputs: { <name>: { dtype, shape, data(base64) } }, outputs?: [name] }
//   200:    { jobId, netuid, uid, hotkey, modelHash, outputs, provider, durationMs }
//   422:    the model failed on this request (reason); 503: no model / no worker in time.
import type { PrismaClient } from "@prisma/client";
import { inferPayloadSchema, type InferResult } from "@tensorchain/worker/jobs/types";
import { ApiError, handle, json, readJson } from "@/lib/api/http";
import { netuidParam } from "@/lib/api/params";
import { requireSession } from "@/lib/auth/session";
import { AuthError } from "@/lib/auth/siwe";
import type { Kv } from "@/lib/kv/kv";
import type { RateLimiter } from "@/lib/kv/rate-limit";
import type { MetagraphJson } from "@/lib/scheduler/chain";
import { untilFinished, type JobQueue } from "./queue";

/** Infer jobs run before evaluations: a user is waiting. */
export const INFER_PRIORITY = 10;
const MAX_INFER_BODY = 4 * 2 ** 20;

const bodySchema = inferPayloadSchema.pick({ inputs: true, outputs: true });

export interface InferDeps {
  prisma: PrismaClient;
  kv: Kv;
  queue: JobQueue;
  limiter: RateLimiter;
  metagraph: (netuid: number) => Promise<MetagraphJson>;
  timeoutMs: number;
  pollMs?: number;
}

export interface ServingModel {
  uid: number;
  hotkey: string;
  modelHash: string;
  modelUri?: string;
}

const isZero = (h: string | undefined) => !h || /^0x0*$/.test(h);

/** The subnet's best-ranked miner model, or null when no neuron has published one. */
export async function bestModel(
  prisma: PrismaClient,
  netuid: number,
  mg: MetagraphJson,
): Promise<ServingModel | null> {
  const candidates: number[] = [];
  for (let uid = 0; uid < mg.n; uid++) if (!isZero(mg.modelHashes[uid])) candidates.push(uid);
  if (candidates.length === 0) return null;
  const scores = new Map<number, number>();
  for (const r of await prisma.evaluationReceipt.findMany({
    where: { netuid, modelHash: { in: candidates.map((u) => mg.modelHashes[u]!.toLowerCase()) } },
    orderBy: { createdAt: "asc" },
    select: { uid: true, modelHash: true, scoreBps: true },
  })) {
    if (mg.modelHashes[r.uid]?.toLowerCase() === r.modelHash) scores.set(r.uid, r.scoreBps);
  }
  candidates.sort(
    (a, b) =>
      (mg.incentive[b] ?? 0) - (mg.incentive[a] ?? 0) ||
      (scores.get(b) ?? -1) - (scores.get(a) ?? -1) ||
      a - b,
  );
  const uid = candidates[0]!;
  return {
    uid,
    hotkey: mg.hotkeys[uid]!.toLowerCase(),
    modelHash: mg.modelHashes[uid]!.toLowerCase(),
    ...(mg.modelURIs[uid] ? { modelUri: mg.modelURIs[uid] } : {}),
  };
}

export function createInferHandler(deps: () => InferDeps) {
  return (request: Request, ctx: { params: Promise<{ netuid: string }> }): Promise<Response> =>
    handle(async () => {
      const d = deps();
      const netuid = netuidParam.parse((await ctx.params).netuid);
      let address: string;
      try {
        address = (await requireSession(request, d.kv)).address.toLowerCase();
      } catch (err) {
        if (err instanceof AuthError) throw new ApiError("UNAUTHORIZED", err.message);
        throw err;
      }
      const budget = await d.limiter.limit(address);
      if (!budget.allowed) {
        const retry = Math.ceil(budget.resetMs / 1000);
        throw new ApiError("RATE_LIMITED", `too many inference requests: try again in ${retry} s`, {
          "retry-after": String(retry),
        });
      }
      const body = bodySchema.parse(await readJson(request, MAX_INFER_BODY));
      let mg: MetagraphJson;
      try {
        mg = await d.metagraph(netuid);
      } catch (err) {
        throw new ApiError("NOT_FOUND", `subnet ${netuid}: ${(err as Error).message.split("\n")[0]}`);
      }
      const model = await bestModel(d.prisma, netuid, mg);
      if (model === null)
        throw new ApiError("UNAVAILABLE", `no miner on subnet ${netuid} has published a model`);
      const { id } = await d.queue.enqueue(
        "infer",
        {
          modelHash: model.modelHash as `0x${string}`,
          ...(model.modelUri ? { modelUri: model.modelUri } : {}),
          inputs: body.inputs,
          ...(body.outputs ? { outputs: body.outputs } : {}),
        },
        { priority: INFER_PRIORITY, maxAttempts: 2, netuid },
      );
      const job = await waitForJob(d, id);
      const served = { jobId: id, netuid, uid: model.uid, hotkey: model.hotkey, modelHash: model.modelHash };
      if (job === null)
        throw new ApiError(
          "UNAVAILABLE",
          `no worker answered within ${d.timeoutMs} ms (job ${id} stays queued)`,
        );
      if (job.status !== "succeeded")
        throw new ApiError(
          "UNAVAILABLE",
          `the inference job ${job.status}: ${job.error ?? "no reason given"}`,
        );
      const result = job.result as InferResult;
      if (result.status !== "ok") {
        return json(
          { ...served, status: "failed", reason: result.reason ?? "the model failed" },
          { status: 422 },
        );
      }
      return json({
        ...served,
        status: "ok",
        outputs: result.outputs,
        ...(result.provider ? { provider: result.provider } : {}),
        durationMs: result.durationMs,
      });
    });
}

const TERMINAL = new Set(["succeeded", "failed", "dead"]);

async function waitForJob(d: InferDeps, id: string) {
  const until = Date.now() + d.timeoutMs;
  for (;;) {
    const job = await d.prisma.job.findUnique({
      where: { id },
      select: { status: true, result: true, error: true },
    });
    if (job !== null && TERMINAL.has(job.status)) return job;
    const left = until - Date.now();
    if (left <= 0) return null;
    // Woken at once when this process records the result; the poll covers other instances.
    await untilFinished(id, Math.min(left, d.pollMs ?? 50));
  }
}
