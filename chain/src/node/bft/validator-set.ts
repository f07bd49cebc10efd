// The consensus validator set per height. Height 1 uses the genesis validators (power = stake);
// at every epoch boundary of the root tempo the set becomes the protocol state's top-K
// validators (protocol/state ProtocolStore.topValidators: bonded stake, consensus key, jailed and
// tombstoned excluded) as of that block, effective from the next height. Between boundaries
// only the proposer priorities advance. Everything is read from committed state, so every node
// (and a syncing one) derives the same set.
import type { Block } from "../../execution/block.js";
import { nextHeightValidatorSet, updateValidatorSet } from "../../consensus/proposer.js";
import { hexToBytes, makeValidatorSet } from "../../consensus/types.js";
import type { Hex, ValidatorSet } from "../../consensus/types.js";
import type { Genesis } from "../../genesis/schema.js";
import { readOnlyProtocolStore } from "../../protocol/state/hook.js";
import { isEpochBlock } from "../../protocol/schedule.js";
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

/** Sets of heights head and head + 1 (null before height 1), replayed from genesis over the chain. */
export async function validatorSetsAtHead(
  chain: Chain,
  genesis: Genesis,
): Promise<{ prev: ValidatorSet | null; next: ValidatorSet }> {
  let set = genesisValidatorSet(genesis);
  let prev: ValidatorSet | null = null;
  const head = chain.head.header.number;
  for (let h = 1n; h <= head; h++) {
    const block = h === head ? chain.head : await chain.store.getBlockByNumber(h);
    if (!block) throw new Error(`block ${h} missing from the store`);
    prev = set;
    set = await nextValidatorSet(chain, genesis, set, block);
  }
  return { prev, next: set };
}
