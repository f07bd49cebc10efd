// Test support (not imported by app code): a migrated database for one test file, either a
// fresh in-memory PGlite served over the wire like the embedded default, or a fresh schema on
// the Postgres named by TEST_DATABASE_URL, dropped afterwards.
import pg from "pg";
import type { PrismaClient } from "@prisma/client";
import { createPrisma } from "@/lib/db/client";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  stop(): Promise<void>;
}

export async function startTestPglite(poolMax = 4): Promise<TestDatabase> {
  const db = await startEmbeddedDatabase({ dataDir: null, port: 0 });
  await migrate(db.url);
  const prisma = createPrisma({ url: db.url, poolMax });
  return {
    url: db.url,
    prisma,
    stop: async () => {
      await prisma.$disconnect();
      await db.stop();
    },
  };
}

export async function startTestPostgres(baseUrl: string, poolMax = 8): Promise<TestDatabase> {
  const schema = `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const u = new URL(baseUrl);
  u.searchParams.set("schema", schema);
  const url = u.toString();
  await migrate(url);
  const prisma = createPrisma({ url, poolMax });
  return {
    url,
    prisma,
    stop: async () => {
      await prisma.$disconnect();
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}
