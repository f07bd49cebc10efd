// Database URLs follow Prisma's convention: `?schema=name` selects the Postgres schema
// (tests use a fresh one per run). node-postgres does not know that parameter, so it is taken
// out of the URL and turned into a search_path for raw SQL plus the adapter's schema option.

export interface DatabaseTarget {
  /** The URL without the `schema` parameter, for node-postgres. */
  connectionString: string;
  /** The schema named by `?schema=`, or undefined for the server's default (public). */
  schema: string | undefined;
}

export class DatabaseUrlError extends Error {
  override name = "DatabaseUrlError";
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function parseDatabaseUrl(url: string): DatabaseTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DatabaseUrlError("database URL is not a valid URL");
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
    throw new DatabaseUrlError(`database URL must start with postgresql://, got ${u.protocol}//`);
  }
  const schema = u.searchParams.get("schema") ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new DatabaseUrlError(`schema "${schema}" must be a plain identifier (letters, digits, _)`);
  }
  u.searchParams.delete("schema");
  return { connectionString: u.toString(), schema };
}

/** node-postgres connection settings that put `schema` first on the search_path. */
export function pgConnectionConfig(target: DatabaseTarget): { connectionString: string; options?: string } {
  return target.schema === undefined
    ? { connectionString: target.connectionString }
    : { connectionString: target.connectionString, options: `-c search_path="${target.schema}"` };
}
