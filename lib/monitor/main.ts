// `tsx lib/monitor/main.ts`: the long-running network monitor (next to the app and the
// indexer). Applies migrations first; SIGINT/SIGTERM stop it after the check in flight.
import { getPrisma } from "@/lib/db/client";
import { getConfig } from "@/lib/config";
import { migrate } from "@/lib/db/migrate";
import { defaultMonitorDeps } from "./deps";
import { runMonitor } from "./run";

async function main(): Promise<void> {
  await migrate(getConfig().db.url);
  const deps = defaultMonitorDeps();
  const ctl = new AbortController();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => ctl.abort());
  console.log(
    `[monitor] watching ${deps.config.nodes.map((n) => `${n.name} (${n.url})`).join(", ")} every ${deps.config.intervalMs} ms` +
      (deps.config.webhook ? `, alerts to ${new URL(deps.config.webhook.url).origin}` : ""),
  );
  await runMonitor({ deps, signal: ctl.signal });
  await getPrisma().$disconnect();
}

main().catch((err: unknown) => {
  console.error(`[monitor] stopped: ${(err as Error).message}`);
  process.exit(1);
});
