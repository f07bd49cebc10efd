// Light-client verification, usable in the browser (pure JS: @noble/curves, @noble/hashes,
// @ethereumjs/rlp): a block is final when a commit certificate carries precommits of more than
// 2/3 of its validator set's power for its hash at its height, and an account or storage value
// is proven against that block's state root with an eth_getProof result (Merkle-Patricia proof).
import { RLP } from "@ethereumjs/rlp";
import { z } from "zod";
import { nobleVerifier } from "../consensus/crypto.js";
import type { ConsensusVerifier } from "../consensus/crypto.js";
import type { CommitCertificate, Hex, ValidatorSet } from "../consensus/types.js";
import {
  bytesToHex,
  equalBytes,
  findValidator,
  hexToBytes,
  isSupermajority,
  keccak256,
  normalizeHex,
  voteDigest,
} from "../consensus/types.js";

export class LightClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LightClientError";
  }
}

// ---------------------------------------------------------------- commit certificates

export interface CommitCheck {
  chainId: bigint;
  /** Validator set of `height` (from a trusted source: genesis or a previously verified epoch). */
  validators: ValidatorSet;
  height: number;
  blockHash: Hex;
  certificate: CommitCertificate;
  /** Defaults to @noble/curves secp256k1. */
  verifier?: ConsensusVerifier;
}

/** Throws LightClientError unless the certificate finalises `blockHash` at `height`; returns the signed power. */
export function verifyCommitCertificate(c: CommitCheck): bigint {
  const cert = c.certificate;
  if (cert.height !== c.height)
    throw new LightClientError(`certificate is for height ${cert.height}, not ${c.height}`);
  if (cert.blockHash.toLowerCase() !== c.blockHash.toLowerCase())
    throw new LightClientError("certificate is for a different block hash");
  const verifier = c.verifier ?? nobleVerifier;
  const digest = voteDigest(c.chainId, {
    type: "precommit",
    height: cert.height,
    round: cert.round,
    blockHash: normalizeHex(cert.blockHash, 32, "block hash"),
  });
  const seen = new Set<string>();
  let power = 0n;
  for (const s of cert.signatures) {
    const addr = s.validator.toLowerCase() as Hex;
    if (seen.has(addr)) throw new LightClientError(`validator ${addr} signed the certificate twice`);
    seen.add(addr);
    const v = findValidator(c.validators, addr);
    if (!v) throw new LightClientError(`certificate signer ${addr} is not in the validator set`);
    if (!verifier.verify(digest, s.signature, v))
      throw new LightClientError(`invalid precommit signature of ${addr}`);
    power += v.power;
  }
  if (!isSupermajority(power, c.validators.totalPower))
    throw new LightClientError(
      `certificate carries ${power} of ${c.validators.totalPower} voting power, not more than 2/3`,
    );
  return power;
}

export interface VerifiedHeader {
  hash: Hex;
  number: number;
  stateRoot: Hex;
}

/** Verify an RLP-encoded (Ethereum-shaped) block header against its certificate. */
export function verifyHeader(
  c: Omit<CommitCheck, "height" | "blockHash"> & { headerRlp: Uint8Array },
): VerifiedHeader {
  let fields: unknown;
  try {
    fields = RLP.decode(c.headerRlp);
  } catch {
    throw new LightClientError("header is not valid RLP");
  }
  if (!Array.isArray(fields) || fields.length < 15 || !fields.every((f) => f instanceof Uint8Array))
    throw new LightClientError("header is not an Ethereum block header");
  const stateRoot = fields[3] as Uint8Array;
  const numberBytes = fields[8] as Uint8Array;
  if (stateRoot.length !== 32 || numberBytes.length > 6)
    throw new LightClientError("header has a malformed state root or number");
  let number = 0;
  for (const b of numberBytes) number = number * 256 + b;
  const hash = bytesToHex(keccak256(c.headerRlp));
  verifyCommitCertificate({ ...c, height: number, blockHash: hash });
  return { hash, number, stateRoot: bytesToHex(stateRoot) };
}

// ---------------------------------------------------------------- Merkle-Patricia proofs

type RlpNode = Uint8Array | RlpNode[];

function toNibbles(key: Uint8Array): number[] {
  const out: number[] = [];
  for (const b of key) out.push(b >> 4, b & 15);
  return out;
}

/**
 * Walk an MPT proof from `root` along `key` (already hashed, as in the secure state trie).
 * Returns the value, or null when the proof shows the key is absent. Throws when the proof is
 * not a valid path from the root.
 */
export function verifyMptProof(
  root: Uint8Array,
  key: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | null {
  if (proof.length === 0 && bytesToHex(root) === EMPTY_TRIE_ROOT) return null;
  const path = toNibbles(key);
  let pos = 0;
  let expect: Uint8Array = root;
  for (let i = 0; i < proof.length; i++) {
    const raw = proof[i]!;
    if (!equalBytes(keccak256(raw), expect))
      throw new LightClientError(`proof node ${i} does not match the hash its parent commits to`);
    let node: RlpNode;
    try {
      node = RLP.decode(raw) as RlpNode;
    } catch {
      throw new LightClientError(`proof node ${i} is not valid RLP`);
    }
    // Nodes shorter than 32 bytes are embedded in their parent; follow them in place.
    for (;;) {
      if (!Array.isArray(node)) throw new LightClientError(`proof node ${i} is not a trie node`);
      let next: RlpNode;
      if (node.length === 17) {
        if (pos === path.length) {
          const v = node[16] as Uint8Array;
          return v.length === 0 ? null : v;
        }
        next = node[path[pos]!]!;
        pos++;
      } else if (node.length === 2) {
        const enc = node[0];
        if (!(enc instanceof Uint8Array) || enc.length === 0)
          throw new LightClientError(`proof node ${i} has a malformed path`);
        const flag = enc[0]! >> 4;
        if (flag > 3) throw new LightClientError(`proof node ${i} has a malformed path`);
        const nibbles = toNibbles(enc).slice(flag & 1 ? 1 : 2);
        const isLeaf = flag >= 2;
        const rest = path.slice(pos);
        if (isLeaf) {
          if (rest.length !== nibbles.length || rest.some((x, k) => x !== nibbles[k])) return null;
          const v = node[1];
          if (!(v instanceof Uint8Array)) throw new LightClientError(`proof node ${i} has a malformed leaf`);
          return v;
        }
        if (nibbles.length > rest.length || nibbles.some((x, k) => x !== rest[k])) return null;
        pos += nibbles.length;
        next = node[1]!;
      } else {
        throw new LightClientError(`proof node ${i} has ${node.length} items`);
      }
      if (Array.isArray(next)) {
        node = next;
        continue;
      }
      if (next.length === 0) return null; // empty branch slot: absent
      if (next.length !== 32) throw new LightClientError(`proof node ${i} has a malformed child reference`);
      expect = next;
      break;
    }
  }
  throw new LightClientError("proof ends before reaching the key");
}

// ---------------------------------------------------------------- eth_getProof

/** Hex shapes of JSON-RPC answers (also used by rpc-verify.ts). */
export const rpcHex = {
  data: z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "expected 0x-prefixed hex bytes"),
  quantity: z.string().regex(/^0x[0-9a-fA-F]+$/, "expected a 0x-prefixed hex quantity"),
  hash32: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte hex hash"),
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte address"),
};
const { data, quantity, hash32 } = rpcHex;

/** Shape of an eth_getProof result (EIP-1186). */
export const ethGetProofResultSchema = z.object({
  address: rpcHex.address,
  accountProof: z.array(data),
  balance: quantity,
  codeHash: hash32,
  nonce: quantity,
  storageHash: hash32,
  storageProof: z.array(z.object({ key: quantity.or(data), value: quantity, proof: z.array(data) })),
});
export type EthGetProofResult = z.input<typeof ethGetProofResultSchema>;

export interface VerifiedAccount {
  address: Hex;
  nonce: bigint;
  balance: bigint;
  storageHash: Hex;
  codeHash: Hex;
  /** Storage slot (32-byte hex) → value, for every storage proof in the result. */
  storage: Map<Hex, bigint>;
}

const EMPTY_TRIE_ROOT = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5a363b421";
const EMPTY_CODE_HASH = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";

function bytesToBigint(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function slotBytes(key: string): Uint8Array {
  const v = BigInt(key);
  if (v >= 1n << 256n) throw new LightClientError("storage key exceeds 32 bytes");
  return hexToBytes(`0x${v.toString(16).padStart(64, "0")}`);
}

/**
 * Verify an eth_getProof result against a state root (from a verified header): the account's
 * fields and every storage value. Throws LightClientError when anything does not match.
 */
export function verifyAccountProof(stateRoot: Hex, input: unknown): VerifiedAccount {
  const parsed = ethGetProofResultSchema.safeParse(input);
  if (!parsed.success)
    throw new LightClientError(
      `malformed eth_getProof result: ${parsed.error.issues[0]?.message ?? "invalid"}`,
    );
  const r = parsed.data;
  const address = r.address.toLowerCase() as Hex;
  const claimed = {
    nonce: BigInt(r.nonce),
    balance: BigInt(r.balance),
    storageHash: r.storageHash.toLowerCase() as Hex,
    codeHash: r.codeHash.toLowerCase() as Hex,
  };
  const leaf = verifyMptProof(
    hexToBytes(normalizeHex(stateRoot, 32, "state root")),
    keccak256(hexToBytes(address)),
    r.accountProof.map(hexToBytes),
  );
  if (leaf === null) {
    if (
      claimed.nonce !== 0n ||
      claimed.balance !== 0n ||
      claimed.storageHash !== EMPTY_TRIE_ROOT ||
      claimed.codeHash !== EMPTY_CODE_HASH
    ) {
      throw new LightClientError(
        "proof shows the account does not exist, but the result claims state for it",
      );
    }
  } else {
    const fields = RLP.decode(leaf);
    if (!Array.isArray(fields) || fields.length !== 4 || !fields.every((f) => f instanceof Uint8Array))
      throw new LightClientError("account leaf is not an account");
    const [nonce, balance, storageHash, codeHash] = fields as Uint8Array[];
    if (bytesToBigint(nonce!) !== claimed.nonce)
      throw new LightClientError("account nonce does not match the proof");
    if (bytesToBigint(balance!) !== claimed.balance)
      throw new LightClientError("account balance does not match the proof");
    if (bytesToHex(storageHash!) !== claimed.storageHash)
      throw new LightClientError("account storage hash does not match the proof");
    if (bytesToHex(codeHash!) !== claimed.codeHash)
      throw new LightClientError("account code hash does not match the proof");
  }
  const storage = new Map<Hex, bigint>();
  for (const sp of r.storageProof) {
    const slot = slotBytes(sp.key);
    const value = verifyStorageValue(claimed.storageHash, slot, sp.proof.map(hexToBytes));
    if (value !== BigInt(sp.value))
      throw new LightClientError(`storage value of slot ${sp.key} does not match the proof`);
    storage.set(bytesToHex(slot), value);
  }
  return { address, ...claimed, storage };
}

/** Value of a 32-byte storage slot under an account's storage root (0 when absent). */
export function verifyStorageValue(storageHash: Hex, slot: Uint8Array, proof: readonly Uint8Array[]): bigint {
  if (slot.length !== 32) throw new LightClientError("storage slot must be 32 bytes");
  const leaf = verifyMptProof(hexToBytes(storageHash), keccak256(slot), proof);
  if (leaf === null) return 0n;
  const v = RLP.decode(leaf);
  if (!(v instanceof Uint8Array) || v.length > 32 || (v.length > 0 && v[0] === 0))
    throw new LightClientError("storage leaf is not a canonical integer");
  return bytesToBigint(v);
}
