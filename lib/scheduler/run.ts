// Starts the validator scheduler from the configuration (VALIDATOR_PRIVATE_KEY and
// SCHEDULER_* in lib/jobs/config.ts) on the app's database, queue and node; the app server
// (scripts/app-server.ts) calls it. Returns null when no validator key is configured.
import { getConfig } from "@/lib/config";
import { getTensorchainDevnet } from "@/lib/chain/rpc";
import { getPrisma } from "@/lib/db/client";
import { getJobsConfig } from "@/lib/jobs/config";
import { getJobQueue } from "@/lib/jobs/queue";
import { createValidatorChain } from "./chain";
import { ValidatorScheduler } from "./scheduler";

export function startValidatorScheduler(): ValidatorScheduler | null {
  const { scheduler } = getJobsConfig();
  if (scheduler.validatorPrivateKey === undefined) return null;
  const cfg = getConfig();
  const chain = createValidatorChain({
    rpcUrl: cfg.chain.rpcUrl,
    chain: getTensorchainDevnet(),
    privateKey: scheduler.validatorPrivateKey,
    timeoutMs: Math.max(cfg.chain.rpcTimeoutMs, 30_000),
  });
  const s = new ValidatorScheduler({
    prisma: getPrisma(),
    queue: getJobQueue(),
    chain,
    ...(scheduler.netuids ? { netuids: scheduler.netuids } : {}),
  });
  s.start(scheduler.intervalMs);
  return s;
}
