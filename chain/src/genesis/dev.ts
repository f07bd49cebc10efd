// Genesis files for local networks: `start --dev` (one validator, dev accounts funded) and
// `tensorchain genesis` (N validators with fresh keys).
import { TEN } from "../protocol/params.js";
import type { ProtocolParams } from "../protocol/params.js";
import { deriveAccounts } from "../crypto/dev-accounts.js";
import type { ValidatorKeys } from "./keys.js";
import { loadPredeploys } from "./predeploys.js";
import { DEV_ACCOUNT_BALANCE, DEV_CHAIN_ID, buildGenesis } from "./schema.js";
import type { Genesis } from "./schema.js";

/** Self-stake of each generated validator (voting power): 1,000 TEN. */
export const DEV_VALIDATOR_STAKE = 1000n * TEN;
/** Balance of each generated validator's hotkey, to pay for its own transactions. */
export const DEV_HOTKEY_BALANCE = 100n * TEN;

export interface LocalGenesisOptions {
  validators: ValidatorKeys[];
  chainId?: number;
  networkName?: string;
  /** Fund the 10 well-known dev accounts and use devnet protocol parameters. */
  dev: boolean;
  genesisTime?: number;
  targetBlockTimeMs?: number;
  /** Protocol parameters (default: devnet ones when `dev`, else the defaults). */
  protocol?: ProtocolParams;
}

export async function buildLocalGenesis(o: LocalGenesisOptions): Promise<Genesis> {
  const accounts = new Map<string, { address: `0x${string}`; balance: bigint; code?: `0x${string}` }>();
  if (o.dev) {
    for (const a of deriveAccounts(10)) {
      const address = a.address.toLowerCase() as `0x${string}`;
      accounts.set(address, { address, balance: DEV_ACCOUNT_BALANCE });
    }
  }
  for (const v of o.validators) {
    const prev = accounts.get(v.hotkey.address);
    accounts.set(v.hotkey.address, {
      address: v.hotkey.address,
      balance: (prev?.balance ?? 0n) + DEV_HOTKEY_BALANCE,
    });
  }
  for (const p of await loadPredeploys())
    accounts.set(p.address, { address: p.address, balance: 0n, code: p.code });
  return buildGenesis({
    chainId: o.chainId ?? DEV_CHAIN_ID,
    networkName: o.networkName ?? (o.dev ? "tensorchain-dev" : "tensorchain-local"),
    genesisTime: o.genesisTime ?? Math.floor(Date.now() / 1000),
    validators: o.validators.map((v) => ({
      hotkey: v.hotkey.address,
      consensusPublicKey: v.consensus.publicKey,
      stake: DEV_VALIDATOR_STAKE,
    })),
    accounts: [...accounts.values()],
    targetBlockTimeMs: o.targetBlockTimeMs,
    dev: o.dev,
    protocol: o.protocol,
  });
}
