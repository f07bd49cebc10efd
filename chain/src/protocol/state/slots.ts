// Storage layout of the protocol state. The state lives in the storage of the precompile
// accounts, so it is part of the state root (covered by state sync and eth_getProof) and is
// journaled by the EVM like any contract storage. Slots are derived the way Solidity derives
// mapping and dynamic-array slots, so a reader with eth_getStorageAt/eth_getProof can find them:
//   mapping m at base slot b:   m[k]      at keccak256(abi.encode(k, b))
//   nested:                     m[k1][k2] at keccak256(abi.encode(k2, keccak256(abi.encode(k1, b))))
//   dynamic array at slot s:    length at s, element i (w words each) at keccak256(s) + i·w
//   string/bytes at slot s:     byte length at s, 32-byte chunks at keccak256(s) + i
//   u16-pair array at slot s:   pair count at s, 8 pairs (uid u16 | value u16 << 16) per word
//                               at keccak256(s) + ⌊i/8⌋, pair i at bits 32·(i mod 8)
// Packed words list fields low bits first: "a 160 | b 64" = a in bits 0..159, b in 160..223.
//
// | account | slot                          | content                                                      |
// |---------|-------------------------------|--------------------------------------------------------------|
// | 0x0801  | H = map(0, hotkey)            | owner coldkey 160 · take 16 · takeSet 8 · takeRaisedAt 64     |
// | 0x0801  | map(1, hotkey)                | total stake of hotkey (wei)                                  |
// | 0x0801  | map(map(2, hotkey), coldkey)  | stake of (coldkey, hotkey) (wei)                             |
// | 0x0801  | map(3, hotkey)                | array: coldkeys that ever staked on hotkey                   |
// | 0x0801  | map(map(4, hotkey), coldkey)  | index+1 in that array                                        |
// | 0x0801  | map(5, coldkey)               | array: hotkeys the coldkey ever staked on                    |
// | 0x0801  | map(map(6, coldkey), hotkey)  | index+1 in that array                                        |
// | 0x0801  | map(7, coldkey)               | array of unbonding entries, 2 words: hotkey 160 · release 64; amount |
// | 0x0801  | V = map(8, hotkey)            | V: registered 8 · tombstoned 8 · jailedUntil 64; V+1: consensus key bytes |
// | 0x0801  | 9                             | array: validator hotkeys (registration order)                |
// | 0x0801  | map(10, keccak(consensusKey)) | hotkey that registered the key                               |
// | 0x0801  | 11                            | consensus set heights: current from 64 · previous from 64    |
// | 0x0801  | 12, 13                        | arrays: hotkeys of the current and the previous consensus set |
// | 0x0801  | G = map(14, hotkey)           | G: signing info startHeight 64 · indexOffset 64 · missed 32 · present 8; |
// |         |                               | G+1..: missed-blocks bitmap of the downtime window (bit i = slot i) |
// | 0x0803  | 0                             | number of netuids issued (next netuid; 0 is the root)        |
// | 0x0803  | 1, 2                          | last network lock (wei); its block + 1 (0: none yet)         |
// | 0x0803  | S = map(3, netuid)            | S+0: owner 160 · registeredAt 64 · neuronCount 16 · exists 8 |
// |         |                               | S+1 locked wei · S+2 lastEpochBlock 64 · burnBlock 64 · S+3 burn · S+4 pending emission |
// |         |                               | S+5..S+9 hyperparameters (see HP_A/HP_B; burnStart, minBurn, maxBurn) |
// |         |                               | S+10 name · S+11 taskSpecURI · S+12 taskType · S+13 metric · S+14 input sig |
// |         |                               | S+15 output sig · S+16 dataset hash · S+17 dataset URI · S+18 emission per block |
// | 0x0804  | N = map(map(0, netuid), uid)  | N+0: hotkey 160 · registeredAt 64 · active 1 · permit 1 (bits 224, 225) |
// |         |                               | N+1: lastUpdate 64 · lastWeights+1 64 · trust · consensus · incentive · dividends · rank · stake (u16 each) |
// |         |                               | N+2: emission of the last epoch (wei) — the epoch reads N+0..N+2 |
// |         |                               | N+3 axon · N+4 model hash · N+5 model URI · N+6 parent hash   |
// |         |                               | N+7 weights (u16 pairs) · N+8 bonds (u16 pairs)              |
// |         |                               | N+9 commit hash · N+10 receipts root · N+11 commit block + 1  |
// | 0x0804  | map(map(1, netuid), hotkey)   | uid + 1                                                      |
// | 0x0804  | map(2, hotkey)                | root weights of a chain validator: (netuid u16, value u16) pairs |
// | 0x0804  | map(3, hotkey)                | block + 1 of its last root weights                           |
import { encodeAbiParameters, hexToBigInt, keccak256, numberToHex, type Address, type Hex } from "viem";

const MASK256 = (1n << 256n) - 1n;

/** keccak256(abi.encode(key, base)): the slot of mapping entry `key` of the mapping at `base`. */
export function mapSlot(base: bigint, key: bigint): bigint {
  return hexToBigInt(
    keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [key & MASK256, base])),
  );
}

/** keccak256(slot): where a dynamic array's or string's data starts. */
export function dataSlot(slot: bigint): bigint {
  return hexToBigInt(keccak256(numberToHex(slot, { size: 32 })));
}

/** slot + offset, wrapping at 2^256 like Solidity's storage arithmetic. */
export function offsetSlot(slot: bigint, offset: number | bigint): bigint {
  return (slot + BigInt(offset)) & MASK256;
}

/** An address (any case) as a mapping key. */
export function addressKey(a: string): bigint {
  return hexToBigInt(a as Hex);
}

export function bytes32Key(h: Hex): bigint {
  return hexToBigInt(h);
}

/** Packs fields (value, width in bits) low bits first into one word. */
export function pack(fields: readonly (readonly [bigint | number | boolean, number])[]): bigint {
  let word = 0n;
  let shift = 0n;
  for (const [v, bits] of fields) {
    const b = typeof v === "boolean" ? (v ? 1n : 0n) : BigInt(v);
    const mask = (1n << BigInt(bits)) - 1n;
    if (b < 0n || b > mask) throw new RangeError(`value ${b} does not fit ${bits} bits`);
    word |= b << shift;
    shift += BigInt(bits);
  }
  if (shift > 256n) throw new RangeError("packed fields exceed one word");
  return word;
}

/** Reads the field of `bits` bits at bit offset `at`. */
export function field(word: bigint, at: number, bits: number): bigint {
  return (word >> BigInt(at)) & ((1n << BigInt(bits)) - 1n);
}

export function fieldNum(word: bigint, at: number, bits: number): number {
  return Number(field(word, at, bits));
}

export function wordToAddress(word: bigint): Address {
  return `0x${(word & ((1n << 160n) - 1n)).toString(16).padStart(40, "0")}`;
}

export function wordToBytes32(word: bigint): Hex {
  return `0x${word.toString(16).padStart(64, "0")}`;
}

/** Account-level base slots (see the table above). */
export const STAKING_SLOT = {
  hotkey: 0n,
  totalStake: 1n,
  stake: 2n,
  delegators: 3n,
  delegatorIndex: 4n,
  coldkeyHotkeys: 5n,
  coldkeyHotkeyIndex: 6n,
  unbonding: 7n,
  validator: 8n,
  validatorList: 9n,
  consensusKeyOwner: 10n,
  consensusSetFrom: 11n,
  consensusSet: 12n,
  prevConsensusSet: 13n,
  signingInfo: 14n,
} as const;

export const SUBNETS_SLOT = {
  netuidCount: 0n,
  lastLock: 1n,
  lastLockBlock: 2n,
  subnet: 3n,
} as const;

/** Offsets inside a subnet record S = map(3, netuid). */
export const SUBNET_FIELD = {
  head: 0,
  locked: 1,
  blocks: 2,
  burn: 3,
  pendingEmission: 4,
  hpA: 5,
  hpB: 6,
  burnStart: 7,
  minBurn: 8,
  maxBurn: 9,
  name: 10,
  taskSpecURI: 11,
  taskType: 12,
  metric: 13,
  inputSignature: 14,
  outputSignature: 15,
  datasetHash: 16,
  datasetURI: 17,
  emissionPerBlock: 18,
} as const;

export const NEURONS_SLOT = { neuron: 0n, uidOf: 1n, rootWeights: 2n, rootWeightsBlock: 3n } as const;

/** Offsets inside a neuron record N = map(map(0, netuid), uid). */
export const NEURON_FIELD = {
  head: 0,
  scores: 1,
  emission: 2,
  axon: 3,
  modelHash: 4,
  modelURI: 5,
  parentModelHash: 6,
  weights: 7,
  bonds: 8,
  commitHash: 9,
  receiptsRoot: 10,
  commitBlock: 11,
} as const;
