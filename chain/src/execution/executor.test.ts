// The transfer fast path must be indistinguishable from EthereumJS runTx: same state root,
// same receipts, same accept/reject decisions, block after block.
import { describe, expect, it } from "vitest";
import { createAccessList2930Tx, createFeeMarket1559Tx, createLegacyTx } from "@ethereumjs/tx";
import { Account, Address, bytesToHex, hexToBytes } from "@ethereumjs/util";
import { MapDB } from "@ethereumjs/util";
import { deriveAccounts } from "../crypto/dev-accounts.js";
import { EMPTY_TRIE_ROOT } from "./block.js";
import { makeCommon, makeTxCommon } from "./common.js";
import { Executor, openStateManager } from "./executor.js";
import type { BlockEnv, ExecutedBlock } from "./executor.js";
import { prepareTx } from "./tx.js";

const CHAIN_ID = 777n;
const common = makeCommon(CHAIN_ID);
const txCommon = makeTxCommon(CHAIN_ID);
const accounts = deriveAccounts(4);
const keys = accounts.map((a) => hexToBytes(a.privateKey));
const COINBASE = hexToBytes("0x00000000000000000000000000000000000c0ffe");
const fresh = (i: number) => hexToBytes(`0x${"ab".repeat(18)}${i.toString(16).padStart(4, "0")}`);

async function newExecutor(fastTransfers: boolean): Promise<Executor> {
  const db = new MapDB<string, string | Uint8Array>();
  const state = openStateManager(common, db, EMPTY_TRIE_ROOT);
  await state.checkpoint();
  for (const a of accounts)
    await state.putAccount(new Address(hexToBytes(a.address)), new Account(0n, 10n ** 21n));
  // A pre-existing empty account: a zero-value transfer touching it must delete it (EIP-158).
  await state.putAccount(new Address(fresh(0xeeee)), new Account(0n, 0n));
  await state.commit();
  const root = await state.getStateRoot();
  return Executor.create({ common, db, stateRoot: root, blockHash: async () => undefined, fastTransfers });
}

function env(n: bigint, baseFee: bigint): BlockEnv {
  return {
    parentHash: new Uint8Array(32),
    number: n,
    timestamp: 1000n + n,
    coinbase: COINBASE,
    gasLimit: 30_000_000n,
    baseFeePerGas: baseFee,
    mixHash: new Uint8Array(32),
    extraData: new Uint8Array(0),
  };
}

/** A mix of transfers: all tx types, self-transfer, to the coinbase, zero value, with data, invalid ones. */
function blockTxs(block: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  // Senders 0-2 send 6, 4 and 5 valid txs per block; sender 3 only invalid ones.
  const nonces = [BigInt(block) * 6n, BigInt(block) * 4n, BigInt(block) * 5n, 0n];
  const next = (s: number) => nonces[s]!++;
  const fee = { maxFeePerGas: 3_000_000_000n, maxPriorityFeePerGas: 7n };
  for (let i = 0; i < 6; i++) {
    out.push(
      createFeeMarket1559Tx(
        {
          chainId: CHAIN_ID,
          nonce: next(0),
          to: fresh(block * 10 + i),
          value: 1000n + BigInt(i),
          gasLimit: 21000n,
          ...fee,
        },
        { common: txCommon },
      )
        .sign(keys[0]!)
        .serialize(),
    );
  }
  out.push(
    createLegacyTx(
      { nonce: next(1), to: fresh(1), value: 5n, gasLimit: 30000n, gasPrice: 2_000_000_000n },
      { common: txCommon },
    )
      .sign(keys[1]!)
      .serialize(),
  );
  out.push(
    createAccessList2930Tx(
      {
        chainId: CHAIN_ID,
        nonce: next(1),
        to: fresh(2),
        value: 6n,
        gasLimit: 30000n,
        gasPrice: 2_000_000_000n,
        accessList: [],
      },
      { common: txCommon },
    )
      .sign(keys[1]!)
      .serialize(),
  );
  // With an access list: the EVM path, interleaved with fast-path txs of the same sender.
  out.push(
    createAccessList2930Tx(
      {
        chainId: CHAIN_ID,
        nonce: next(1),
        to: fresh(3),
        value: 7n,
        gasLimit: 30000n,
        gasPrice: 2_000_000_000n,
        accessList: [{ address: bytesToHex(fresh(9)), storageKeys: [] }],
      },
      { common: txCommon },
    )
      .sign(keys[1]!)
      .serialize(),
  );
  out.push(
    createFeeMarket1559Tx(
      { chainId: CHAIN_ID, nonce: next(1), to: fresh(4), value: 8n, gasLimit: 21000n, ...fee },
      { common: txCommon },
    )
      .sign(keys[1]!)
      .serialize(),
  );
  // Self-transfer, transfer to the coinbase, zero value to an absent and to an empty account, calldata.
  out.push(
    createFeeMarket1559Tx(
      {
        chainId: CHAIN_ID,
        nonce: next(2),
        to: hexToBytes(accounts[2]!.address),
        value: 9n,
        gasLimit: 21000n,
        ...fee,
      },
      { common: txCommon },
    )
      .sign(keys[2]!)
      .serialize(),
  );
  out.push(
    createFeeMarket1559Tx(
      { chainId: CHAIN_ID, nonce: next(2), to: COINBASE, value: 10n, gasLimit: 21000n, ...fee },
      { common: txCommon },
    )
      .sign(keys[2]!)
      .serialize(),
  );
  out.push(
    createFeeMarket1559Tx(
      { chainId: CHAIN_ID, nonce: next(2), to: fresh(0xdddd), value: 0n, gasLimit: 21000n, ...fee },
      { common: txCommon },
    )
      .sign(keys[2]!)
      .serialize(),
  );
  out.push(
    createFeeMarket1559Tx(
      { chainId: CHAIN_ID, nonce: next(2), to: fresh(0xeeee), value: 0n, gasLimit: 21000n, ...fee },
      { common: txCommon },
    )
      .sign(keys[2]!)
      .serialize(),
  );
  out.push(
    createFeeMarket1559Tx(
      {
        chainId: CHAIN_ID,
        nonce: next(2),
        to: fresh(5),
        value: 1n,
        gasLimit: 30000n,
        data: hexToBytes("0x00ff00ff"),
        ...fee,
      },
      { common: txCommon },
    )
      .sign(keys[2]!)
      .serialize(),
  );
  // Invalid in this block: nonce gap, intrinsic gas, too expensive, fee cap below base fee.
  out.push(
    createFeeMarket1559Tx(
      { chainId: CHAIN_ID, nonce: nonces[3]! + 5n, to: fresh(6), value: 1n, gasLimit: 21000n, ...fee },
      { common: txCommon },
    )
      .sign(keys[3]!)
      .serialize(),
  );
  out.push(
    createFeeMarket1559Tx(
      { chainId: CHAIN_ID, nonce: nonces[3]!, to: fresh(6), value: 1n, gasLimit: 20000n, ...fee },
      { common: txCommon },
    )
      .sign(keys[3]!)
      .serialize(),
  );
  out.push(
    createFeeMarket1559Tx(
      { chainId: CHAIN_ID, nonce: nonces[3]!, to: fresh(6), value: 10n ** 24n, gasLimit: 21000n, ...fee },
      { common: txCommon },
    )
      .sign(keys[3]!)
      .serialize(),
  );
  out.push(
    createFeeMarket1559Tx(
      {
        chainId: CHAIN_ID,
        nonce: nonces[3]!,
        to: fresh(6),
        value: 1n,
        gasLimit: 21000n,
        maxFeePerGas: 10n,
        maxPriorityFeePerGas: 1n,
      },
      { common: txCommon },
    )
      .sign(keys[3]!)
      .serialize(),
  );
  return out;
}

function summary(b: ExecutedBlock) {
  return {
    stateRoot: bytesToHex(b.stateRoot),
    receiptsRoot: bytesToHex(b.receiptsRoot),
    transactionsRoot: bytesToHex(b.transactionsRoot),
    gasUsed: b.gasUsed,
    included: b.txs.map((p) => bytesToHex(p.hash)),
    rejected: b.rejected.map((r) => r.reason),
    receipts: b.receipts.map((r) => ({ ...r })),
  };
}

describe("transfer fast path", () => {
  it("produces the same blocks as EthereumJS runTx", async () => {
    const fast = await newExecutor(true);
    const slow = await newExecutor(false);
    expect(bytesToHex(fast.stateRoot)).toBe(bytesToHex(slow.stateRoot));
    for (let n = 0; n < 3; n++) {
      const txs = blockTxs(n).map((r) => prepareTx(r, txCommon));
      const a = await fast.executeBlock(env(BigInt(n + 1), 1_000_000_000n), txs, "build");
      const b = await slow.executeBlock(env(BigInt(n + 1), 1_000_000_000n), txs, "build");
      fast.committed(a);
      slow.committed(b);
      expect(summary(a)).toEqual(summary(b));
      expect(a.rejected.map((r) => r.reason)).toEqual([
        "nonce too high",
        "intrinsic gas too low",
        "insufficient funds for gas * price + value",
        "max fee per gas less than block base fee",
      ]);
      expect(a.txs.length).toBe(15);
    }
    // The empty account touched by a zero-value transfer is gone; the absent one never appeared.
    expect(await fast.state.getAccount(new Address(fresh(0xeeee)))).toBeUndefined();
    expect(await fast.state.getAccount(new Address(fresh(0xdddd)))).toBeUndefined();
  });

  it("fails a block in verify mode on the first invalid transaction and keeps the old state", async () => {
    const ex = await newExecutor(true);
    const before = bytesToHex(ex.stateRoot);
    const txs = blockTxs(0).map((r) => prepareTx(r, txCommon));
    await expect(ex.executeBlock(env(1n, 1_000_000_000n), txs, "verify")).rejects.toThrow(/nonce too high/);
    expect(bytesToHex(ex.stateRoot)).toBe(before);
    const ok = await ex.executeBlock(env(1n, 1_000_000_000n), txs.slice(0, 15), "verify");
    expect(ok.txs).toHaveLength(15);
  });
});
