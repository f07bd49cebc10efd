// StoragePort over an EthereumJS state manager: the node's block-end hook passes the block's
// state manager (inside the block checkpoint), the precompiles pass the EVM's (inside the
// message's checkpoint, so a revert undoes the writes). Accounts the protocol writes to are
// created with nonce 1 so the EIP-161 cleanup of empty touched accounts never deletes a
// precompile account that only holds storage.
import type { StateManagerInterface } from "@ethereumjs/common";
import {
  Account,
  createAddressFromString,
  setLengthLeft,
  bigIntToBytes,
  bytesToBigInt,
} from "@ethereumjs/util";
import type { Address } from "viem";
import { ProtocolStateError } from "./errors.js";
import type { StoragePort } from "./store.js";

export function stateManagerPort(sm: StateManagerInterface): StoragePort {
  const key = (slot: bigint) => setLengthLeft(bigIntToBytes(slot), 32);
  async function account(address: Address, create: boolean): Promise<Account | undefined> {
    const addr = createAddressFromString(address);
    const a = await sm.getAccount(addr);
    if (!create || (a && a.nonce > 0n)) return a;
    // Also an account the EVM just created by sending value to it (nonce 0): with nonce 0 and
    // no balance left it would count as empty and lose its storage at the end of the tx.
    const fixed = a ?? new Account(1n, 0n);
    fixed.nonce = 1n;
    await sm.putAccount(addr, fixed);
    return fixed;
  }
  return {
    async getStorage(address, slot) {
      const addr = createAddressFromString(address);
      if (!(await sm.getAccount(addr))) return 0n;
      const v = await sm.getStorage(addr, key(slot));
      return v.length === 0 ? 0n : bytesToBigInt(v);
    },
    async putStorage(address, slot, value) {
      await account(address, true);
      const bytes = value === 0n ? new Uint8Array(0) : bigIntToBytes(value);
      await sm.putStorage(createAddressFromString(address), key(slot), bytes);
    },
    async getBalance(address) {
      return (await account(address, false))?.balance ?? 0n;
    },
    async addBalance(address, delta) {
      const a =
        (await account(address, false)) ??
        new Account(delta > 0n && isProtocolAccount(address) ? 1n : 0n, 0n);
      const next = a.balance + delta;
      if (next < 0n)
        throw new ProtocolStateError(`balance of ${address} would go negative (${a.balance} + ${delta})`);
      a.balance = next;
      await sm.putAccount(createAddressFromString(address), a);
    },
  };
}

function isProtocolAccount(address: Address): boolean {
  return /^0x0{36}08/i.test(address);
}

/** A port whose writes fail: RPC reads and eth_call-like views can never change state. */
export function readOnlyPort(port: StoragePort): StoragePort {
  const refuse = async (): Promise<never> => {
    throw new ProtocolStateError("read-only protocol state");
  };
  return { getStorage: port.getStorage, getBalance: port.getBalance, putStorage: refuse, addBalance: refuse };
}
