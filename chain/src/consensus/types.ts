// Consensus data types and their canonical byte encodings: proposals, votes, validator sets and
// commit certificates. Everything here is pure and browser-safe (only @noble/hashes), because the
// light client in chain/src/settlement/ verifies certificates with exactly these sign bytes.
//
// Sign bytes are a fixed layout (no RLP ambiguity), domain-separated by a magic tag and the chain
// id, hashed with keccak-256; the signature is secp256k1 over that digest, 65 bytes r‖s‖recovery.
import { keccak_256 } from "@noble/hashes/sha3";

export type Hex = `0x${string}`;
export type Height = number;
export type Round = number;

/** Steps of one round; the numeric order is the order a validator signs in (last-sign state). */
export const Step = { propose: 1, prevote: 2, precommit: 3 } as const;
export type StepName = keyof typeof Step;
export type StepCode = (typeof Step)[StepName];

export type VoteType = "prevote" | "precommit";

export interface UnsignedProposal {
  height: Height;
  round: Round;
  blockHash: Hex;
  /** Round of the proof-of-lock the proposer re-proposes from, -1 for a fresh block. */
  polRound: number;
  proposer: Hex;
}
export interface Proposal extends UnsignedProposal {
  signature: Uint8Array;
}

export interface UnsignedVote {
  type: VoteType;
  height: Height;
  round: Round;
  /** null = nil vote. */
  blockHash: Hex | null;
  validator: Hex;
}
export interface Vote extends UnsignedVote {
  signature: Uint8Array;
}

export interface Validator {
  /** 20-byte address that identifies the validator (its hotkey), lowercase hex. */
  address: Hex;
  /** Consensus public key, 33-byte compressed secp256k1. */
  pubKey: Uint8Array;
  power: bigint;
  /** Proposer priority (CometBFT weighted round robin), see proposer.ts. */
  priority: bigint;
}

/** Validators sorted by address; immutable once built. */
export interface ValidatorSet {
  validators: readonly Validator[];
  totalPower: bigint;
}

export interface CommitSignature {
  validator: Hex;
  signature: Uint8Array;
}

/** >2/3 of the height's voting power precommitted `blockHash` in `round`. */
export interface CommitCertificate {
  height: Height;
  round: Round;
  blockHash: Hex;
  signatures: CommitSignature[];
}

export class ConsensusEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConsensusEncodingError";
  }
}

// ---------------------------------------------------------------- hex helpers

const HEX_RE = /^0x[0-9a-f]*$/;

// Hex conversion runs for every vote encoded or hashed, so it avoids regexes and substrings.
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function bytesToHex(bytes: Uint8Array): Hex {
  let s = "0x";
  for (let i = 0; i < bytes.length; i++) s += BYTE_HEX[bytes[i]!];
  return s as Hex;
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || hex.charCodeAt(0) !== 48 || (hex.charCodeAt(1) | 32) !== 120)
    throw new ConsensusEncodingError(`invalid hex string: ${hex.slice(0, 20)}`);
  const out = new Uint8Array((hex.length - 2) / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 + 2 * i));
    const lo = nibble(hex.charCodeAt(3 + 2 * i));
    if (hi < 0 || lo < 0) throw new ConsensusEncodingError(`invalid hex string: ${hex.slice(0, 20)}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Lower-case, length-checked hex of `bytes` bytes (addresses: 20, hashes: 32). */
export function normalizeHex(hex: string, bytes: number, what: string): Hex {
  const h = hex.toLowerCase();
  if (!HEX_RE.test(h) || h.length !== 2 + 2 * bytes)
    throw new ConsensusEncodingError(`invalid ${what}: expected ${bytes} bytes of hex`);
  return h as Hex;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

// ---------------------------------------------------------------- fixed-layout writer/reader

class Writer {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }
  u8(v: number): this {
    this.view.setUint8(this.pos, v);
    this.pos += 1;
    return this;
  }
  u32(v: number): this {
    this.view.setUint32(this.pos, v);
    this.pos += 4;
    return this;
  }
  i32(v: number): this {
    this.view.setInt32(this.pos, v);
    this.pos += 4;
    return this;
  }
  u64(v: number | bigint): this {
    this.view.setBigUint64(this.pos, BigInt(v));
    this.pos += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  done(): Uint8Array {
    if (this.pos !== this.buf.length) throw new ConsensusEncodingError("internal: encoder size mismatch");
    return this.buf;
  }
}

class Reader {
  private view: DataView;
  private pos = 0;
  constructor(
    private buf: Uint8Array,
    private what: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new ConsensusEncodingError(`truncated ${this.what}`);
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.pos++);
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      throw new ConsensusEncodingError(`${this.what}: height out of range`);
    return Number(v);
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    // A copy, and a plain Uint8Array even when the input is a Node Buffer.
    const b = new Uint8Array(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }
  end(): void {
    if (this.pos !== this.buf.length) throw new ConsensusEncodingError(`trailing bytes after ${this.what}`);
  }
}

// ---------------------------------------------------------------- sign bytes

const VOTE_MAGIC = new TextEncoder().encode("TSC/vote/v1\0"); // 12 bytes
const PROPOSAL_MAGIC = new TextEncoder().encode("TSC/prop/v1\0");
const SIGNATURE_LENGTH = 65;
export { SIGNATURE_LENGTH };

const VOTE_TYPE_CODE: Record<VoteType, number> = { prevote: Step.prevote, precommit: Step.precommit };
const ZERO32 = new Uint8Array(32);

function checkHeightRound(height: number, round: number): void {
  if (!Number.isSafeInteger(height) || height < 0)
    throw new ConsensusEncodingError(`invalid height ${height}`);
  if (!Number.isInteger(round) || round < 0 || round > 0x7fffffff)
    throw new ConsensusEncodingError(`invalid round ${round}`);
}

/**
 * Bytes a validator signs for a vote. The validator address is not included: the key signs,
 * and binding the address adds nothing an attacker could change without the key.
 */
export function voteSignBytes(
  chainId: bigint,
  v: Pick<UnsignedVote, "type" | "height" | "round" | "blockHash">,
): Uint8Array {
  checkHeightRound(v.height, v.round);
  return new Writer(12 + 8 + 1 + 8 + 4 + 1 + 32)
    .bytes(VOTE_MAGIC)
    .u64(chainId)
    .u8(VOTE_TYPE_CODE[v.type])
    .u64(v.height)
    .u32(v.round)
    .u8(v.blockHash === null ? 0 : 1)
    .bytes(v.blockHash === null ? ZERO32 : hexToBytes(v.blockHash))
    .done();
}

export function proposalSignBytes(
  chainId: bigint,
  p: Pick<UnsignedProposal, "height" | "round" | "blockHash" | "polRound">,
): Uint8Array {
  checkHeightRound(p.height, p.round);
  if (!Number.isInteger(p.polRound) || p.polRound < -1 || p.polRound >= p.round)
    throw new ConsensusEncodingError(`invalid polRound ${p.polRound}`);
  return new Writer(12 + 8 + 1 + 8 + 4 + 32 + 4)
    .bytes(PROPOSAL_MAGIC)
    .u64(chainId)
    .u8(Step.propose)
    .u64(p.height)
    .u32(p.round)
    .bytes(hexToBytes(p.blockHash))
    .i32(p.polRound)
    .done();
}

export const voteDigest = (
  chainId: bigint,
  v: Pick<UnsignedVote, "type" | "height" | "round" | "blockHash">,
): Uint8Array => keccak256(voteSignBytes(chainId, v));
export const proposalDigest = (
  chainId: bigint,
  p: Pick<UnsignedProposal, "height" | "round" | "blockHash" | "polRound">,
): Uint8Array => keccak256(proposalSignBytes(chainId, p));

// ---------------------------------------------------------------- wire encodings

const WIRE_VOTE = 0x01;
const WIRE_PROPOSAL = 0x02;

/** Wire form of a signed vote: fixed 128 bytes. */
export function encodeVote(v: Vote): Uint8Array {
  checkHeightRound(v.height, v.round);
  if (v.signature.length !== SIGNATURE_LENGTH)
    throw new ConsensusEncodingError("vote signature must be 65 bytes");
  return new Writer(1 + 1 + 8 + 4 + 1 + 32 + 20 + SIGNATURE_LENGTH)
    .u8(WIRE_VOTE)
    .u8(VOTE_TYPE_CODE[v.type])
    .u64(v.height)
    .u32(v.round)
    .u8(v.blockHash === null ? 0 : 1)
    .bytes(v.blockHash === null ? ZERO32 : hexToBytes(v.blockHash))
    .bytes(hexToBytes(v.validator))
    .bytes(v.signature)
    .done();
}

export function decodeVote(bytes: Uint8Array): Vote {
  const r = new Reader(bytes, "vote");
  if (r.u8() !== WIRE_VOTE) throw new ConsensusEncodingError("not a vote");
  const t = r.u8();
  const type: VoteType | undefined =
    t === Step.prevote ? "prevote" : t === Step.precommit ? "precommit" : undefined;
  if (!type) throw new ConsensusEncodingError(`unknown vote type ${t}`);
  const height = r.u64();
  const round = r.u32();
  const hasBlock = r.u8();
  const hash = r.bytes(32);
  if (hasBlock > 1 || (hasBlock === 0 && !equalBytes(hash, ZERO32)))
    throw new ConsensusEncodingError("malformed nil vote");
  const validator = bytesToHex(r.bytes(20));
  const signature = r.bytes(SIGNATURE_LENGTH);
  r.end();
  checkHeightRound(height, round);
  return { type, height, round, blockHash: hasBlock ? bytesToHex(hash) : null, validator, signature };
}

export function encodeProposal(p: Proposal): Uint8Array {
  checkHeightRound(p.height, p.round);
  if (p.signature.length !== SIGNATURE_LENGTH)
    throw new ConsensusEncodingError("proposal signature must be 65 bytes");
  return new Writer(1 + 8 + 4 + 32 + 4 + 20 + SIGNATURE_LENGTH)
    .u8(WIRE_PROPOSAL)
    .u64(p.height)
    .u32(p.round)
    .bytes(hexToBytes(p.blockHash))
    .i32(p.polRound)
    .bytes(hexToBytes(p.proposer))
    .bytes(p.signature)
    .done();
}

export function decodeProposal(bytes: Uint8Array): Proposal {
  const r = new Reader(bytes, "proposal");
  if (r.u8() !== WIRE_PROPOSAL) throw new ConsensusEncodingError("not a proposal");
  const height = r.u64();
  const round = r.u32();
  const blockHash = bytesToHex(r.bytes(32));
  const polRound = r.i32();
  const proposer = bytesToHex(r.bytes(20));
  const signature = r.bytes(SIGNATURE_LENGTH);
  r.end();
  checkHeightRound(height, round);
  if (polRound < -1 || polRound >= round) throw new ConsensusEncodingError(`invalid polRound ${polRound}`);
  return { height, round, blockHash, polRound, proposer, signature };
}

/** Certificate encoding: height u64, round u32, hash 32, count u32, then (address 20, sig 65)*. */
export function encodeCommitCertificate(c: CommitCertificate): Uint8Array {
  checkHeightRound(c.height, c.round);
  const w = new Writer(8 + 4 + 32 + 4 + c.signatures.length * (20 + SIGNATURE_LENGTH))
    .u64(c.height)
    .u32(c.round)
    .bytes(hexToBytes(c.blockHash))
    .u32(c.signatures.length);
  for (const s of c.signatures) {
    if (s.signature.length !== SIGNATURE_LENGTH)
      throw new ConsensusEncodingError("commit signature must be 65 bytes");
    w.bytes(hexToBytes(s.validator)).bytes(s.signature);
  }
  return w.done();
}

export function decodeCommitCertificate(bytes: Uint8Array): CommitCertificate {
  const r = new Reader(bytes, "commit certificate");
  const height = r.u64();
  const round = r.u32();
  const blockHash = bytesToHex(r.bytes(32));
  const n = r.u32();
  if (n * (20 + SIGNATURE_LENGTH) > bytes.length)
    throw new ConsensusEncodingError("truncated commit certificate");
  const signatures: CommitSignature[] = [];
  for (let i = 0; i < n; i++)
    signatures.push({ validator: bytesToHex(r.bytes(20)), signature: r.bytes(SIGNATURE_LENGTH) });
  r.end();
  checkHeightRound(height, round);
  return { height, round, blockHash, signatures };
}

// ---------------------------------------------------------------- validator sets

export class InvalidValidatorSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidValidatorSetError";
  }
}

/** Build a set sorted by address; rejects duplicates, zero power and malformed keys. */
export function makeValidatorSet(
  entries: ReadonlyArray<{ address: string; pubKey: Uint8Array; power: bigint; priority?: bigint }>,
): ValidatorSet {
  if (entries.length === 0) throw new InvalidValidatorSetError("validator set is empty");
  const validators: Validator[] = entries.map((e) => {
    if (e.power <= 0n) throw new InvalidValidatorSetError(`validator ${e.address} has non-positive power`);
    if (e.pubKey.length !== 33 || (e.pubKey[0] !== 2 && e.pubKey[0] !== 3))
      throw new InvalidValidatorSetError(
        `validator ${e.address}: consensus key must be 33-byte compressed secp256k1`,
      );
    return {
      address: normalizeHex(e.address, 20, "validator address"),
      pubKey: e.pubKey,
      power: e.power,
      priority: e.priority ?? 0n,
    };
  });
  validators.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  for (let i = 1; i < validators.length; i++)
    if (validators[i]!.address === validators[i - 1]!.address)
      throw new InvalidValidatorSetError(`duplicate validator ${validators[i]!.address}`);
  return { validators, totalPower: validators.reduce((s, v) => s + v.power, 0n) };
}

export function findValidator(set: ValidatorSet, address: Hex): Validator | undefined {
  // Sets are small (tens); a linear scan beats building an index per lookup.
  for (const v of set.validators) if (v.address === address) return v;
  return undefined;
}

/** power > 2/3 of total, in integers. */
export const isSupermajority = (power: bigint, total: bigint): boolean => power * 3n > total * 2n;
/** power > 1/3 of total: at least one honest validator is among them. */
export const isOneThirdPlus = (power: bigint, total: bigint): boolean => power * 3n > total;
