// The app's Prisma client. App code always talks Postgres over the wire through
// @prisma/adapter-pg (the embedded PGlite server or a real Postgres); the query compiler is
// JavaScript/WebAssembly, so no engine binary is involved.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { getConfig } from "@/lib/config";
import { parseDatabaseUrl, pgConnectionConfig } from "./url";

export interface CreatePrismaOptions {
  /** postgresql:// URL; `?schema=` selects the schema. */
  url: string;
  /** Most connections the pool opens. */
  poolMax: number;
}

export function createPrisma(opts: CreatePrismaOptions): PrismaClient {
  const target = parseDatabaseUrl(opts.url);
  const adapter = new PrismaPg(
    { ...pgConnectionConfig(target), max: opts.poolMax, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 },
    target.schema === undefined ? undefined : { schema: target.schema },
  );
  return new PrismaClient({ adapter });
}

// One client per process. Kept on globalThis because Next.js dev re-evaluates modules on every
// edit, and each evaluation would otherwise open a new pool.
const globalForPrisma = globalThis as typeof globalThis & { __tensorchainPrisma?: PrismaClient };

/** The process-wide client for the configured database (DATABASE_URL or the embedded one). */
export function getPrisma(): PrismaClient {
  if (globalForPrisma.__tensorchainPrisma === undefined) {
    const { db } = getConfig();
    globalForPrisma.__tensorchainPrisma = createPrisma({ url: db.url, poolMax: db.poolMax });
  }
  return globalForPrisma.__tensorchainPrisma;
}
