// Typed access to the protocol state kept in the precompile accounts' storage (layout in
// slots.ts) and every protocol operation of PROTOCOL.md over it. It talks to state only through
// a StoragePort, so the same code runs inside the EVM's journal (precompiles: a revert undoes
// it) and at block end (epochs, emission). Rules come from the pure modules next door
// (registration.ts, weights.ts, staking.ts, epoch.ts); failures throw ProtocolError named
// after the Solidity custom errors.
import { getAddress, keccak256, type Address, type Hex } from "viem";
import {
  HYPERPARAM_BOUNDS,
  PRECOMPILES,
  subnetHyperparamsSchema,
  type ProtocolParams,
  type SubnetHyperparams,
} from "../params.js";
import {
  burnAfterRegistration,
  choosePruneUid,
  currentBurn,
  initialBurnState,
  networkLockAfterRegistration,
  networkLockCost,
  type NetworkLockState,
} from "../registration.js";
import { tempoIndex } from "../schedule.js";
import { slash as slashPositions, type StakePosition, type UnbondingEntry } from "../staking.js";
import {
  WeightsError,
  checkRateLimit,
  checkReveal,
  checkVersionKey,
  commitHash,
  normalizeWeightsU16,
  validateWeights,
} from "../weights.js";
import type { SigningInfo } from "../../consensus/downtime.js";
import { ProtocolError, ProtocolStateError } from "./errors.js";
import {
  NEURONS_SLOT,
  NEURON_FIELD,
  STAKING_SLOT,
  SUBNETS_SLOT,
  SUBNET_FIELD,
  addressKey,
  bytes32Key,
  dataSlot,
  field,
  fieldNum,
  mapSlot,
  offsetSlot,
  pack,
  wordToAddress,
  wordToBytes32,
} from "./slots.js";

/**
 * The minimal state access the store needs. Words are 256-bit unsigned integers (a missing slot
 * reads 0; writing 0 deletes it). `addBalance` takes a signed delta and must refuse to go
 * below zero.
 */
export interface StoragePort {
  getStorage(address: Address, slot: bigint): Promise<bigint>;
  putStorage(address: Address, slot: bigint, value: bigint): Promise<void>;
  getBalance(address: Address): Promise<bigint>;
  addBalance(address: Address, delta: bigint): Promise<void>;
}

export type ProtocolContract = keyof typeof PRECOMPILES;

/** An event to log: the precompile (or block-end caller) encodes it with the contract's ABI. */
export interface ProtocolEvent {
  contract: ProtocolContract;
  eventName: string;
  args: Record<string, unknown>;
}

export interface TaskSpec {
  taskType: number;
  metric: string;
  inputSignature: string;
  outputSignature: string;
  datasetHash: Hex;
  datasetURI: string;
}

export interface SubnetRecord {
  netuid: number;
  owner: Address;
  registeredAt: number;
  neuronCount: number;
  lockedAmount: bigint;
  lastEpochBlock: number;
  burn: { burn: bigint; block: number };
  pendingEmission: bigint;
  emissionPerBlock: bigint;
  hyperparams: SubnetHyperparams;
}

export interface NeuronRecord {
  uid: number;
  hotkey: Address;
  registeredAt: number;
  active: boolean;
  validatorPermit: boolean;
  lastUpdate: number;
  /** Block of the last weights (or commit); null when never. */
  lastWeights: number | null;
  trust: number;
  consensus: number;
  incentive: number;
  dividends: number;
  rank: number;
  /** Normalized stake of the last epoch, u16 fraction. */
  stakeShare: number;
  emission: bigint;
}

export interface ValidatorRecord {
  hotkey: Address;
  coldkey: Address;
  consensusKey: Hex;
  votingPower: bigint;
  selfStake: bigint;
  jailedUntil: bigint;
  tombstoned: boolean;
}

export interface CallContext {
  /** msg.sender. */
  sender: Address;
  /** msg.value, already credited to the called precompile's account by the EVM. */
  value: bigint;
}

export const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";
/** Longest string the protocol stores (names, URIs, endpoints, signatures). */
export const MAX_STRING_BYTES = 256;
export const MAX_NAME_BYTES = 64;
const MAX_NETUID = 65535;
const TASK_TYPES = 4;

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export class ProtocolStore {
  /** Events of the operations run so far (drained by the caller). */
  readonly events: ProtocolEvent[] = [];
  /** Slot reads and writes issued, for gas accounting. */
  reads = 0;
  writes = 0;
  private readonly cache = new Map<string, bigint>();

  constructor(
    private readonly port: StoragePort,
    readonly params: ProtocolParams,
    /** The block being executed (its number and unix timestamp). */
    readonly block: number,
    readonly timestamp: bigint = 0n,
  ) {}

  // ---------------------------------------------------------------- raw words

  private async get(account: Address, slot: bigint): Promise<bigint> {
    const key = `${account}:${slot}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    this.reads++;
    const v = await this.port.getStorage(account, slot);
    this.cache.set(key, v);
    return v;
  }

  private async put(account: Address, slot: bigint, value: bigint): Promise<void> {
    const key = `${account}:${slot}`;
    // Charged even when the value is unchanged: gas then depends on the operation only, not on
    // stored values that differ between eth_estimateGas (run in the latest block) and the
    // transaction's own block (e.g. a burn block equal to the stored one), so an estimate holds.
    this.writes++;
    if (this.cache.get(key) === value) return;
    this.cache.set(key, value);
    await this.port.putStorage(account, slot, value);
  }

  private async getString(account: Address, slot: bigint): Promise<string> {
    const len = Number(await this.get(account, slot));
    if (len === 0) return "";
    const base = dataSlot(slot);
    const bytes = new Uint8Array(len);
    for (let i = 0; i * 32 < len; i++) {
      const word = await this.get(account, offsetSlot(base, i));
      for (let b = 0; b < 32 && i * 32 + b < len; b++)
        bytes[i * 32 + b] = Number((word >> BigInt(8 * (31 - b))) & 0xffn);
    }
    return new TextDecoder().decode(bytes);
  }

  private async putBytesAt(account: Address, slot: bigint, bytes: Uint8Array): Promise<void> {
    const oldLen = Number(await this.get(account, slot));
    await this.put(account, slot, BigInt(bytes.length));
    const base = dataSlot(slot);
    const words = Math.ceil(Math.max(oldLen, bytes.length) / 32);
    for (let i = 0; i < words; i++) {
      let word = 0n;
      for (let b = 0; b < 32; b++) {
        const k = i * 32 + b;
        word = (word << 8n) | BigInt(k < bytes.length ? bytes[k]! : 0);
      }
      await this.put(account, offsetSlot(base, i), word);
    }
  }

  private async getBytesAt(account: Address, slot: bigint): Promise<Hex> {
    const len = Number(await this.get(account, slot));
    const base = dataSlot(slot);
    let hex = "";
    for (let i = 0; i * 32 < len; i++)
      hex += (await this.get(account, offsetSlot(base, i))).toString(16).padStart(64, "0");
    return `0x${hex.slice(0, len * 2)}`;
  }

  private putString(account: Address, slot: bigint, s: string): Promise<void> {
    return this.putBytesAt(account, slot, new TextEncoder().encode(s));
  }

  private async arrayLength(account: Address, slot: bigint): Promise<number> {
    return Number(await this.get(account, slot));
  }

  private async arrayGet(account: Address, slot: bigint, i: number, width = 1, word = 0): Promise<bigint> {
    return this.get(account, offsetSlot(dataSlot(slot), i * width + word));
  }

  private async arrayPush(account: Address, slot: bigint, words: readonly bigint[]): Promise<number> {
    const n = await this.arrayLength(account, slot);
    const base = dataSlot(slot);
    for (let w = 0; w < words.length; w++)
      await this.put(account, offsetSlot(base, n * words.length + w), words[w]!);
    await this.put(account, slot, BigInt(n + 1));
    return n;
  }

  /** Reads a packed (uid u16, value u16) pair array: 8 pairs per word. */
  private async getPairs(account: Address, slot: bigint): Promise<{ uids: number[]; values: number[] }> {
    const n = Number(await this.get(account, slot));
    const uids: number[] = [];
    const values: number[] = [];
    const base = dataSlot(slot);
    let word = 0n;
    for (let i = 0; i < n; i++) {
      if (i % 8 === 0) word = await this.get(account, offsetSlot(base, i / 8));
      uids.push(fieldNum(word, 32 * (i % 8), 16));
      values.push(fieldNum(word, 32 * (i % 8) + 16, 16));
    }
    return { uids, values };
  }

  private async putPairs(
    account: Address,
    slot: bigint,
    uids: readonly number[],
    values: readonly number[],
  ): Promise<void> {
    const oldN = Number(await this.get(account, slot));
    const base = dataSlot(slot);
    const words = Math.ceil(Math.max(oldN, uids.length) / 8);
    for (let w = 0; w < words; w++) {
      let word = 0n;
      for (let p = 0; p < 8; p++) {
        const i = w * 8 + p;
        if (i >= uids.length) break;
        word |= (BigInt(uids[i]!) | (BigInt(values[i]!) << 16n)) << BigInt(32 * p);
      }
      await this.put(account, offsetSlot(base, w), word);
    }
    await this.put(account, slot, BigInt(uids.length));
  }

  private emit(contract: ProtocolContract, eventName: string, args: Record<string, unknown>): void {
    this.events.push({ contract, eventName, args });
  }

  // ---------------------------------------------------------------- staking state

  private hotkeySlot(hotkey: Address): bigint {
    return mapSlot(STAKING_SLOT.hotkey, addressKey(hotkey));
  }

  /** The coldkey a hotkey is bound to, or null. */
  async hotkeyOwner(hotkey: Address): Promise<Address | null> {
    const w = await this.get(PRECOMPILES.staking, this.hotkeySlot(hotkey));
    const owner = field(w, 0, 160);
    return owner === 0n ? null : getAddress(wordToAddress(owner));
  }

  async getTake(hotkey: Address): Promise<number> {
    const w = await this.get(PRECOMPILES.staking, this.hotkeySlot(hotkey));
    return field(w, 176, 8) === 1n ? fieldNum(w, 160, 16) : this.params.defaultTake;
  }

  private async bindHotkey(hotkey: Address, coldkey: Address): Promise<void> {
    await this.put(PRECOMPILES.staking, this.hotkeySlot(hotkey), pack([[addressKey(coldkey), 160]]));
    this.emit("staking", "HotkeyBound", { hotkey, coldkey });
  }

  async getStake(hotkey: Address, coldkey: Address): Promise<bigint> {
    return this.get(
      PRECOMPILES.staking,
      mapSlot(mapSlot(STAKING_SLOT.stake, addressKey(hotkey)), addressKey(coldkey)),
    );
  }

  async getTotalStake(hotkey: Address): Promise<bigint> {
    return this.get(PRECOMPILES.staking, mapSlot(STAKING_SLOT.totalStake, addressKey(hotkey)));
  }

  /** Every coldkey that ever staked on the hotkey (zero positions included). */
  async delegators(hotkey: Address): Promise<Address[]> {
    const slot = mapSlot(STAKING_SLOT.delegators, addressKey(hotkey));
    const n = await this.arrayLength(PRECOMPILES.staking, slot);
    const out: Address[] = [];
    for (let i = 0; i < n; i++)
      out.push(getAddress(wordToAddress(await this.arrayGet(PRECOMPILES.staking, slot, i))));
    return out;
  }

  /** Every hotkey the coldkey ever staked on. */
  async coldkeyHotkeys(coldkey: Address): Promise<Address[]> {
    const slot = mapSlot(STAKING_SLOT.coldkeyHotkeys, addressKey(coldkey));
    const n = await this.arrayLength(PRECOMPILES.staking, slot);
    const out: Address[] = [];
    for (let i = 0; i < n; i++)
      out.push(getAddress(wordToAddress(await this.arrayGet(PRECOMPILES.staking, slot, i))));
    return out;
  }

  async positions(hotkey: Address): Promise<StakePosition[]> {
    const out: StakePosition[] = [];
    for (const coldkey of await this.delegators(hotkey))
      out.push({ coldkey, stake: await this.getStake(hotkey, coldkey) });
    return out;
  }

  /** Sets a position's stake and the hotkey's total, listing the pair on first sight. */
  private async setPosition(coldkey: Address, hotkey: Address, stake: bigint): Promise<void> {
    const h = addressKey(hotkey);
    const c = addressKey(coldkey);
    const old = await this.getStake(hotkey, coldkey);
    await this.put(PRECOMPILES.staking, mapSlot(mapSlot(STAKING_SLOT.stake, h), c), stake);
    const totalSlot = mapSlot(STAKING_SLOT.totalStake, h);
    await this.put(
      PRECOMPILES.staking,
      totalSlot,
      (await this.get(PRECOMPILES.staking, totalSlot)) - old + stake,
    );
    const dIdx = mapSlot(mapSlot(STAKING_SLOT.delegatorIndex, h), c);
    if ((await this.get(PRECOMPILES.staking, dIdx)) === 0n) {
      const i = await this.arrayPush(PRECOMPILES.staking, mapSlot(STAKING_SLOT.delegators, h), [c]);
      await this.put(PRECOMPILES.staking, dIdx, BigInt(i + 1));
    }
    const hIdx = mapSlot(mapSlot(STAKING_SLOT.coldkeyHotkeyIndex, c), h);
    if ((await this.get(PRECOMPILES.staking, hIdx)) === 0n) {
      const i = await this.arrayPush(PRECOMPILES.staking, mapSlot(STAKING_SLOT.coldkeyHotkeys, c), [h]);
      await this.put(PRECOMPILES.staking, hIdx, BigInt(i + 1));
    }
  }

  /** Adds `amount` to a (coldkey, hotkey) position (emission payouts; no minimum applies). */
  async creditStake(coldkey: Address, hotkey: Address, amount: bigint): Promise<void> {
    await this.setPosition(coldkey, hotkey, (await this.getStake(hotkey, coldkey)) + amount);
  }

  /** Creates `amount` wei in `address`'s balance (block emission). */
  async mint(address: Address, amount: bigint): Promise<void> {
    if (amount < 0n) throw new ProtocolStateError("mint: negative amount");
    await this.port.addBalance(address, amount);
  }

  async getUnbonding(coldkey: Address): Promise<UnbondingEntry[]> {
    const slot = mapSlot(STAKING_SLOT.unbonding, addressKey(coldkey));
    const n = await this.arrayLength(PRECOMPILES.staking, slot);
    const out: UnbondingEntry[] = [];
    for (let i = 0; i < n; i++) {
      const head = await this.arrayGet(PRECOMPILES.staking, slot, i, 2, 0);
      out.push({
        coldkey: getAddress(coldkey),
        hotkey: getAddress(wordToAddress(head)),
        releaseBlock: fieldNum(head, 160, 64),
        amount: await this.arrayGet(PRECOMPILES.staking, slot, i, 2, 1),
      });
    }
    return out;
  }

  /** Rewrites the coldkey's unbonding array (entries with a zero amount are dropped). */
  private async putUnbonding(coldkey: Address, entries: readonly UnbondingEntry[]): Promise<void> {
    const slot = mapSlot(STAKING_SLOT.unbonding, addressKey(coldkey));
    const kept = entries.filter((e) => e.amount > 0n);
    const oldN = await this.arrayLength(PRECOMPILES.staking, slot);
    const base = dataSlot(slot);
    for (let i = 0; i < Math.max(oldN, kept.length); i++) {
      const e = kept[i];
      await this.put(
        PRECOMPILES.staking,
        offsetSlot(base, 2 * i),
        e
          ? pack([
              [addressKey(e.hotkey), 160],
              [e.releaseBlock, 64],
            ])
          : 0n,
      );
      await this.put(PRECOMPILES.staking, offsetSlot(base, 2 * i + 1), e ? e.amount : 0n);
    }
    await this.put(PRECOMPILES.staking, slot, BigInt(kept.length));
  }

  // ---------------------------------------------------------------- staking operations

  async addStake(ctx: CallContext, hotkey: Address): Promise<void> {
    if (sameAddress(hotkey, ZERO_ADDRESS)) throw new ProtocolError("InvalidHotkey", []);
    if ((await this.hotkeyOwner(hotkey)) === null) await this.bindHotkey(hotkey, ctx.sender);
    const next = (await this.getStake(hotkey, ctx.sender)) + ctx.value;
    if (ctx.value === 0n || next < this.params.minStake)
      throw new ProtocolError("BelowMinStake", [this.params.minStake]);
    await this.setPosition(ctx.sender, hotkey, next);
    this.emit("staking", "StakeAdded", { coldkey: ctx.sender, hotkey, amount: ctx.value, newStake: next });
  }

  async removeStake(ctx: CallContext, hotkey: Address, amount: bigint): Promise<bigint> {
    const have = await this.getStake(hotkey, ctx.sender);
    if (amount === 0n || amount > have) throw new ProtocolError("InsufficientStake", [have, amount]);
    const rest = have - amount;
    if (rest > 0n && rest < this.params.minStake)
      throw new ProtocolError("BelowMinStake", [this.params.minStake]);
    await this.setPosition(ctx.sender, hotkey, rest);
    const releaseBlock = this.block + this.params.unbondingBlocks;
    await this.putUnbonding(ctx.sender, [
      ...(await this.getUnbonding(ctx.sender)),
      { coldkey: ctx.sender, hotkey, amount, releaseBlock },
    ]);
    this.emit("staking", "StakeRemoved", {
      coldkey: ctx.sender,
      hotkey,
      amount,
      releaseBlock: BigInt(releaseBlock),
    });
    return BigInt(releaseBlock);
  }

  async claimUnbonded(ctx: CallContext): Promise<bigint> {
    const entries = await this.getUnbonding(ctx.sender);
    if (entries.length === 0) throw new ProtocolError("NothingToClaim", []);
    const matured = entries.filter((e) => e.releaseBlock <= this.block);
    if (matured.length === 0)
      throw new ProtocolError("UnbondingNotFinished", [
        BigInt(Math.min(...entries.map((e) => e.releaseBlock))),
      ]);
    const amount = matured.reduce((s, e) => s + e.amount, 0n);
    await this.putUnbonding(
      ctx.sender,
      entries.filter((e) => e.releaseBlock > this.block),
    );
    await this.port.addBalance(PRECOMPILES.staking, -amount);
    await this.port.addBalance(ctx.sender, amount);
    this.emit("staking", "UnbondedClaimed", { coldkey: ctx.sender, amount });
    return amount;
  }

  async setTake(ctx: CallContext, hotkey: Address, take: number): Promise<void> {
    const owner = await this.hotkeyOwner(hotkey);
    if (owner === null) throw new ProtocolError("HotkeyNotBound", [hotkey]);
    if (!sameAddress(owner, ctx.sender)) throw new ProtocolError("NotHotkeyOwner", [hotkey, owner]);
    if (take > this.params.maxTake) throw new ProtocolError("TakeTooHigh", [this.params.maxTake]);
    const slot = this.hotkeySlot(hotkey);
    const w = await this.get(PRECOMPILES.staking, slot);
    let raisedAtPlusOne = field(w, 184, 64);
    if (take > (await this.getTake(hotkey))) {
      if (raisedAtPlusOne > 0n) {
        const next = raisedAtPlusOne - 1n + BigInt(this.params.takeIncreaseRateLimit);
        if (BigInt(this.block) < next) throw new ProtocolError("TakeRateLimited", [next]);
      }
      raisedAtPlusOne = BigInt(this.block) + 1n;
    }
    await this.put(
      PRECOMPILES.staking,
      slot,
      pack([
        [field(w, 0, 160), 160],
        [take, 16],
        [1, 8],
        [raisedAtPlusOne, 64],
      ]),
    );
    this.emit("staking", "TakeSet", { hotkey, take });
  }

  private validatorSlot(hotkey: Address): bigint {
    return mapSlot(STAKING_SLOT.validator, addressKey(hotkey));
  }

  async getValidator(hotkey: Address): Promise<ValidatorRecord | null> {
    const slot = this.validatorSlot(hotkey);
    const w = await this.get(PRECOMPILES.staking, slot);
    if (field(w, 0, 8) === 0n) return null;
    const coldkey = (await this.hotkeyOwner(hotkey)) ?? ZERO_ADDRESS;
    return {
      hotkey: getAddress(hotkey),
      coldkey,
      consensusKey: await this.getBytesAt(PRECOMPILES.staking, offsetSlot(slot, 1)),
      votingPower: await this.getTotalStake(hotkey),
      selfStake: await this.getStake(hotkey, coldkey),
      jailedUntil: field(w, 16, 64),
      tombstoned: field(w, 8, 8) === 1n,
    };
  }

  private async putValidatorHead(hotkey: Address, tombstoned: boolean, jailedUntil: bigint): Promise<void> {
    await this.put(
      PRECOMPILES.staking,
      this.validatorSlot(hotkey),
      pack([
        [1, 8],
        [tombstoned, 8],
        [jailedUntil, 64],
      ]),
    );
  }

  async registerValidator(ctx: CallContext, consensusKey: Hex): Promise<void> {
    const hotkey = ctx.sender;
    const owner = await this.hotkeyOwner(hotkey);
    if (owner === null) throw new ProtocolError("HotkeyNotBound", [hotkey]);
    const existing = await this.getValidator(hotkey);
    if (existing?.tombstoned) throw new ProtocolError("Tombstoned", []);
    if (existing) throw new ProtocolError("ValidatorAlreadyRegistered", []);
    const key = consensusKey.toLowerCase() as Hex;
    if (!/^0x0[23][0-9a-f]{64}$/.test(key)) throw new ProtocolError("InvalidConsensusKey", []);
    const keySlot = mapSlot(STAKING_SLOT.consensusKeyOwner, bytes32Key(keccak256(key)));
    if ((await this.get(PRECOMPILES.staking, keySlot)) !== 0n)
      throw new ProtocolError("ConsensusKeyInUse", []);
    const selfStake = await this.getStake(hotkey, owner);
    if (selfStake < this.params.minValidatorSelfStake)
      throw new ProtocolError("InsufficientStake", [selfStake, this.params.minValidatorSelfStake]);
    await this.putValidatorHead(hotkey, false, 0n);
    await this.putBytesAt(PRECOMPILES.staking, offsetSlot(this.validatorSlot(hotkey), 1), hexBytes(key));
    await this.put(PRECOMPILES.staking, keySlot, addressKey(hotkey));
    await this.arrayPush(PRECOMPILES.staking, STAKING_SLOT.validatorList, [addressKey(hotkey)]);
    this.emit("staking", "ValidatorRegistered", { hotkey, coldkey: owner, consensusKey: key });
  }

  async unjail(ctx: CallContext): Promise<void> {
    const v = await this.getValidator(ctx.sender);
    if (!v) throw new ProtocolError("NotValidator", [ctx.sender]);
    if (v.tombstoned) throw new ProtocolError("Tombstoned", []);
    if (v.jailedUntil === 0n) throw new ProtocolError("ValidatorNotJailed", []);
    if (this.timestamp < v.jailedUntil) throw new ProtocolError("ValidatorJailed", [v.jailedUntil]);
    await this.putValidatorHead(ctx.sender, false, 0n);
    this.emit("staking", "ValidatorUnjailed", { hotkey: ctx.sender });
  }

  /**
   * Slashes `percent` of the hotkey's bonded stake (every delegator's position) and of the
   * unbonding entries on it (staking.ts's exact apportioning); the wei are burned from the
   * staking account. Returns the amount slashed. `reason`: 0 double sign, 1 downtime.
   */
  async slash(hotkey: Address, percent: number, reason: 0 | 1): Promise<bigint> {
    const positions = await this.positions(hotkey);
    const entriesByColdkey = new Map<Address, UnbondingEntry[]>();
    const onHotkey: UnbondingEntry[] = [];
    for (const p of positions) {
      const all = await this.getUnbonding(p.coldkey as Address);
      entriesByColdkey.set(p.coldkey as Address, all);
      onHotkey.push(...all.filter((e) => sameAddress(e.hotkey, hotkey)));
    }
    const result = slashPositions(positions, onHotkey, percent);
    for (const p of result.positions) await this.setPosition(p.coldkey as Address, hotkey, p.stake);
    let k = 0;
    for (const [coldkey, all] of entriesByColdkey) {
      const next = all.map((e) => (sameAddress(e.hotkey, hotkey) ? result.unbonding[k++]! : e));
      await this.putUnbonding(coldkey, next);
    }
    if (result.slashed > 0n) await this.port.addBalance(PRECOMPILES.staking, -result.slashed);
    this.emit("staking", "ValidatorSlashed", { hotkey, reason, amount: result.slashed });
    return result.slashed;
  }

  /** Jails a validator until `until` (unix seconds); it leaves the consensus set until unjailed. */
  async jail(hotkey: Address, until: bigint): Promise<void> {
    const v = await this.getValidator(hotkey);
    if (!v) throw new ProtocolError("NotValidator", [hotkey]);
    await this.putValidatorHead(hotkey, v.tombstoned, until);
    this.emit("staking", "ValidatorJailedUntil", { hotkey, until });
  }

  /** Jails a validator forever (double sign). */
  async tombstone(hotkey: Address): Promise<void> {
    const v = await this.getValidator(hotkey);
    if (!v) throw new ProtocolError("NotValidator", [hotkey]);
    await this.putValidatorHead(hotkey, true, v.jailedUntil);
    this.emit("staking", "ValidatorTombstoned", { hotkey });
  }

  async validatorHotkeys(): Promise<Address[]> {
    const n = await this.arrayLength(PRECOMPILES.staking, STAKING_SLOT.validatorList);
    const out: Address[] = [];
    for (let i = 0; i < n; i++)
      out.push(
        getAddress(wordToAddress(await this.arrayGet(PRECOMPILES.staking, STAKING_SLOT.validatorList, i))),
      );
    return out;
  }

  /**
   * The consensus set: the top `k` registered validators by total stake (ties: lower hotkey
   * address first) that are neither jailed nor tombstoned and whose self-stake meets the minimum.
   */
  async topValidators(k: number = this.params.maxValidators): Promise<ValidatorRecord[]> {
    const eligible: ValidatorRecord[] = [];
    for (const hotkey of await this.validatorHotkeys()) {
      const v = await this.getValidator(hotkey);
      if (!v || v.tombstoned || v.jailedUntil !== 0n) continue;
      if (v.selfStake < this.params.minValidatorSelfStake || v.votingPower === 0n) continue;
      eligible.push(v);
    }
    eligible.sort((a, b) =>
      a.votingPower !== b.votingPower
        ? a.votingPower > b.votingPower
          ? -1
          : 1
        : a.hotkey.toLowerCase() < b.hotkey.toLowerCase()
          ? -1
          : 1,
    );
    return eligible.slice(0, k);
  }

  /**
   * The members the consensus set takes at a recompute: the top validators with a positive
   * voting power and a well-formed compressed consensus key (an empty list keeps the old set).
   */
  async consensusCandidates(): Promise<ValidatorRecord[]> {
    return (await this.topValidators()).filter(
      (v) => v.votingPower > 0n && /^0x0[23][0-9a-fA-F]{64}$/.test(v.consensusKey),
    );
  }

  private async readHotkeyArray(slot: bigint): Promise<Address[]> {
    const n = await this.arrayLength(PRECOMPILES.staking, slot);
    const out: Address[] = [];
    for (let i = 0; i < n; i++)
      out.push(wordToAddress(await this.arrayGet(PRECOMPILES.staking, slot, i)).toLowerCase() as Address);
    return out;
  }

  private async writeHotkeyArray(slot: bigint, hotkeys: readonly Address[]): Promise<void> {
    const oldN = await this.arrayLength(PRECOMPILES.staking, slot);
    const base = dataSlot(slot);
    for (let i = 0; i < Math.max(oldN, hotkeys.length); i++)
      await this.put(
        PRECOMPILES.staking,
        offsetSlot(base, i),
        i < hotkeys.length ? addressKey(hotkeys[i]!) : 0n,
      );
    await this.put(PRECOMPILES.staking, slot, BigInt(hotkeys.length));
  }

  /**
   * Records the consensus set effective from height `from` (genesis: 1; a root-tempo epoch
   * block E: E + 1); the set it replaces is kept as the previous one, so the members of the
   * last two sets can be looked up (downtime accounting, evidence verification).
   */
  async recordConsensusSet(hotkeys: readonly Address[], from: number): Promise<void> {
    const w = await this.get(PRECOMPILES.staking, STAKING_SLOT.consensusSetFrom);
    const curFrom = field(w, 0, 64);
    if (curFrom > 0n)
      await this.writeHotkeyArray(
        STAKING_SLOT.prevConsensusSet,
        await this.readHotkeyArray(STAKING_SLOT.consensusSet),
      );
    await this.writeHotkeyArray(STAKING_SLOT.consensusSet, hotkeys);
    await this.put(
      PRECOMPILES.staking,
      STAKING_SLOT.consensusSetFrom,
      pack([
        [from, 64],
        [curFrom, 64],
      ]),
    );
  }

  /**
   * First height of the latest recorded consensus set: 1 for the genesis set, E + 1 for a set
   * recomputed at root-tempo epoch block E; 0 where none was recorded (no BFT accounting).
   */
  async consensusSetFrom(): Promise<number> {
    return fieldNum(await this.get(PRECOMPILES.staking, STAKING_SLOT.consensusSetFrom), 0, 64);
  }

  /** Members (lowercase hotkeys) of the consensus set of `height`; null when no kept set covers it. */
  async consensusSetAt(height: number): Promise<Address[] | null> {
    const w = await this.get(PRECOMPILES.staking, STAKING_SLOT.consensusSetFrom);
    const curFrom = fieldNum(w, 0, 64);
    const prevFrom = fieldNum(w, 64, 64);
    if (curFrom > 0 && height >= curFrom) return this.readHotkeyArray(STAKING_SLOT.consensusSet);
    if (prevFrom > 0 && height >= prevFrom) return this.readHotkeyArray(STAKING_SLOT.prevConsensusSet);
    return null;
  }

  private signingInfoSlot(hotkey: Address): bigint {
    return mapSlot(STAKING_SLOT.signingInfo, addressKey(hotkey));
  }

  /** Liveness record of a validator over the downtime window (consensus/downtime.ts). */
  async getSigningInfo(hotkey: Address): Promise<SigningInfo | null> {
    const slot = this.signingInfoSlot(hotkey);
    const w = await this.get(PRECOMPILES.staking, slot);
    if (field(w, 224, 8) === 0n) return null;
    const bytes = Math.ceil(this.params.downtimeWindow / 8);
    const missed = new Uint8Array(bytes);
    for (let i = 0; i * 32 < bytes; i++) {
      const word = await this.get(PRECOMPILES.staking, offsetSlot(slot, 1 + i));
      for (let b = 0; b < 32 && i * 32 + b < bytes; b++) missed[i * 32 + b] = fieldNum(word, 8 * b, 8);
    }
    return {
      startHeight: fieldNum(w, 0, 64),
      indexOffset: fieldNum(w, 64, 64),
      missedCount: fieldNum(w, 128, 32),
      missed,
    };
  }

  /** Writes (or, with null, clears) a validator's liveness record. */
  async putSigningInfo(hotkey: Address, info: SigningInfo | null): Promise<void> {
    const slot = this.signingInfoSlot(hotkey);
    const bytes = Math.ceil(this.params.downtimeWindow / 8);
    await this.put(
      PRECOMPILES.staking,
      slot,
      info
        ? pack([
            [info.startHeight, 64],
            [info.indexOffset, 64],
            [info.missedCount, 32],
            [0, 64],
            [1, 8],
          ])
        : 0n,
    );
    for (let i = 0; i * 32 < bytes; i++) {
      let word = 0n;
      if (info)
        for (let b = 0; b < 32 && i * 32 + b < bytes; b++)
          word |= BigInt(info.missed[i * 32 + b] ?? 0) << BigInt(8 * b);
      await this.put(PRECOMPILES.staking, offsetSlot(slot, 1 + i), word);
    }
  }

  // ---------------------------------------------------------------- subnets

  private subnetSlot(netuid: number, f: number): bigint {
    return offsetSlot(mapSlot(SUBNETS_SLOT.subnet, BigInt(netuid)), f);
  }

  async netuidCount(): Promise<number> {
    return Math.max(1, Number(await this.get(PRECOMPILES.subnets, SUBNETS_SLOT.netuidCount)));
  }

  /** Netuids in use, the root (0) included, ascending. */
  async netuids(): Promise<number[]> {
    const out = [0];
    const n = await this.netuidCount();
    for (let i = 1; i < n; i++) if (await this.subnetExists(i)) out.push(i);
    return out;
  }

  async subnetExists(netuid: number): Promise<boolean> {
    if (netuid === 0) return true;
    return (
      field(await this.get(PRECOMPILES.subnets, this.subnetSlot(netuid, SUBNET_FIELD.head)), 240, 8) === 1n
    );
  }

  private async requireSubnet(netuid: number): Promise<SubnetRecord> {
    const s = await this.getSubnet(netuid);
    if (!s) throw new ProtocolError("SubnetNotFound", [netuid]);
    return s;
  }

  /** The root subnet has no storage record: it is defined by the genesis parameters. */
  private rootSubnet(): SubnetRecord {
    return {
      netuid: 0,
      owner: ZERO_ADDRESS,
      registeredAt: 0,
      neuronCount: 0,
      lockedAmount: 0n,
      lastEpochBlock: 0,
      burn: { burn: 0n, block: 0 },
      pendingEmission: 0n,
      emissionPerBlock: 0n,
      hyperparams: { ...this.params.subnetDefaults, tempo: this.params.rootTempo },
    };
  }

  async getSubnet(netuid: number): Promise<SubnetRecord | null> {
    if (netuid === 0) return this.rootSubnet();
    if (!(await this.subnetExists(netuid))) return null;
    const a = PRECOMPILES.subnets;
    const head = await this.get(a, this.subnetSlot(netuid, SUBNET_FIELD.head));
    const blocks = await this.get(a, this.subnetSlot(netuid, SUBNET_FIELD.blocks));
    return {
      netuid,
      owner: getAddress(wordToAddress(head)),
      registeredAt: fieldNum(head, 160, 64),
      neuronCount: fieldNum(head, 224, 16),
      lockedAmount: await this.get(a, this.subnetSlot(netuid, SUBNET_FIELD.locked)),
      lastEpochBlock: fieldNum(blocks, 0, 64),
      burn: {
        burn: await this.get(a, this.subnetSlot(netuid, SUBNET_FIELD.burn)),
        block: fieldNum(blocks, 64, 64),
      },
      pendingEmission: await this.get(a, this.subnetSlot(netuid, SUBNET_FIELD.pendingEmission)),
      emissionPerBlock: await this.get(a, this.subnetSlot(netuid, SUBNET_FIELD.emissionPerBlock)),
      hyperparams: await this.getHyperparams(netuid),
    };
  }

  private async putSubnetHead(
    netuid: number,
    owner: Address,
    registeredAt: number,
    neuronCount: number,
  ): Promise<void> {
    await this.put(
      PRECOMPILES.subnets,
      this.subnetSlot(netuid, SUBNET_FIELD.head),
      pack([
        [addressKey(owner), 160],
        [registeredAt, 64],
        [neuronCount, 16],
        [1, 8],
      ]),
    );
  }

  private async putSubnetBlocks(netuid: number, lastEpochBlock: number, burnBlock: number): Promise<void> {
    await this.put(
      PRECOMPILES.subnets,
      this.subnetSlot(netuid, SUBNET_FIELD.blocks),
      pack([
        [lastEpochBlock, 64],
        [burnBlock, 64],
      ]),
    );
  }

  async setPendingEmission(netuid: number, pending: bigint, perBlock: bigint): Promise<void> {
    await this.put(PRECOMPILES.subnets, this.subnetSlot(netuid, SUBNET_FIELD.pendingEmission), pending);
    await this.put(PRECOMPILES.subnets, this.subnetSlot(netuid, SUBNET_FIELD.emissionPerBlock), perBlock);
  }

  async getHyperparams(netuid: number): Promise<SubnetHyperparams> {
    if (netuid === 0) return this.rootSubnet().hyperparams;
    const a = PRECOMPILES.subnets;
    const A = await this.get(a, this.subnetSlot(netuid, SUBNET_FIELD.hpA));
    const B = await this.get(a, this.subnetSlot(netuid, SUBNET_FIELD.hpB));
    return {
      tempo: fieldNum(A, 0, 32),
      maxUids: fieldNum(A, 32, 16),
      maxValidators: fieldNum(A, 48, 16),
      immunityPeriod: fieldNum(A, 64, 32),
      activityCutoff: fieldNum(A, 96, 32),
      weightsRateLimit: fieldNum(A, 128, 32),
      minAllowedWeights: fieldNum(A, 160, 16),
      kappa: fieldNum(A, 176, 16),
      bondsMovingAverage: fieldNum(A, 192, 16),
      commitRevealEnabled: field(A, 208, 8) === 1n,
      burnIncreasePermille: fieldNum(A, 216, 16),
      commitRevealPeriod: fieldNum(B, 0, 32),
      burnHalfLife: fieldNum(B, 32, 32),
      weightsVersionKey: fieldNum(B, 64, 64),
      burnStart: await this.get(a, this.subnetSlot(netuid, SUBNET_FIELD.burnStart)),
      minBurn: await this.get(a, this.subnetSlot(netuid, SUBNET_FIELD.minBurn)),
      maxBurn: await this.get(a, this.subnetSlot(netuid, SUBNET_FIELD.maxBurn)),
    };
  }

  private async putHyperparams(netuid: number, hp: SubnetHyperparams): Promise<void> {
    const a = PRECOMPILES.subnets;
    await this.put(
      a,
      this.subnetSlot(netuid, SUBNET_FIELD.hpA),
      pack([
        [hp.tempo, 32],
        [hp.maxUids, 16],
        [hp.maxValidators, 16],
        [hp.immunityPeriod, 32],
        [hp.activityCutoff, 32],
        [hp.weightsRateLimit, 32],
        [hp.minAllowedWeights, 16],
        [hp.kappa, 16],
        [hp.bondsMovingAverage, 16],
        [hp.commitRevealEnabled, 8],
        [hp.burnIncreasePermille, 16],
      ]),
    );
    await this.put(
      a,
      this.subnetSlot(netuid, SUBNET_FIELD.hpB),
      pack([
        [hp.commitRevealPeriod, 32],
        [hp.burnHalfLife, 32],
        [hp.weightsVersionKey, 64],
      ]),
    );
    await this.put(a, this.subnetSlot(netuid, SUBNET_FIELD.burnStart), hp.burnStart);
    await this.put(a, this.subnetSlot(netuid, SUBNET_FIELD.minBurn), hp.minBurn);
    await this.put(a, this.subnetSlot(netuid, SUBNET_FIELD.maxBurn), hp.maxBurn);
  }

  async getTaskSpec(netuid: number): Promise<{ taskSpecURI: string; spec: TaskSpec; name: string }> {
    const a = PRECOMPILES.subnets;
    const s = (f: number) => this.subnetSlot(netuid, f);
    return {
      name: await this.getString(a, s(SUBNET_FIELD.name)),
      taskSpecURI: await this.getString(a, s(SUBNET_FIELD.taskSpecURI)),
      spec: {
        taskType: Number(await this.get(a, s(SUBNET_FIELD.taskType))),
        metric: await this.getString(a, s(SUBNET_FIELD.metric)),
        inputSignature: await this.getString(a, s(SUBNET_FIELD.inputSignature)),
        outputSignature: await this.getString(a, s(SUBNET_FIELD.outputSignature)),
        datasetHash: wordToBytes32(await this.get(a, s(SUBNET_FIELD.datasetHash))),
        datasetURI: await this.getString(a, s(SUBNET_FIELD.datasetURI)),
      },
    };
  }

  private checkTaskSpec(taskSpecURI: string, spec: TaskSpec): void {
    checkLength("taskSpecURI", taskSpecURI);
    if (!Number.isInteger(spec.taskType) || spec.taskType < 0 || spec.taskType >= TASK_TYPES)
      throw new ProtocolError("InvalidTaskSpec", ["taskType"]);
    if (spec.metric.length === 0) throw new ProtocolError("InvalidTaskSpec", ["metric"]);
    if (spec.inputSignature.length === 0) throw new ProtocolError("InvalidTaskSpec", ["inputSignature"]);
    if (spec.outputSignature.length === 0) throw new ProtocolError("InvalidTaskSpec", ["outputSignature"]);
    for (const [k, v] of [
      ["metric", spec.metric],
      ["inputSignature", spec.inputSignature],
      ["outputSignature", spec.outputSignature],
      ["datasetURI", spec.datasetURI],
    ] as const)
      checkLength(k, v);
  }

  private async putTaskSpec(netuid: number, taskSpecURI: string, spec: TaskSpec): Promise<void> {
    const a = PRECOMPILES.subnets;
    const s = (f: number) => this.subnetSlot(netuid, f);
    await this.putString(a, s(SUBNET_FIELD.taskSpecURI), taskSpecURI);
    await this.put(a, s(SUBNET_FIELD.taskType), BigInt(spec.taskType));
    await this.putString(a, s(SUBNET_FIELD.metric), spec.metric);
    await this.putString(a, s(SUBNET_FIELD.inputSignature), spec.inputSignature);
    await this.putString(a, s(SUBNET_FIELD.outputSignature), spec.outputSignature);
    await this.put(a, s(SUBNET_FIELD.datasetHash), bytes32Key(spec.datasetHash));
    await this.putString(a, s(SUBNET_FIELD.datasetURI), spec.datasetURI);
    this.emit("subnets", "TaskSpecSet", { netuid, taskSpecURI, spec });
  }

  async networkLockState(): Promise<NetworkLockState> {
    const blockPlusOne = await this.get(PRECOMPILES.subnets, SUBNETS_SLOT.lastLockBlock);
    if (blockPlusOne === 0n) return null;
    return {
      lock: await this.get(PRECOMPILES.subnets, SUBNETS_SLOT.lastLock),
      block: Number(blockPlusOne - 1n),
    };
  }

  async lockCost(): Promise<bigint> {
    return networkLockCost(await this.networkLockState(), this.params, this.block);
  }

  async registerNetwork(
    ctx: CallContext,
    name: string,
    taskSpecURI: string,
    spec: TaskSpec,
  ): Promise<number> {
    if (
      name.length === 0 ||
      new TextEncoder().encode(name).length > MAX_NAME_BYTES ||
      !/^[\x20-\x7e]+$/.test(name)
    )
      throw new ProtocolError("InvalidSubnetName", []);
    this.checkTaskSpec(taskSpecURI, spec);
    const netuid = await this.netuidCount();
    if (netuid > MAX_NETUID) throw new ProtocolError("SubnetLimitReached", [MAX_NETUID]);
    const lockState = await this.networkLockState();
    const cost = networkLockCost(lockState, this.params, this.block);
    if (ctx.value < cost) throw new ProtocolError("LockCostTooLow", [cost]);
    const next = networkLockAfterRegistration(lockState, this.params, this.block)!;
    await this.put(PRECOMPILES.subnets, SUBNETS_SLOT.lastLock, next.lock);
    await this.put(PRECOMPILES.subnets, SUBNETS_SLOT.lastLockBlock, BigInt(next.block) + 1n);
    await this.put(PRECOMPILES.subnets, SUBNETS_SLOT.netuidCount, BigInt(netuid + 1));
    await this.refund(PRECOMPILES.subnets, ctx.sender, ctx.value - cost);
    const hp = this.params.subnetDefaults;
    const burn = initialBurnState(hp, this.block);
    await this.putSubnetHead(netuid, ctx.sender, this.block, 0);
    await this.put(PRECOMPILES.subnets, this.subnetSlot(netuid, SUBNET_FIELD.locked), cost);
    await this.putSubnetBlocks(netuid, this.block, burn.block);
    await this.put(PRECOMPILES.subnets, this.subnetSlot(netuid, SUBNET_FIELD.burn), burn.burn);
    await this.putHyperparams(netuid, hp);
    await this.putString(PRECOMPILES.subnets, this.subnetSlot(netuid, SUBNET_FIELD.name), name);
    this.emit("subnets", "NetworkRegistered", { netuid, owner: ctx.sender, name, lockedAmount: cost });
    await this.putTaskSpec(netuid, taskSpecURI, spec);
    return netuid;
  }

  private async requireOwner(ctx: CallContext, netuid: number): Promise<SubnetRecord> {
    const s = await this.requireSubnet(netuid);
    if (netuid === 0 || !sameAddress(s.owner, ctx.sender)) throw new ProtocolError("NotSubnetOwner", []);
    return s;
  }

  async setHyperparameters(ctx: CallContext, netuid: number, hp: SubnetHyperparams): Promise<void> {
    await this.requireOwner(ctx, netuid);
    for (const [name, bounds] of Object.entries(HYPERPARAM_BOUNDS)) {
      const v = Number(hp[name as keyof SubnetHyperparams]);
      if (bounds && (v < bounds[0] || v > bounds[1]))
        throw new ProtocolError("HyperparameterOutOfBounds", [name, BigInt(bounds[0]), BigInt(bounds[1])]);
    }
    if (hp.minBurn > hp.maxBurn || hp.burnStart < hp.minBurn || hp.burnStart > hp.maxBurn)
      throw new ProtocolError("HyperparameterOutOfBounds", ["burnStart", hp.minBurn, hp.maxBurn]);
    const parsed = subnetHyperparamsSchema.safeParse(hp);
    if (!parsed.success) {
      const name = String(parsed.error.issues[0]?.path[0] ?? "hyperparameters");
      throw new ProtocolError("HyperparameterOutOfBounds", [name, 0n, 0n]);
    }
    await this.putHyperparams(netuid, parsed.data);
    this.emit("subnets", "HyperparametersSet", { netuid, hyperparameters: parsed.data });
  }

  async setTaskSpec(ctx: CallContext, netuid: number, taskSpecURI: string, spec: TaskSpec): Promise<void> {
    await this.requireOwner(ctx, netuid);
    this.checkTaskSpec(taskSpecURI, spec);
    await this.putTaskSpec(netuid, taskSpecURI, spec);
  }

  /** Returns `amount` wei of a payable call's value from the precompile account to the sender. */
  private async refund(account: Address, to: Address, amount: bigint): Promise<void> {
    if (amount <= 0n) return;
    await this.port.addBalance(account, -amount);
    await this.port.addBalance(to, amount);
  }

  // ---------------------------------------------------------------- neurons

  private neuronSlot(netuid: number, uid: number, f: number): bigint {
    return offsetSlot(mapSlot(mapSlot(NEURONS_SLOT.neuron, BigInt(netuid)), BigInt(uid)), f);
  }

  private uidSlot(netuid: number, hotkey: Address): bigint {
    return mapSlot(mapSlot(NEURONS_SLOT.uidOf, BigInt(netuid)), addressKey(hotkey));
  }

  async getUid(netuid: number, hotkey: Address): Promise<number | null> {
    const v = await this.get(PRECOMPILES.neurons, this.uidSlot(netuid, hotkey));
    return v === 0n ? null : Number(v - 1n);
  }

  private async requireUid(netuid: number, hotkey: Address): Promise<number> {
    const uid = await this.getUid(netuid, hotkey);
    if (uid === null) throw new ProtocolError("NotRegistered", [netuid, hotkey]);
    return uid;
  }

  async getNeuron(netuid: number, uid: number): Promise<NeuronRecord> {
    const a = PRECOMPILES.neurons;
    const head = await this.get(a, this.neuronSlot(netuid, uid, NEURON_FIELD.head));
    const sc = await this.get(a, this.neuronSlot(netuid, uid, NEURON_FIELD.scores));
    const lw = field(sc, 64, 64);
    return {
      uid,
      hotkey: getAddress(wordToAddress(head)),
      registeredAt: fieldNum(head, 160, 64),
      active: field(head, 224, 1) === 1n,
      validatorPermit: field(head, 225, 1) === 1n,
      lastUpdate: fieldNum(sc, 0, 64),
      lastWeights: lw === 0n ? null : Number(lw - 1n),
      trust: fieldNum(sc, 128, 16),
      consensus: fieldNum(sc, 144, 16),
      incentive: fieldNum(sc, 160, 16),
      dividends: fieldNum(sc, 176, 16),
      rank: fieldNum(sc, 192, 16),
      stakeShare: fieldNum(sc, 208, 16),
      emission: await this.get(a, this.neuronSlot(netuid, uid, NEURON_FIELD.emission)),
    };
  }

  async putNeuron(netuid: number, n: NeuronRecord): Promise<void> {
    const a = PRECOMPILES.neurons;
    await this.put(
      a,
      this.neuronSlot(netuid, n.uid, NEURON_FIELD.head),
      pack([
        [addressKey(n.hotkey), 160],
        [n.registeredAt, 64],
        [n.active, 1],
        [n.validatorPermit, 1],
      ]),
    );
    await this.put(
      a,
      this.neuronSlot(netuid, n.uid, NEURON_FIELD.scores),
      pack([
        [n.lastUpdate, 64],
        [n.lastWeights === null ? 0 : n.lastWeights + 1, 64],
        [n.trust, 16],
        [n.consensus, 16],
        [n.incentive, 16],
        [n.dividends, 16],
        [n.rank, 16],
        [n.stakeShare, 16],
      ]),
    );
    await this.put(a, this.neuronSlot(netuid, n.uid, NEURON_FIELD.emission), n.emission);
  }

  async getNeuronExtras(
    netuid: number,
    uid: number,
  ): Promise<{ axon: string; modelHash: Hex; modelURI: string; parentModelHash: Hex }> {
    const a = PRECOMPILES.neurons;
    return {
      axon: await this.getString(a, this.neuronSlot(netuid, uid, NEURON_FIELD.axon)),
      modelHash: wordToBytes32(await this.get(a, this.neuronSlot(netuid, uid, NEURON_FIELD.modelHash))),
      modelURI: await this.getString(a, this.neuronSlot(netuid, uid, NEURON_FIELD.modelURI)),
      parentModelHash: wordToBytes32(
        await this.get(a, this.neuronSlot(netuid, uid, NEURON_FIELD.parentModelHash)),
      ),
    };
  }

  getWeights(netuid: number, uid: number): Promise<{ uids: number[]; values: number[] }> {
    return this.getPairs(PRECOMPILES.neurons, this.neuronSlot(netuid, uid, NEURON_FIELD.weights));
  }

  /** Bond row, u16 fractions. */
  getBonds(netuid: number, uid: number): Promise<{ uids: number[]; values: number[] }> {
    return this.getPairs(PRECOMPILES.neurons, this.neuronSlot(netuid, uid, NEURON_FIELD.bonds));
  }

  putBonds(netuid: number, uid: number, uids: readonly number[], values: readonly number[]): Promise<void> {
    return this.putPairs(PRECOMPILES.neurons, this.neuronSlot(netuid, uid, NEURON_FIELD.bonds), uids, values);
  }

  async setLastEpochBlock(netuid: number, block: number): Promise<void> {
    const s = await this.requireSubnet(netuid);
    await this.putSubnetBlocks(netuid, block, s.burn.block);
  }

  async getBurn(netuid: number): Promise<bigint> {
    const s = await this.requireSubnet(netuid);
    if (netuid === 0) return 0n;
    return currentBurn(s.burn, s.hyperparams, this.block);
  }

  async burnedRegister(ctx: CallContext, netuid: number, hotkey: Address): Promise<number> {
    const s = await this.requireSubnet(netuid);
    if (netuid === 0) throw new ProtocolError("RegistrationNotAllowed", [netuid]);
    if (sameAddress(hotkey, ZERO_ADDRESS)) throw new ProtocolError("InvalidHotkey", []);
    const owner = await this.hotkeyOwner(hotkey);
    if (owner !== null && !sameAddress(owner, ctx.sender))
      throw new ProtocolError("NotHotkeyOwner", [hotkey, owner]);
    if ((await this.getUid(netuid, hotkey)) !== null)
      throw new ProtocolError("AlreadyRegistered", [netuid, hotkey]);
    const hp = s.hyperparams;
    const cost = currentBurn(s.burn, hp, this.block);
    if (ctx.value < cost) throw new ProtocolError("BurnTooLow", [cost]);
    if (owner === null) await this.bindHotkey(hotkey, ctx.sender);

    let uid: number;
    let count = s.neuronCount;
    let replaced: Address = ZERO_ADDRESS;
    if (count < hp.maxUids) {
      uid = count++;
    } else {
      const candidates = [];
      for (let i = 0; i < count; i++) {
        const n = await this.getNeuron(netuid, i);
        candidates.push({ uid: i, registeredAt: n.registeredAt, emission: n.emission });
      }
      const pick = choosePruneUid(candidates, hp.immunityPeriod, this.block);
      if (pick === null) throw new ProtocolError("SubnetFull", []);
      uid = pick;
      replaced = (await this.getNeuron(netuid, uid)).hotkey;
      await this.put(PRECOMPILES.neurons, this.uidSlot(netuid, replaced), 0n);
      await this.clearNeuronData(netuid, uid);
    }
    await this.putNeuron(netuid, {
      uid,
      hotkey: getAddress(hotkey),
      registeredAt: this.block,
      active: false,
      validatorPermit: false,
      lastUpdate: this.block,
      lastWeights: null,
      trust: 0,
      consensus: 0,
      incentive: 0,
      dividends: 0,
      rank: 0,
      stakeShare: 0,
      emission: 0n,
    });
    await this.put(PRECOMPILES.neurons, this.uidSlot(netuid, hotkey), BigInt(uid + 1));
    await this.putSubnetHead(netuid, s.owner, s.registeredAt, count);
    const burn = burnAfterRegistration(s.burn, hp, this.block);
    await this.put(PRECOMPILES.subnets, this.subnetSlot(netuid, SUBNET_FIELD.burn), burn.burn);
    await this.putSubnetBlocks(netuid, s.lastEpochBlock, burn.block);
    // The value arrived in the neurons account: destroy exactly the burn, return the rest.
    await this.port.addBalance(PRECOMPILES.neurons, -cost);
    await this.refund(PRECOMPILES.neurons, ctx.sender, ctx.value - cost);
    this.emit("neurons", "NeuronRegistered", {
      netuid,
      uid,
      hotkey,
      coldkey: ctx.sender,
      burned: cost,
      replacedHotkey: replaced,
    });
    return uid;
  }

  private async clearNeuronData(netuid: number, uid: number): Promise<void> {
    const a = PRECOMPILES.neurons;
    await this.putString(a, this.neuronSlot(netuid, uid, NEURON_FIELD.axon), "");
    await this.put(a, this.neuronSlot(netuid, uid, NEURON_FIELD.modelHash), 0n);
    await this.putString(a, this.neuronSlot(netuid, uid, NEURON_FIELD.modelURI), "");
    await this.put(a, this.neuronSlot(netuid, uid, NEURON_FIELD.parentModelHash), 0n);
    await this.putPairs(a, this.neuronSlot(netuid, uid, NEURON_FIELD.weights), [], []);
    await this.putPairs(a, this.neuronSlot(netuid, uid, NEURON_FIELD.bonds), [], []);
    await this.clearCommit(netuid, uid);
  }

  async serveAxon(ctx: CallContext, netuid: number, endpoint: string): Promise<void> {
    await this.requireSubnet(netuid);
    const uid = await this.requireUid(netuid, ctx.sender);
    checkLength("endpoint", endpoint);
    if (!isEndpoint(endpoint)) throw new ProtocolError("InvalidEndpoint", []);
    await this.putString(PRECOMPILES.neurons, this.neuronSlot(netuid, uid, NEURON_FIELD.axon), endpoint);
    this.emit("neurons", "AxonServed", { netuid, uid, hotkey: ctx.sender, endpoint });
  }

  async publishModel(
    ctx: CallContext,
    netuid: number,
    modelHash: Hex,
    uri: string,
    parentModelHash: Hex,
  ): Promise<void> {
    await this.requireSubnet(netuid);
    const uid = await this.requireUid(netuid, ctx.sender);
    if (bytes32Key(modelHash) === 0n) throw new ProtocolError("InvalidModelHash", []);
    checkLength("uri", uri);
    const a = PRECOMPILES.neurons;
    await this.put(a, this.neuronSlot(netuid, uid, NEURON_FIELD.modelHash), bytes32Key(modelHash));
    await this.putString(a, this.neuronSlot(netuid, uid, NEURON_FIELD.modelURI), uri);
    await this.put(
      a,
      this.neuronSlot(netuid, uid, NEURON_FIELD.parentModelHash),
      bytes32Key(parentModelHash),
    );
    this.emit("neurons", "ModelPublished", {
      netuid,
      hotkey: ctx.sender,
      modelHash,
      uid,
      uri,
      parentModelHash,
    });
  }

  async setWeights(
    ctx: CallContext,
    netuid: number,
    uids: readonly number[],
    values: readonly number[],
    versionKey: bigint,
  ): Promise<void> {
    if (netuid === 0) return this.setRootWeights(ctx, uids, values);
    const s = await this.requireSubnet(netuid);
    const uid = await this.requireUid(netuid, ctx.sender);
    if (s.hyperparams.commitRevealEnabled) throw new ProtocolError("CommitRevealRequired", []);
    const n = await this.getNeuron(netuid, uid);
    mapWeightsError(
      () => checkRateLimit(n.lastWeights, s.hyperparams.weightsRateLimit, this.block),
      uids,
      values,
      s,
    );
    await this.applyWeights(s, n, uids, values, versionKey);
    this.emit("neurons", "WeightsSet", { netuid, uid, hotkey: ctx.sender, uids, values, versionKey });
  }

  /**
   * Root weights (netuid 0): a chain validator in the consensus set weights subnets; the root
   * step of emission.ts turns them into each subnet's share of the block emission. Set
   * directly (no commit-reveal: the weights are public consensus inputs), rate-limited by the
   * root hyperparameters' weightsRateLimit.
   */
  async setRootWeights(
    ctx: CallContext,
    netuids: readonly number[],
    values: readonly number[],
  ): Promise<void> {
    const hotkey = ctx.sender;
    if (!(await this.topValidators()).some((v) => sameAddress(v.hotkey, hotkey)))
      throw new ProtocolError("NoValidatorPermit", []);
    if (netuids.length !== values.length)
      throw new ProtocolError("WeightsLengthMismatch", [BigInt(netuids.length), BigInt(values.length)]);
    const blockSlot = mapSlot(NEURONS_SLOT.rootWeightsBlock, addressKey(hotkey));
    const last = await this.get(PRECOMPILES.neurons, blockSlot);
    const limit = this.rootSubnet().hyperparams.weightsRateLimit;
    if (last > 0n && BigInt(this.block) < last - 1n + BigInt(limit))
      throw new ProtocolError("WeightsRateLimited", [last - 1n + BigInt(limit)]);
    const seen = new Set<number>();
    for (const n of netuids) {
      if (n === 0 || !(await this.subnetExists(n))) throw new ProtocolError("InvalidUid", [n]);
      if (seen.has(n)) throw new ProtocolError("DuplicateUid", [n]);
      seen.add(n);
    }
    if (!values.some((v) => v > 0)) throw new ProtocolError("TooFewWeights", [0n, 1n]);
    const order = netuids.map((n, k) => [n, values[k]!] as const).sort((x, y) => x[0] - y[0]);
    await this.putPairs(
      PRECOMPILES.neurons,
      mapSlot(NEURONS_SLOT.rootWeights, addressKey(hotkey)),
      order.map((p) => p[0]),
      order.map((p) => p[1]),
    );
    await this.put(PRECOMPILES.neurons, blockSlot, BigInt(this.block) + 1n);
    this.emit("neurons", "WeightsSet", { netuid: 0, uid: 0, hotkey, uids: netuids, values, versionKey: 0n });
  }

  /** A chain validator's root weights (uids are netuids). */
  getRootWeights(hotkey: Address): Promise<{ uids: number[]; values: number[] }> {
    return this.getPairs(PRECOMPILES.neurons, mapSlot(NEURONS_SLOT.rootWeights, addressKey(hotkey)));
  }

  /** Validates and stores a weight row (max-upscaled u16), stamping lastUpdate. */
  private async applyWeights(
    s: SubnetRecord,
    n: NeuronRecord,
    uids: readonly number[],
    values: readonly number[],
    versionKey: bigint,
  ): Promise<void> {
    const hp = s.hyperparams;
    mapWeightsError(
      () => {
        checkVersionKey(versionKey, hp.weightsVersionKey);
        validateWeights(
          { uids, values },
          { subnetSize: s.neuronCount, selfUid: n.uid, minAllowedWeights: hp.minAllowedWeights },
        );
      },
      uids,
      values,
      s,
    );
    const selfOnly = uids.every((u) => u === n.uid);
    if (!n.validatorPermit && !selfOnly) throw new ProtocolError("NoValidatorPermit", []);
    const scaled = normalizeWeightsU16(values);
    const keptUids: number[] = [];
    const keptVals: number[] = [];
    // Stored sorted by UID with zeros dropped: the epoch reads a canonical sparse row.
    const order = uids.map((u, k) => [u, scaled[k]!] as const).sort((x, y) => x[0] - y[0]);
    for (const [u, v] of order) {
      if (v === 0) continue;
      keptUids.push(u);
      keptVals.push(v);
    }
    await this.putPairs(
      PRECOMPILES.neurons,
      this.neuronSlot(s.netuid, n.uid, NEURON_FIELD.weights),
      keptUids,
      keptVals,
    );
    await this.putNeuron(s.netuid, { ...n, lastUpdate: this.block, lastWeights: this.block });
  }

  private async clearCommit(netuid: number, uid: number): Promise<void> {
    const a = PRECOMPILES.neurons;
    await this.put(a, this.neuronSlot(netuid, uid, NEURON_FIELD.commitHash), 0n);
    await this.put(a, this.neuronSlot(netuid, uid, NEURON_FIELD.receiptsRoot), 0n);
    await this.put(a, this.neuronSlot(netuid, uid, NEURON_FIELD.commitBlock), 0n);
  }

  /** The pending commit of `hotkey`, with its reveal window; null when none. */
  async getCommit(
    netuid: number,
    hotkey: Address,
  ): Promise<{
    commitHash: Hex;
    receiptsRoot: Hex;
    commitBlock: number;
    revealFromBlock: number;
    revealUntilBlock: number;
  } | null> {
    const uid = await this.getUid(netuid, hotkey);
    if (uid === null) return null;
    const a = PRECOMPILES.neurons;
    const blockPlusOne = await this.get(a, this.neuronSlot(netuid, uid, NEURON_FIELD.commitBlock));
    if (blockPlusOne === 0n) return null;
    const commitBlock = Number(blockPlusOne - 1n);
    const hp = await this.getHyperparams(netuid);
    const period = hp.tempo + 1;
    const due = tempoIndex(netuid, hp.tempo, commitBlock) + hp.commitRevealPeriod;
    return {
      commitHash: wordToBytes32(await this.get(a, this.neuronSlot(netuid, uid, NEURON_FIELD.commitHash))),
      receiptsRoot: wordToBytes32(await this.get(a, this.neuronSlot(netuid, uid, NEURON_FIELD.receiptsRoot))),
      commitBlock,
      revealFromBlock: Math.max(0, due * period - netuid),
      revealUntilBlock: (due + 1) * period - netuid - 1,
    };
  }

  async commitWeights(ctx: CallContext, netuid: number, commitHash: Hex, receiptsRoot: Hex): Promise<void> {
    const s = await this.requireSubnet(netuid);
    const uid = await this.requireUid(netuid, ctx.sender);
    if (!s.hyperparams.commitRevealEnabled) throw new ProtocolError("CommitRevealDisabled", []);
    const n = await this.getNeuron(netuid, uid);
    mapWeightsError(
      () => checkRateLimit(n.lastWeights, s.hyperparams.weightsRateLimit, this.block),
      [],
      [],
      s,
    );
    if (bytes32Key(commitHash) === 0n) throw new ProtocolError("InvalidCommitHash", []);
    if (!n.validatorPermit) throw new ProtocolError("NoValidatorPermit", []);
    const a = PRECOMPILES.neurons;
    await this.put(a, this.neuronSlot(netuid, uid, NEURON_FIELD.commitHash), bytes32Key(commitHash));
    await this.put(a, this.neuronSlot(netuid, uid, NEURON_FIELD.receiptsRoot), bytes32Key(receiptsRoot));
    await this.put(a, this.neuronSlot(netuid, uid, NEURON_FIELD.commitBlock), BigInt(this.block) + 1n);
    // A commit counts against the weights rate limit; lastUpdate moves only when weights apply.
    await this.putNeuron(netuid, { ...n, lastWeights: this.block });
    const c = (await this.getCommit(netuid, ctx.sender))!;
    this.emit("neurons", "WeightsCommitted", {
      netuid,
      uid,
      hotkey: ctx.sender,
      commitHash,
      receiptsRoot,
      revealFromBlock: BigInt(c.revealFromBlock),
      revealUntilBlock: BigInt(c.revealUntilBlock),
    });
  }

  async revealWeights(
    ctx: CallContext,
    netuid: number,
    uids: readonly number[],
    values: readonly number[],
    salt: Hex,
    versionKey: bigint,
  ): Promise<void> {
    const s = await this.requireSubnet(netuid);
    const uid = await this.requireUid(netuid, ctx.sender);
    const c = await this.getCommit(netuid, ctx.sender);
    if (!c) throw new ProtocolError("CommitNotFound", []);
    mapWeightsError(
      () =>
        checkReveal(
          { hash: c.commitHash, block: c.commitBlock, receiptsRoot: c.receiptsRoot },
          { hotkey: getAddress(ctx.sender), netuid, uids, values, salt, versionKey },
          s.hyperparams,
          this.block,
        ),
      uids,
      values,
      s,
      c.commitHash,
      { hotkey: ctx.sender, salt, versionKey },
    );
    await this.clearCommit(netuid, uid);
    await this.applyWeights(s, await this.getNeuron(netuid, uid), uids, values, versionKey);
    this.emit("neurons", "WeightsRevealed", {
      netuid,
      uid,
      hotkey: ctx.sender,
      commitHash: c.commitHash,
      receiptsRoot: c.receiptsRoot,
      uids,
      values,
      versionKey,
    });
  }
}

function hexBytes(h: Hex): Uint8Array {
  return Uint8Array.from(Buffer.from(h.slice(2), "hex"));
}

function checkLength(name: string, s: string): void {
  if (new TextEncoder().encode(s).length > MAX_STRING_BYTES)
    throw new ProtocolError("StringTooLong", [name, BigInt(MAX_STRING_BYTES)]);
}

function isEndpoint(s: string): boolean {
  try {
    const u = new URL(s);
    return ["http:", "https:", "ws:", "wss:"].includes(u.protocol) && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Runs a weights.ts check, translating its WeightsError into the Solidity custom error. */
function mapWeightsError(
  check: () => void,
  uids: readonly number[],
  values: readonly number[],
  s: SubnetRecord,
  committed?: Hex,
  reveal?: { hotkey: Address; salt: Hex; versionKey: bigint },
): void {
  try {
    check();
  } catch (e) {
    if (!(e instanceof WeightsError)) throw e;
    const min = Math.min(s.hyperparams.minAllowedWeights, s.neuronCount);
    switch (e.code) {
      case "LengthMismatch":
        throw new ProtocolError("WeightsLengthMismatch", [BigInt(uids.length), BigInt(values.length)]);
      case "UidOutOfRange":
        throw new ProtocolError("InvalidUid", [uids.find((u) => u >= s.neuronCount) ?? 0]);
      case "DuplicateUid":
        throw new ProtocolError("DuplicateUid", [uids.find((u, k) => uids.indexOf(u) !== k) ?? 0]);
      case "TooFewWeights":
      case "AllWeightsZero":
        throw new ProtocolError("TooFewWeights", [
          BigInt(values.filter((v) => v > 0).length),
          BigInt(Math.max(1, min)),
        ]);
      case "IncorrectVersionKey":
        throw new ProtocolError("IncorrectVersionKey", [BigInt(s.hyperparams.weightsVersionKey)]);
      case "WeightsRateLimited":
        throw new ProtocolError("WeightsRateLimited", [BigInt(e.nextBlock ?? 0)]);
      case "RevealTooEarly":
        throw new ProtocolError("RevealTooEarly", [BigInt(e.nextBlock ?? 0)]);
      case "RevealExpired":
        throw new ProtocolError("RevealTooLate", []);
      case "CommitHashMismatch": {
        if (!committed || !reveal) throw new ProtocolStateError("hash mismatch outside a reveal");
        const revealed = commitHash(
          getAddress(reveal.hotkey),
          s.netuid,
          uids,
          values,
          reveal.salt,
          reveal.versionKey,
        );
        throw new ProtocolError("RevealHashMismatch", [committed, revealed]);
      }
      case "ValueOutOfRange":
      case "MaxWeightExceeded":
        throw new ProtocolError("TooFewWeights", [BigInt(values.length), BigInt(min)]);
    }
  }
}
