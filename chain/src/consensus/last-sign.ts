// Last-sign state: the highest (height, round, step) this validator signed, with the digest and
// signature. Consulted before every signature, persisted (atomically, synced) before the
// signature leaves the node, so that after a crash — even one that lost the WAL — the validator
// refuses to sign a different value where it already signed, or anything older.
import {
  closeSync,
  constants,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  openSync,
  readFileSync,
  writeSync,
} from "node:fs";
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

/** Order of two states by (height, round, step). */
function compareHrs(a: LastSignState, b: LastSignState): number {
  return a.height !== b.height
    ? a.height - b.height
    : a.round !== b.round
      ? a.round - b.round
      : a.step - b.step;
}

/**
 * File store: two checksummed slots of one record each, written in place alternately (the new
 * record over the older slot, then one fdatasync), so a torn write leaves the other slot — the
 * previous state, whose signature is the only one that can have left the node — intact. Load
 * takes the valid slot with the later (height, round, step). One sync per save, no rename or
 * directory sync (only when the file is first created). A one-record file (the former format)
 * is slot 0. A missing file means "never signed"; a file without a valid slot stops the
 * validator (LastSignCorruptError) rather than risk a double sign.
 */
export class FileLastSignStore implements LastSignStore {
  /** Slot holding the newest record, once known. */
  private newest: 0 | 1 | null = null;
  constructor(readonly path: string) {}
  load(): LastSignState | null {
    let buf: Uint8Array;
    try {
      buf = readFileSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    const a = buf.length >= SIZE ? decodeLastSign(buf.subarray(0, SIZE)) : null;
    const b = buf.length >= 2 * SIZE ? decodeLastSign(buf.subarray(SIZE, 2 * SIZE)) : null;
    if (!a && !b) throw new LastSignCorruptError(this.path);
    this.newest = !b || (a && compareHrs(a, b) > 0) ? 0 : 1;
    return this.newest === 0 ? a : b;
  }
  save(state: LastSignState): void {
    let created = false;
    if (this.newest === null) {
      try {
        this.load();
      } catch (err) {
        if (!(err instanceof LastSignCorruptError)) throw err;
      }
      created = this.newest === null && !existsSync(this.path);
    }
    const slot = this.newest === 0 ? 1 : 0;
    const fd = openSync(this.path, constants.O_RDWR | constants.O_CREAT, 0o600);
    try {
      const bytes = encodeLastSign(state);
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off, slot * SIZE + off);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (created) {
      const dfd = openSync(dirname(this.path), "r");
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
    }
    this.newest = slot;
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
