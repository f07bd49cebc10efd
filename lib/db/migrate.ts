// Applies prisma/migrations/*/migration.sql in name order, each exactly once, to a Postgres
// database (the embedded PGlite server or a real one).
//
// It is what the launcher and tests call in-process (no CLI child process, no prisma.config.ts
// loading). It keeps Prisma's own `_prisma_migrations` table layout and checksums, so
// `prisma migrate status` / `prisma migrate deploy` (through prisma/cli-adapter.ts) agree with
// it in both directions, and does what deploy does: an advisory lock (Prisma's key) against
// concurrent runs, and a refusal to go on after a failed or edited migration. Each migration
// runs in one transaction (Postgres DDL is transactional), so a failure leaves nothing
// half-applied; a migration that cannot run in a transaction (ALTER TYPE ... ADD VALUE used
// in the same migration) must be split.
//
// CLI: `tsx lib/db/migrate.ts` migrates the configured database (DATABASE_URL, or the embedded
// one under DATA_DIR, started for the occasion).
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import { parseDatabaseUrl, pgConnectionConfig } from "./url";

/** Same key as Prisma's migrate, so our applier and Prisma's never run at the same time. */
const ADVISORY_LOCK_KEY = 72707369;

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

export class MigrationError extends Error {
  override name = "MigrationError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface Migration {
  name: string;
  sql: string;
  /** sha256 of the file, hex: Prisma's checksum. */
  checksum: string;
}

export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(path.join(dir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: createHash("sha256").update(bytes).digest("hex") };
    }),
  );
}

export interface MigrateResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations that were already there. */
  skipped: string[];
}

/** Brings the database at `url` (honouring `?schema=`) up to the latest migration. */
export async function migrate(url: string, opts: { migrationsDir?: string } = {}): Promise<MigrateResult> {
  const migrations = await readMigrations(opts.migrationsDir);
  const target = parseDatabaseUrl(url);
  const client = new pg.Client(pgConnectionConfig(target));
  try {
    await client.connect();
  } catch (err) {
    throw new MigrationError(`cannot connect to the database: ${(err as Error).message}`, { cause: err });
  }
  try {
    if (target.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`);
    await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
    try {
      return await applyPending(client, migrations);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function applyPending(client: pg.Client, migrations: Migration[]): Promise<MigrateResult> {
  await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`);
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
  );
  const done = new Map<string, AppliedRow>();
  for (const row of rows) {
    if (row.finished_at === null) {
      throw new MigrationError(
        `migration ${row.migration_name} failed earlier and is not marked rolled back; fix the database, then mark it (prisma migrate resolve)`,
      );
    }
    done.set(row.migration_name, row);
  }
  const known = new Set(migrations.map((m) => m.name));
  const unknown = [...done.keys()].filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new MigrationError(`the database has migrations this code does not know: ${unknown.join(", ")} (is the code older than the database?)`);
  }

  const result: MigrateResult = { applied: [], skipped: [] };
  for (const m of migrations) {
    const row = done.get(m.name);
    if (row !== undefined) {
      if (row.checksum !== m.checksum) {
        throw new MigrationError(`migration ${m.name} was edited after it was applied; add a new migration instead`);
      }
      result.skipped.push(m.name);
      continue;
    }
    try {
      await client.query("BEGIN");
      await client.query(m.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), now(), 1)`,
        [randomUUID(), m.checksum, m.name],
      );
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw new MigrationError(`migration ${m.name} failed and was rolled back: ${(err as Error).message}`, { cause: err });
    }
    result.applied.push(m.name);
  }
  return result;
}

async function main(): Promise<void> {
  const { getConfig } = await import("@/lib/config");
  const { startEmbeddedDatabase } = await import("./embedded");
  const { db } = getConfig();
  // The embedded server may already be up (npm start); otherwise start it for this run.
  const up = await canConnect(db.url);
  const embedded = db.embedded && !up ? await startEmbeddedDatabase({ dataDir: db.embeddedDataDir, port: db.embeddedPort }) : undefined;
  try {
    const res = await migrate(embedded?.url ?? db.url);
    for (const name of res.applied) console.log(`applied ${name}`);
    console.log(`database is up to date (${res.applied.length} applied, ${res.skipped.length} already there)`);
  } finally {
    await embedded?.stop();
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ ...pgConnectionConfig(parseDatabaseUrl(url)), connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? `db:migrate: ${err.message}` : err);
    process.exit(1);
  });
}
