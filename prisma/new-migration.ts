// `tsx prisma/new-migration.ts <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// with the SQL that takes the schema of the latest migration to prisma/schema.prisma.
//
// Why this script: with a driver adapter, Prisma 6.19 cannot diff from the migrations
// directory or from a live database (shadow database / introspection are unsupported), but
// it can diff two schema files offline. So each migration directory keeps the schema.prisma
// it was generated from, and the next migration is the diff from that snapshot. The Prisma
// CLI needs a reachable database even for a file-to-file diff; an in-memory embedded one is
// started for the occasion.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startEmbeddedDatabase } from "../lib/db/embedded";
import { childEnv } from "../scripts/env";

const root = path.resolve(import.meta.dirname, "..");
const migrationsDir = path.join(root, "prisma", "migrations");
const schema = path.join(root, "prisma", "schema.prisma");

async function main(): Promise<void> {
  const name = process.argv[2];
  if (name === undefined || !/^[a-z0-9_]{1,60}$/.test(name)) {
    throw new Error("usage: tsx prisma/new-migration.ts <name> (lowercase letters, digits, _)");
  }
  const previous = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .at(-1);
  const from = previous === undefined ? undefined : path.join(migrationsDir, previous, "schema.prisma");
  if (from !== undefined && !existsSync(from))
    throw new Error(`${previous} has no schema.prisma snapshot to diff from`);

  const db = await startEmbeddedDatabase({ dataDir: null, port: 0 });
  try {
    const args = [
      "prisma",
      "migrate",
      "diff",
      ...(from ? ["--from-schema-datamodel", from] : ["--from-empty"]),
      "--to-schema-datamodel",
      schema,
      "--script",
    ];
    // Asynchronously: the embedded server runs in this process and must keep serving the CLI.
    const sql = await promisify(execFile)("npx", args, {
      cwd: root,
      env: childEnv({ DATABASE_URL: db.url }),
      maxBuffer: 64 << 20,
    }).then(
      (r) => r.stdout,
      (err: { stderr?: string; message: string }) => {
        throw new Error(`prisma migrate diff failed:\n${err.stderr ?? err.message}`);
      },
    );
    if (!/^\s*(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)/im.test(sql)) {
      console.log("prisma/schema.prisma matches the latest migration: nothing to do");
      return;
    }
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(migrationsDir, `${stamp}_${name}`);
    mkdirSync(dir);
    writeFileSync(path.join(dir, "migration.sql"), sql);
    copyFileSync(schema, path.join(dir, "schema.prisma"));
    console.log(`wrote ${path.relative(root, dir)}/migration.sql: review it, then run the tests`);
  } finally {
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
