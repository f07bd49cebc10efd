// Durable state of the BFT driver beside the chain database:
//  - CertificateStore: the commit certificate of every finalised height (served over RPC and to
//    syncing peers). Written before the block is committed, so a committed block always has its
//    certificate; a crash in between leaves a certificate for a height that is simply re-committed.
//  - PendingBlocks: the block bytes of the current height's proposals. The WAL logs proposals by
//    hash only; after a crash the replay needs the blocks to validate or re-propose a locked one.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ClassicLevel } from "classic-level";
import { decodeCommitCertificate, encodeCommitCertificate } from "../../consensus/types.js";
import type { CommitCertificate, Hex } from "../../consensus/types.js";

function heightKey(h: number): Uint8Array {
  const k = new Uint8Array(8);
  new DataView(k.buffer).setBigUint64(0, BigInt(h));
  return k;
}

export class CertificateStore {
  private constructor(private readonly db: ClassicLevel<Uint8Array, Uint8Array>) {}

  static async open(dir: string): Promise<CertificateStore> {
    mkdirSync(dir, { recursive: true });
    const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    await db.open();
    return new CertificateStore(db);
  }

  async put(cert: CommitCertificate): Promise<void> {
    await this.db.put(heightKey(cert.height), encodeCommitCertificate(cert), { sync: true });
  }

  async get(height: number): Promise<CommitCertificate | undefined> {
    const v = await this.db.get(heightKey(height));
    return v === undefined ? undefined : decodeCommitCertificate(v);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

export class PendingBlocks {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  save(height: number, hash: Hex, bytes: Uint8Array): void {
    const file = path.join(this.dir, `${height}-${hash}`);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  }

  /** Blocks saved for `height`, by hash. */
  load(height: number): Map<Hex, Uint8Array> {
    const out = new Map<Hex, Uint8Array>();
    for (const name of readdirSync(this.dir)) {
      const m = /^(\d+)-(0x[0-9a-f]{64})$/.exec(name);
      if (m && Number(m[1]) === height) out.set(m[2] as Hex, readFileSync(path.join(this.dir, name)));
    }
    return out;
  }

  /** Forget blocks of heights up to and including `height` (they are committed or moot). */
  prune(height: number): void {
    for (const name of readdirSync(this.dir)) {
      const m = /^(\d+)-/.exec(name);
      if (m && Number(m[1]) <= height) rmSync(path.join(this.dir, name), { force: true });
    }
  }
}
