// Prisma CLI configuration (`prisma generate`, `prisma migrate diff`, `prisma studio`).
// Everything runs without downloaded engines: the client uses the JS query compiler
// (engineType = "client") and the schema engine is the bundled WebAssembly one, talking to the
// database through the driver adapter (see prisma/cli-adapter.ts for the one workaround).
// The app and the launcher apply migrations with lib/db/migrate.ts (same _prisma_migrations
// table and checksums), so `prisma migrate status` and `prisma migrate deploy` agree with it.
import { defineConfig } from "prisma/config";
import { getConfig } from "./lib/config";
import { cliAdapter } from "./prisma/cli-adapter";

const { db } = getConfig();
// schema.prisma's datasource reads env("DATABASE_URL") during validation even though the
// adapter below is what connects; give it the resolved URL (the embedded one by default).
process.env.DATABASE_URL ??= db.url;

export default defineConfig({
  experimental: { adapter: true },
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  engine: "js",
  adapter: async () => cliAdapter(db.url),
});
