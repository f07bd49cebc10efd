// The consensus validator set per height. Height 1 uses the genesis validators (power = stake);
// at every epoch boundary of the root tempo the set becomes the protocol state's top-K
// validators (protocol/state ProtocolStore.topValidators: bonded stake, consensus key, jailed and
// tombstoned excluded) as of that block, effective from the next height. Between boundaries
// only the proposer priorities advance. Everything is read from committed state, so every node
// (and a syncing one) derives the same set.
//
// Also the registered validators' standing at a height (tensorchain_getValidators): status,
// power in the set, missed blocks of the downtime window, and the epoch the set was computed at.
import type { Block } from "../../execution/block.js";
import { maxMissedBlocks } from "../../consensus/downtime.js";
import { nextHeightValidatorSet, updateValidatorSet } from "../../consensus/proposer.js";
import { hexToBytes, makeValidatorSet } from "../../consensus/types.js";
import type { Hex, ValidatorSet } from "../../consensus/types.js";
import type { Genesis } from "../../genesis/schema.js";
import { readOnlyProtocolStore } from "../../protocol/state/hook.js";
import type { ValidatorRecord } from "../../protocol/state/store.js";
import { isEpochBlock, nextEpochBlock } from "../../protocol/schedule.js";
import type { Chain } from "../chain.js";

/** The consensus validator set of height 1, from genesis: power = bonded stake. */
export function genesisValidatorSet(genesis: Genesis): ValidatorSet {
  return makeValidatorSet(
    genesis.validators.map((v) => ({
      address: v.hotkey,
      pubKey: hexToBytes(v.consensusPublicKey),
      power: v.stake,
    })),
  );
}

/**
 * The set of height `block.number + 1` given the set of `block.number` and the committed block:
 * priorities advance by one selection; at a root-tempo epoch boundary the members and powers
 * become the protocol's top validators (an empty top list keeps the current members).
 */
export async function nextValidatorSet(
  chain: Chain,
  genesis: Genesis,
  set: ValidatorSet,
  block: Block,
): Promise<ValidatorSet> {
  const advanced = nextHeightValidatorSet(set);
  const n = Number(block.header.number);
  if (!isEpochBlock(0, genesis.protocol.rootTempo, n)) return advanced;
  const store = readOnlyProtocolStore(
    chain.openView(block.header.stateRoot),
    genesis.protocol,
    block.header.number,
    block.header.timestamp,
  );
  // Only members that can sign (the same list the protocol records as the set: faults.ts).
  const top = await store.consensusCandidates();
  if (top.length === 0) return advanced;
  return updateValidatorSet(
    advanced,
    top.map((v) => ({
      address: v.hotkey.toLowerCase() as Hex,
      pubKey: hexToBytes(v.consensusKey),
      power: v.votingPower,
    })),
  );
}

/** The committed block `n` (the head is kept in memory). */
async function blockAt(chain: Chain, n: number): Promise<Block> {
  const head = chain.head;
  if (BigInt(n) === head.header.number) return head;
  const block = await chain.store.getBlockByNumber(BigInt(n));
  if (!block) throw new Error(`block ${n} missing from the store`);
  return block;
}

/** The set of height `to` from the set of height `from` (≤ to): only root-epoch blocks are read. */
async function replay(
  chain: Chain,
  genesis: Genesis,
  set: ValidatorSet,
  from: number,
  to: number,
): Promise<ValidatorSet> {
  for (let h = from; h < to; h++)
    set = isEpochBlock(0, genesis.protocol.rootTempo, h)
      ? await nextValidatorSet(chain, genesis, set, await blockAt(chain, h))
      : nextHeightValidatorSet(set);
  return set;
}

/** Sets of heights head and head + 1 (null before height 1), replayed from genesis over the chain. */
export async function validatorSetsAtHead(
  chain: Chain,
  genesis: Genesis,
): Promise<{ prev: ValidatorSet | null; next: ValidatorSet }> {
  const head = Number(chain.head.header.number);
  const first = genesisValidatorSet(genesis);
  if (head === 0) return { prev: null, next: first };
  const prev = await replay(chain, genesis, first, 1, head);
  return { prev, next: await replay(chain, genesis, prev, head, head + 1) };
}

/**
 * Validator sets of past heights, for queries: replayed from the nearest checkpoint, where a
 * checkpoint is kept for height 1 and for the first height of every root epoch reached so far
 * (one set per epoch), so a query replays less than one epoch of priorities once warmed up.
 * Committed blocks are final, so a checkpoint never goes stale.
 */
export class ValidatorSetHistory {
  /** Checkpoint heights, ascending, and their sets. */
  private readonly heights: number[] = [1];
  private readonly sets = new Map<number, ValidatorSet>();

  constructor(
    private readonly chain: Chain,
    private readonly genesis: Genesis,
  ) {
    this.sets.set(1, genesisValidatorSet(genesis));
  }

  /** The set of `height` (1 ≤ height ≤ head + 1). */
  async at(height: number): Promise<ValidatorSet> {
    const head = Number(this.chain.head.header.number);
    if (!Number.isSafeInteger(height) || height < 1 || height > head + 1)
      throw new RangeError(`no validator set for height ${height}: heights 1..${head + 1} are known`);
    // The last checkpoint at or below `height`.
    let lo = 0;
    for (let hi = this.heights.length - 1; lo < hi;) {
      const mid = (lo + hi + 1) >> 1;
      if (this.heights[mid]! <= height) lo = mid;
      else hi = mid - 1;
    }
    let h = this.heights[lo]!;
    let set = this.sets.get(h)!;
    while (h < height) {
      // Up to the first height of the next epoch (a checkpoint) or to `height`.
      const checkpoint = nextEpochBlock(0, this.genesis.protocol.rootTempo, h) + 1;
      set = await replay(this.chain, this.genesis, set, h, Math.min(height, checkpoint));
      h = Math.min(height, checkpoint);
      if (h === checkpoint && !this.sets.has(h)) {
        this.sets.set(h, set);
        this.heights.splice(lo + 1, 0, h);
        lo++;
      }
    }
    return set;
  }
}

export type ValidatorStatus = "active" | "inactive" | "jailed" | "tombstoned";

/**
 * A registered validator's status at a height: tombstoned (double sign, forever) before jailed
 * (until `jailedUntil`, then `unjail()`), before active (a member of the height's set) and
 * inactive (registered, not in the set: outside the top K, too little stake, or unjailed and
 * waiting for the next recompute). A validator jailed or tombstoned during an epoch stays a
 * member of the set, with its power, until the next recompute.
 */
export function validatorStatus(
  v: Pick<ValidatorRecord, "tombstoned" | "jailedUntil">,
  inSet: boolean,
): ValidatorStatus {
  if (v.tombstoned) return "tombstoned";
  if (v.jailedUntil !== 0n) return "jailed";
  return inSet ? "active" : "inactive";
}

export interface RegisteredValidator extends ValidatorRecord {
  status: ValidatorStatus;
  /** Power in the height's consensus set; 0 when not a member. */
  power: bigint;
  /** Blocks missed in the current downtime window (0 when no window is open, e.g. after a jail). */
  missedBlocks: number;
}

export interface ValidatorsReport {
  height: number;
  set: ValidatorSet;
  /** Root-tempo epoch block whose recompute gave the set (0: the genesis set), and its epoch number. */
  epochBlock: number;
  epoch: number;
  downtimeWindow: number;
  maxMissedBlocks: number;
  /** Every registered validator, in registration order, as of block height − 1 (the state block `height` executes on). */
  registered: RegisteredValidator[];
}

/** The standing of every registered validator at `height`, whose consensus set is `set`. */
export async function validatorsReport(
  chain: Chain,
  genesis: Genesis,
  height: number,
  set: ValidatorSet,
): Promise<ValidatorsReport> {
  const parent = await blockAt(chain, height - 1);
  const store = readOnlyProtocolStore(
    chain.viewAt(parent.header),
    genesis.protocol,
    parent.header.number,
    parent.header.timestamp,
  );
  const power = new Map(set.validators.map((v) => [v.address, v.power]));
  const registered: RegisteredValidator[] = [];
  for (const hotkey of await store.validatorHotkeys()) {
    const v = await store.getValidator(hotkey);
    if (!v) continue;
    const address = hotkey.toLowerCase() as Hex;
    const p = power.get(address);
    registered.push({
      ...v,
      status: validatorStatus(v, p !== undefined),
      power: p ?? 0n,
      missedBlocks: (await store.getSigningInfo(hotkey))?.missedCount ?? 0,
    });
  }
  // The recorded set of `height` starts at E + 1 (E its epoch block); genesis records from 1.
  const epochBlock = Math.max(0, (await store.consensusSetFrom()) - 1);
  const period = genesis.protocol.rootTempo + 1;
  return {
    height,
    set,
    epochBlock,
    epoch: epochBlock === 0 ? 0 : (epochBlock + 1) / period,
    downtimeWindow: genesis.protocol.downtimeWindow,
    maxMissedBlocks: maxMissedBlocks(genesis.protocol),
    registered,
  };
}
