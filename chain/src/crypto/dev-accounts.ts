// The well-known development mnemonic and its first accounts: the same keys Hardhat and Anvil
// print (0xf39F…2266 first), so wallets and scripts people already have work on our devnet.
// Never fund these on a public network: the private keys are public.
import { bytesToHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import type { Address, Hex } from "../rpc/backend.js";

export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export interface DevAccount {
  address: Address;
  privateKey: Hex;
}

/** Derivation is slow (PBKDF2 + HD in JS: ~50 ms per account); the results never change. */
const derived = new Map<string, DevAccount>();

/** The first `count` accounts of m/44'/60'/0'/0/i for the given mnemonic. */
export function deriveAccounts(count: number, mnemonic = DEV_MNEMONIC): DevAccount[] {
  const out: DevAccount[] = [];
  for (let i = 0; i < count; i++) {
    const known = derived.get(`${i}:${mnemonic}`);
    if (known) {
      out.push(known);
      continue;
    }
    const account = mnemonicToAccount(mnemonic, { addressIndex: i });
    const key = account.getHdKey().privateKey;
    if (!key) throw new Error(`HD derivation produced no private key at index ${i}`);
    const a: DevAccount = { address: account.address, privateKey: bytesToHex(key) };
    derived.set(`${i}:${mnemonic}`, a);
    out.push(a);
  }
  return out;
}
