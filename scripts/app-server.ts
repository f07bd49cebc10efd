// The app side of `npm start`: the embedded database (PGlite served as Postgres, unless
// DATABASE_URL points at a real server), its migrations, the indexer loop, and the Next.js
// app, the validator scheduler and its worker keys. Started by scripts/start.ts with
// CHAIN_RPC_URL / APP_PORT / EMBEDDED_DB_PORT / DATA_DIR / VALIDATOR_PRIVATE_KEY /
// VALIDATOR_WORKER_ADDRESSES.
import "../chain/src/util/polyfills.js";
import { spawn } from "node:child_process";
import path from "node:path";
import { getConfig } from "../lib/config";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "../lib/db/embedded";
import { getPrisma } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { getJobsConfig } from "../lib/jobs/config";
import { registerWorkerKeysForValidator } from "../lib/jobs/worker-keys";
import { startIndexerLoop } from "../lib/indexer/loop";
import { defaultMonitorDeps } from "../lib/monitor/deps";
import { runMonitor } from "../lib/monitor/run";
import { startValidatorScheduler } from "../lib/scheduler/run";
import { childEnv } from "./env";

const root = path.resolve(import.meta.dirname, "..");

async function main(): Promise<void> {
  const cfg = getConfig();
  let db: EmbeddedDatabase | undefined;
  if (cfg.db.embedded) {
    db = await startEmbeddedDatabase({ dataDir: cfg.db.embeddedDataDir, port: cfg.db.embeddedPort });
    console.log(`embedded database (PGlite) at ${db.url.replace(/:[^:@/]+@/, ":***@")}`);
  }
  const applied = await migrate(cfg.db.url);
  console.log(`database migrated (${JSON.stringify(applied)})`);

  const stops: (() => Promise<void>)[] = [];
  const indexer = await startIndexerLoop();
  stops.push(() => indexer.stop());
  console.log("indexer following the chain head");

  // The network monitor (/network): node health, alerts, optional webhook.
  const monitorAbort = new AbortController();
  const monitorDeps = defaultMonitorDeps();
  const monitor = runMonitor({ deps: monitorDeps, signal: monitorAbort.signal }).catch((err: unknown) =>
    console.error(`[monitor] stopped: ${(err as Error).message}`),
  );
  stops.push(async () => {
    monitorAbort.abort();
    await monitor;
  });
  console.log(`network monitor watching ${monitorDeps.config.nodes.map((n) => n.url).join(", ")}`);

  // Worker keys named by VALIDATOR_WORKER_ADDRESSES (npm start's dev worker), registered for
  // the validator of VALIDATOR_PRIVATE_KEY before any worker polls.
  const { scheduler: sched } = getJobsConfig();
  if (sched.validatorPrivateKey !== undefined && sched.workerAddresses.length > 0) {
    const keys = await registerWorkerKeysForValidator(
      getPrisma(),
      sched.validatorPrivateKey,
      sched.workerAddresses,
    );
    console.log(
      `worker key${keys.length > 1 ? "s" : ""} ${keys.map((k) => k.address).join(", ")} registered`,
    );
  }

  // The validator scheduler (lib/scheduler), when VALIDATOR_PRIVATE_KEY names a validator hotkey.
  const scheduler = startValidatorScheduler();
  if (scheduler !== null) {
    stops.push(() => scheduler.stop());
    console.log(`validator scheduler running for ${scheduler.hotkey}`);
  }

  const next = spawn(
    process.execPath,
    [
      path.join(root, "node_modules", "next", "dist", "bin", "next"),
      "dev",
      "--webpack",
      "-p",
      String(cfg.app.port),
      "-H",
      "127.0.0.1",
    ],
    { cwd: root, stdio: "inherit", env: childEnv({ DATABASE_URL: cfg.db.url }) },
  );
  console.log(`app at http://127.0.0.1:${cfg.app.port}`);

  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (next.exitCode === null) next.kill("SIGTERM");
    await new Promise<void>((resolve) =>
      next.exitCode !== null ? resolve() : next.once("exit", () => resolve()),
    );
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await db?.stop();
    process.exit(code);
  };
  next.on("exit", (code) => void stop(code ?? 0));
  process.on("SIGTERM", () => void stop(0));
  process.on("SIGINT", () => void stop(0));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
