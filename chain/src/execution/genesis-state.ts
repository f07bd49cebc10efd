// The genesis block of a network: prefunded accounts and predeploys written into a fresh state
// trie, header number 0 whose extraData is the hash of the canonical genesis JSON (so two nodes
// with different genesis files can never agree on block 0).
import type { Common } from "@ethereumjs/common";
import { Account, Address, hexToBytes } from "@ethereumjs/util";
import type { DB } from "@ethereumjs/util";
import { keccak256 } from "../crypto/secp256k1.js";
import { genesisToJson } from "../genesis/schema.js";
import type { Genesis } from "../genesis/schema.js";
import { EMPTY_BLOOM, EMPTY_TRIE_ROOT, ZERO_HASH, hashHeader } from "./block.js";
import type { Block, BlockHeader } from "./block.js";
import { openStateManager } from "./executor.js";
import { PRECOMPILES } from "../protocol/params.js";
import { stateManagerPort } from "../protocol/state/port.js";
import { ProtocolStore } from "../protocol/state/store.js";

/** Identity of a genesis file: keccak256 of its canonical JSON. */
export function genesisId(g: Genesis): Uint8Array {
  return keccak256(new TextEncoder().encode(JSON.stringify(genesisToJson(g))));
}

export async function buildGenesisBlock(
  g: Genesis,
  common: Common,
  db: DB<string, string | Uint8Array>,
): Promise<Block> {
  const state = openStateManager(common, db, EMPTY_TRIE_ROOT);
  await state.checkpoint();
  for (const a of g.accounts) {
    const address = new Address(hexToBytes(a.address));
    await state.putAccount(address, new Account(0n, a.balance));
    if (a.code && a.code !== "0x") await state.putCode(address, hexToBytes(a.code));
  }
  await registerGenesisValidators(g, state);
  await state.commit();
  const stateRoot = await state.getStateRoot();
  const header: BlockHeader = {
    parentHash: ZERO_HASH,
    coinbase: new Uint8Array(20),
    stateRoot,
    transactionsRoot: EMPTY_TRIE_ROOT,
    receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: EMPTY_BLOOM,
    number: 0n,
    gasLimit: g.blockGasLimit,
    gasUsed: 0n,
    timestamp: BigInt(g.genesisTime),
    extraData: genesisId(g),
    mixHash: ZERO_HASH,
    baseFeePerGas: g.initialBaseFee,
  };
  return { header, hash: hashHeader(header), txs: [], senders: [], txHashes: [] };
}

/**
 * The genesis validators in the staking state, as if each hotkey had staked on itself
 * (coldkey = hotkey) and registered its consensus key: the stake is held by the staking
 * precompile, so the consensus set, voting power and slashing all read the protocol state.
 * The consensus set of height 1 is recorded as the genesis validators.
 */
async function registerGenesisValidators(
  g: Genesis,
  state: ReturnType<typeof openStateManager>,
): Promise<void> {
  const store = new ProtocolStore(stateManagerPort(state), g.protocol, 0, BigInt(g.genesisTime));
  for (const v of g.validators) {
    await store.mint(PRECOMPILES.staking, v.stake);
    await store.addStake({ sender: v.hotkey, value: v.stake }, v.hotkey);
    await store.registerValidator({ sender: v.hotkey, value: 0n }, v.consensusPublicKey);
  }
  await store.recordConsensusSet(
    g.validators.map((v) => v.hotkey),
    1,
  );
}
