// Write-ahead log of the current height's consensus inputs and own signed messages, so a
// restarted validator replays into exactly the state it crashed in (and re-derives exactly the
// votes it had signed). One file, reset at every new height (the committed block and its
// certificate are in the block store by then).
//
// Record: u32 BE payload length ‖ u32 BE crc32(payload) ‖ payload; payload = u8 kind ‖ body.
// A record that runs past the end of the file or fails its checksum at the tail is a torn write
// from a crash and is cut off; a bad record followed by more data is corruption and is an error.
import { closeSync, fdatasyncSync, ftruncateSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { crc32 } from "node:zlib";
import type { CommitCertificate, Hex, Proposal, StepName, Vote } from "./types.js";
import {
  ConsensusEncodingError,
  Step,
  bytesToHex,
  decodeCommitCertificate,
  decodeProposal,
  decodeVote,
  encodeCommitCertificate,
  encodeProposal,
  encodeVote,
  hexToBytes,
} from "./types.js";

export type WalEntry =
  | { kind: "height"; height: number }
  | { kind: "proposal"; proposal: Proposal }
  | { kind: "vote"; vote: Vote }
  | { kind: "own-proposal"; proposal: Proposal }
  | { kind: "own-vote"; vote: Vote }
  | { kind: "timeout"; height: number; round: number; step: StepName }
  | { kind: "block-validated"; height: number; blockHash: Hex; valid: boolean }
  | { kind: "block-ready"; height: number; round: number; blockHash: Hex }
  | { kind: "certificate"; certificate: CommitCertificate };

export class WalCorruptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WalCorruptError";
  }
}

/** Byte storage under the WAL: a file in the node, memory (with simulated crashes) in tests. */
export interface WalStorage {
  readAll(): Uint8Array;
  append(bytes: Uint8Array): void;
  /** Make everything appended so far durable. */
  sync(): void;
  truncate(length: number): void;
  close(): void;
}

const KIND = {
  height: 0,
  proposal: 1,
  vote: 2,
  timeout: 3,
  "block-validated": 4,
  "block-ready": 5,
  certificate: 6,
  "own-proposal": 0x11,
  "own-vote": 0x12,
} as const;
const STEP_BY_CODE: Record<number, StepName> = {
  [Step.propose]: "propose",
  [Step.prevote]: "prevote",
  [Step.precommit]: "precommit",
};
const HEADER = 8;
/** Larger than any record we write; a bigger length field is garbage. */
const MAX_RECORD = 1 << 16;

function body(kind: number, size: number): { buf: Uint8Array; view: DataView } {
  const buf = new Uint8Array(1 + size);
  buf[0] = kind;
  return { buf, view: new DataView(buf.buffer) };
}

export function encodeWalEntry(e: WalEntry): Uint8Array {
  switch (e.kind) {
    case "height": {
      const { buf, view } = body(KIND.height, 8);
      view.setBigUint64(1, BigInt(e.height));
      return buf;
    }
    case "proposal":
    case "own-proposal": {
      const p = encodeProposal(e.proposal);
      const { buf } = body(KIND[e.kind], p.length);
      buf.set(p, 1);
      return buf;
    }
    case "vote":
    case "own-vote": {
      const v = encodeVote(e.vote);
      const { buf } = body(KIND[e.kind], v.length);
      buf.set(v, 1);
      return buf;
    }
    case "timeout": {
      const { buf, view } = body(KIND.timeout, 13);
      view.setBigUint64(1, BigInt(e.height));
      view.setUint32(9, e.round);
      view.setUint8(13, Step[e.step]);
      return buf;
    }
    case "block-validated": {
      const { buf, view } = body(KIND["block-validated"], 41);
      view.setBigUint64(1, BigInt(e.height));
      buf.set(hexToBytes(e.blockHash), 9);
      view.setUint8(41, e.valid ? 1 : 0);
      return buf;
    }
    case "block-ready": {
      const { buf, view } = body(KIND["block-ready"], 44);
      view.setBigUint64(1, BigInt(e.height));
      view.setUint32(9, e.round);
      buf.set(hexToBytes(e.blockHash), 13);
      return buf;
    }
    case "certificate": {
      const c = encodeCommitCertificate(e.certificate);
      const { buf } = body(KIND.certificate, c.length);
      buf.set(c, 1);
      return buf;
    }
  }
}

export function decodeWalEntry(p: Uint8Array): WalEntry {
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const need = (n: number): void => {
    if (p.length !== 1 + n)
      throw new ConsensusEncodingError(`WAL record of kind ${p[0]} has the wrong length`);
  };
  const height = (): number => Number(view.getBigUint64(1));
  switch (p[0]) {
    case KIND.height:
      need(8);
      return { kind: "height", height: height() };
    case KIND.proposal:
      return { kind: "proposal", proposal: decodeProposal(p.subarray(1)) };
    case KIND["own-proposal"]:
      return { kind: "own-proposal", proposal: decodeProposal(p.subarray(1)) };
    case KIND.vote:
      return { kind: "vote", vote: decodeVote(p.subarray(1)) };
    case KIND["own-vote"]:
      return { kind: "own-vote", vote: decodeVote(p.subarray(1)) };
    case KIND.timeout: {
      need(13);
      const step = STEP_BY_CODE[view.getUint8(13)];
      if (!step) throw new ConsensusEncodingError("WAL timeout record has an unknown step");
      return { kind: "timeout", height: height(), round: view.getUint32(9), step };
    }
    case KIND["block-validated"]:
      need(41);
      return {
        kind: "block-validated",
        height: height(),
        blockHash: bytesToHex(p.subarray(9, 41)),
        valid: view.getUint8(41) === 1,
      };
    case KIND["block-ready"]:
      need(44);
      return {
        kind: "block-ready",
        height: height(),
        round: view.getUint32(9),
        blockHash: bytesToHex(p.subarray(13, 45)),
      };
    case KIND.certificate:
      return { kind: "certificate", certificate: decodeCommitCertificate(p.subarray(1)) };
    default:
      throw new ConsensusEncodingError(`unknown WAL record kind ${p[0]}`);
  }
}

export function frameRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length);
  view.setUint32(4, crc32(payload));
  out.set(payload, HEADER);
  return out;
}

/** Parse framed records; returns the entries and the byte length of the valid prefix. */
export function parseWal(bytes: Uint8Array): { entries: WalEntry[]; validLength: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: WalEntry[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (pos + HEADER > bytes.length) break; // torn header
    const len = view.getUint32(pos);
    const end = pos + HEADER + len;
    if (len === 0 || len > MAX_RECORD || end > bytes.length) {
      // A length that reaches past the end is a torn tail; an absurd length with data after it
      // cannot be told from a torn length field either, since nothing follows a torn write.
      break;
    }
    const payload = bytes.subarray(pos + HEADER, end);
    if (crc32(payload) !== view.getUint32(pos + 4)) {
      if (end === bytes.length) break; // torn last record
      throw new WalCorruptError(`WAL record at offset ${pos} fails its checksum and is not the last record`);
    }
    try {
      entries.push(decodeWalEntry(payload));
    } catch (err) {
      throw new WalCorruptError(`WAL record at offset ${pos} is malformed: ${(err as Error).message}`);
    }
    pos = end;
  }
  return { entries, validLength: pos };
}

export class ConsensusWal {
  private constructor(
    private readonly storage: WalStorage,
    private entries: WalEntry[],
  ) {}

  /** Read the log, cut a torn tail off, and keep it open for appends. */
  static open(storage: WalStorage): ConsensusWal {
    const bytes = storage.readAll();
    const { entries, validLength } = parseWal(bytes);
    if (validLength < bytes.length) {
      storage.truncate(validLength);
      storage.sync();
    }
    return new ConsensusWal(storage, entries);
  }

  /** Height the log holds, or null when it holds nothing usable. */
  get height(): number | null {
    const first = this.entries[0];
    return first && first.kind === "height" ? first.height : null;
  }

  /** Entries after the height header, in the order they were appended. */
  replayEntries(): readonly WalEntry[] {
    return this.height === null ? [] : this.entries.slice(1);
  }

  /** Start a new height: empty the log, then write (durably) the height header. */
  reset(height: number): void {
    this.storage.truncate(0);
    this.entries = [];
    this.append({ kind: "height", height });
    this.storage.sync();
  }

  /** Buffered append; call sync() before anything signed leaves the node. */
  append(entry: WalEntry): void {
    this.storage.append(frameRecord(encodeWalEntry(entry)));
    this.entries.push(entry);
  }

  sync(): void {
    this.storage.sync();
  }

  close(): void {
    this.storage.close();
  }
}

export class FileWalStorage implements WalStorage {
  private fd: number;
  constructor(readonly path: string) {
    // "a+": appends always land at the end, and the file is created if missing.
    this.fd = openSync(path, "a+");
  }
  readAll(): Uint8Array {
    const size = fstatSync(this.fd).size;
    const buf = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      const n = readSync(this.fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  }
  append(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }
  sync(): void {
    // fdatasync: the data and the file size (what reading it back needs), not the timestamps.
    fdatasyncSync(this.fd);
  }
  truncate(length: number): void {
    ftruncateSync(this.fd, length);
  }
  close(): void {
    closeSync(this.fd);
  }
}

/**
 * In-memory storage for simulations: bytes appended since the last sync are lost on crash(),
 * optionally leaving a torn prefix of them behind, like a power cut.
 */
export class MemoryWalStorage implements WalStorage {
  private chunks: Uint8Array[] = [];
  /** chunks[0 .. durable) have been synced. */
  private durable = 0;
  readAll(): Uint8Array {
    return concat(this.chunks);
  }
  append(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
  }
  sync(): void {
    this.durable = this.chunks.length;
  }
  truncate(length: number): void {
    const kept = length === 0 ? new Uint8Array(0) : this.readAll().slice(0, length);
    this.chunks = kept.length ? [kept] : [];
    this.durable = this.chunks.length;
  }
  close(): void {}
  /** Drop unsynced bytes, keeping the first `keepUnsynced` of them (a torn write). */
  crash(keepUnsynced = 0): void {
    const unsynced = concat(this.chunks.slice(this.durable));
    this.chunks = this.chunks.slice(0, this.durable);
    if (keepUnsynced > 0) this.chunks.push(unsynced.slice(0, keepUnsynced));
    this.durable = this.chunks.length;
  }
  get unsyncedLength(): number {
    let n = 0;
    for (let i = this.durable; i < this.chunks.length; i++) n += this.chunks[i]!.length;
    return n;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
