// The driver adapter the Prisma CLI (migrate deploy/status/diff, db pull, studio) uses under
// `engine: "js"`: @prisma/adapter-pg with one workaround.
//
// Prisma 6.19.3's WebAssembly schema engine reads the catalog with queries returning columns
// of Postgres type `name` (OID 19), which adapter-pg 6.19.3 does not map, so every migrate
// command fails with "Column type 'name' could not be deserialized from the database". A
// `name` is text on the wire, so its columns are reported as `text` (OID 25) before the
// adapter maps them. This touches adapter-pg's private performIO, which is why both packages
// are pinned to an exact version; the app's own client (lib/db/client.ts) does not use it.
import { PrismaPg } from "@prisma/adapter-pg";
import { parseDatabaseUrl, pgConnectionConfig } from "../lib/db/url";

const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

interface PerformsIO {
  performIO(query: unknown): Promise<{ fields: { dataTypeID: number }[] }>;
  startTransaction?(...args: unknown[]): Promise<unknown>;
}

function reportNameAsText<T>(queryable: T): T {
  const q = queryable as unknown as PerformsIO;
  if (typeof q.performIO !== "function") {
    throw new Error("@prisma/adapter-pg changed: performIO is gone; remove prisma/cli-adapter.ts's workaround if the bug is fixed");
  }
  const performIO = q.performIO.bind(q);
  q.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
    return result;
  };
  if (typeof q.startTransaction === "function") {
    const startTransaction = q.startTransaction.bind(q);
    q.startTransaction = async (...args) => reportNameAsText(await startTransaction(...args));
  }
  return queryable;
}

class CliPrismaPg extends PrismaPg {
  override async connect() {
    return reportNameAsText(await super.connect());
  }
  override async connectToShadowDb() {
    return reportNameAsText(await super.connectToShadowDb());
  }
}

/** Adapter factory for prisma.config.ts, honouring `?schema=` like lib/db/client.ts. */
export function cliAdapter(url: string): PrismaPg {
  const target = parseDatabaseUrl(url);
  return new CliPrismaPg(pgConnectionConfig(target), target.schema === undefined ? undefined : { schema: target.schema });
}
