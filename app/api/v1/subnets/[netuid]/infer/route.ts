// POST /api/v1/subnets/{netuid}/infer — run a request on the subnet's best-ranked miner model
// (signed in with SIWE, rate-limited per wallet); lib/jobs/infer.ts has the contract.
import { getPublicClient } from "@/lib/chain/rpc";
import { getPrisma } from "@/lib/db/client";
import { getJobsConfig } from "@/lib/jobs/config";
import { createInferHandler } from "@/lib/jobs/infer";
import { getJobQueue } from "@/lib/jobs/queue";
import { getKv } from "@/lib/kv/client";
import { createRateLimiter, type RateLimiter } from "@/lib/kv/rate-limit";
import type { MetagraphJson } from "@/lib/scheduler/chain";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

let limiter: RateLimiter | undefined;

export const POST = createInferHandler(() => {
  const { infer } = getJobsConfig();
  const kv = getKv();
  limiter ??= createRateLimiter(kv, { name: "infer", points: infer.ratePerMinute, windowSeconds: 60 });
  return {
    prisma: getPrisma(),
    kv,
    queue: getJobQueue(),
    limiter,
    timeoutMs: infer.timeoutMs,
    metagraph: (netuid) =>
      getPublicClient().request({
        method: "tensorchain_getMetagraph" as never,
        params: [netuid] as never,
      }) as Promise<MetagraphJson>,
  };
});
