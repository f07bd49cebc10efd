// Last-sign state: the highest (height, round, step) this validator signed, with the digest and
// signature. Consulted before every signature, persisted (atomically, fsynced) before the
// signature leaves the node, so that after a crash — even one that lost the WAL — the validator
// refuses to sign a different value where it already signed, or anything older.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { crc32 } from "node:zlib";
import { equalBytes, SIGNATURE_LENGTH } from "./types.js";

export interface LastSignState {
  height: number;
  round: number;
  /** Step code (types.ts Step): propose 1, prevote 2, precommit 3. */
  step: number;
  /** keccak256 of the sign bytes: identifies the exact value (type, hash, polRound). */
  digest: Uint8Array;
  signature: Uint8Array;
}

export interface LastSignStore {
  load(): LastSignState | null;
  save(state: LastSignState): void;
}

export class LastSignCorruptError extends Error {
  constructor(path: string) {
    super(
      `last-sign state ${path} is corrupt; refusing to sign (restore it or remove it only if this key never signed)`,
    );
    this.name = "LastSignCorruptError";
  }
}

export type SignDecision =
  { kind: "sign" } | { kind: "reuse"; signature: Uint8Array } | { kind: "refuse"; reason: string };

/** CometBFT's privval rule: strictly later → sign; same HRS and same bytes → reuse; else refuse. */
export function checkLastSign(
  last: LastSignState | null,
  height: number,
  round: number,
  step: number,
  digest: Uint8Array,
): SignDecision {
  if (!last) return { kind: "sign" };
  const cmp =
    height !== last.height
      ? height - last.height
      : round !== last.round
        ? round - last.round
        : step - last.step;
  if (cmp > 0) return { kind: "sign" };
  if (cmp < 0)
    return { kind: "refuse", reason: `already signed at ${last.height}/${last.round}/${last.step}` };
  if (equalBytes(digest, last.digest)) return { kind: "reuse", signature: last.signature };
  return { kind: "refuse", reason: `conflicting value at ${height}/${round}/${step}` };
}

const VERSION = 1;
const SIZE = 1 + 8 + 4 + 1 + 32 + SIGNATURE_LENGTH + 4;

export function encodeLastSign(s: LastSignState): Uint8Array {
  const buf = new Uint8Array(SIZE);
  const view = new DataView(buf.buffer);
  view.setUint8(0, VERSION);
  view.setBigUint64(1, BigInt(s.height));
  view.setUint32(9, s.round);
  view.setUint8(13, s.step);
  buf.set(s.digest, 14);
  buf.set(s.signature, 46);
  view.setUint32(SIZE - 4, crc32(buf.subarray(0, SIZE - 4)));
  return buf;
}

/** null when the bytes are not a whole, checksummed record. */
export function decodeLastSign(buf: Uint8Array): LastSignState | null {
  if (buf.length !== SIZE || buf[0] !== VERSION) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (crc32(buf.subarray(0, SIZE - 4)) !== view.getUint32(SIZE - 4)) return null;
  return {
    height: Number(view.getBigUint64(1)),
    round: view.getUint32(9),
    step: view.getUint8(13),
    digest: new Uint8Array(buf.subarray(14, 46)),
    signature: new Uint8Array(buf.subarray(46, 46 + SIGNATURE_LENGTH)),
  };
}

/**
 * File store: written to a temp file, fsynced, renamed over the old one, directory fsynced, so
 * the file is always the old or the new record, never a mix. A missing file means "never signed";
 * an unreadable one stops the validator (LastSignCorruptError) rather than risk a double sign.
 */
export class FileLastSignStore implements LastSignStore {
  constructor(readonly path: string) {}
  load(): LastSignState | null {
    let buf: Uint8Array;
    try {
      buf = readFileSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    const s = decodeLastSign(buf);
    if (!s) throw new LastSignCorruptError(this.path);
    return s;
  }
  save(state: LastSignState): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, encodeLastSign(state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    const dfd = openSync(dirname(this.path), "r");
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  }
}

/** Survives simulated crashes because the simulator keeps the object across restarts. */
export class MemoryLastSignStore implements LastSignStore {
  private state: LastSignState | null = null;
  load(): LastSignState | null {
    return this.state;
  }
  save(state: LastSignState): void {
    this.state = { ...state, digest: state.digest.slice(), signature: state.signature.slice() };
  }
}
