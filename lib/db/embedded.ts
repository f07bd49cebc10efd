// The embedded database: PGlite (Postgres compiled to WebAssembly) persisted under
// `.data/pglite` and served on 127.0.0.1 as a Postgres server, so a newcomer's `npm start`
// needs no database install while the app still talks Postgres over the wire.
//
// PGlite is a single backend session; @electric-sql/pglite-socket multiplexes connections onto
// it by queueing their messages, keeps the backend for one connection while that connection
// is inside a transaction, and rolls back a transaction whose client disconnects (db.test.ts
// checks both through Prisma). Session settings (SET ...) are shared by every connection, so
// app code must not rely on them.
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { embeddedDatabaseUrl } from "@/lib/config";
import { isAlive } from "@/chain/src/util/pid";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedDatabaseOptions {
  /** Directory of the PGlite data files; null keeps everything in memory (tests). */
  dataDir: string | null;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
}

export interface EmbeddedDatabase {
  /** postgresql:// URL of the server. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseError extends Error {
  override name = "EmbeddedDatabaseError";
}

/**
 * Connections the server accepts (the library's default is 1). The app, the indexer and the
 * CLI each hold a small pool (DATABASE_POOL_MAX, 4 by default for the embedded database).
 */
const MAX_CONNECTIONS = 64;

/**
 * PGlite has no lock of its own: two processes on one data directory corrupt it. A pid file
 * taken with O_EXCL refuses the second one; a file left by a dead process is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "tensorchain.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(readFileSync(lockFile, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new EmbeddedDatabaseError(
          `the embedded database in ${dataDir} is already open by process ${pid}`,
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new EmbeddedDatabaseError(`could not lock ${lockFile}`);
}

export async function startEmbeddedDatabase(opts: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  let unlock = () => {};
  if (opts.dataDir !== null) {
    mkdirSync(opts.dataDir, { recursive: true });
    unlock = lockDataDir(opts.dataDir);
  }
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(opts.dataDir === null ? {} : { dataDir: opts.dataDir });
    const server = new PGLiteSocketServer({
      db,
      host: "127.0.0.1",
      port: opts.port,
      maxConnections: MAX_CONNECTIONS,
    });
    await server.start().catch((err: NodeJS.ErrnoException) => {
      throw err.code === "EADDRINUSE"
        ? new EmbeddedDatabaseError(
            `port ${opts.port} is already in use: is another embedded database running? (set EMBEDDED_DB_PORT)`,
          )
        : err;
    });
    const port = Number(server.getServerConn().split(":").pop());
    let stopped = false;
    return {
      url: embeddedDatabaseUrl(port),
      port,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await server.stop();
        await db?.close();
        unlock();
      },
    };
  } catch (err) {
    await db?.close().catch(() => undefined);
    unlock();
    throw err;
  }
}
