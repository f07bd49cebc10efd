import { afterAll, describe, expect, it } from "vitest";
import { createFeeMarket1559Tx, createLegacyTx } from "@ethereumjs/tx";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { deriveAccounts } from "./dev-accounts.js";
import { RecoverPool } from "./recover-pool.js";
import { makeTxCommon } from "../execution/common.js";
import { TxDecodeError, prepareTx, prepareTxAsync, prepareTxs } from "../execution/tx.js";

const common = makeTxCommon(42n);
const accounts = deriveAccounts(3);
const pool = new RecoverPool(2);
afterAll(() => pool.close());

function signed(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const key = hexToBytes(accounts[i % 3]!.privateKey);
    return i % 2
      ? createLegacyTx(
          { nonce: BigInt(i), to: new Uint8Array(20).fill(7), value: 1n, gasLimit: 21000n, gasPrice: 1n },
          { common },
        )
          .sign(key)
          .serialize()
      : createFeeMarket1559Tx(
          {
            chainId: 42n,
            nonce: BigInt(i),
            to: new Uint8Array(20).fill(7),
            value: 1n,
            gasLimit: 21000n,
            maxFeePerGas: 2n,
            maxPriorityFeePerGas: 1n,
          },
          { common },
        )
          .sign(key)
          .serialize();
  });
}

describe("parallel sender recovery", () => {
  it("recovers the same senders as the inline path, in order", async () => {
    const raws = signed(300);
    const batch = await prepareTxs(raws, common, pool);
    expect(batch.map((p) => bytesToHex(p.sender.bytes))).toEqual(
      raws.map((r) => bytesToHex(prepareTx(r, common).sender.bytes)),
    );
    expect(bytesToHex(batch[4]!.sender.bytes)).toBe(accounts[1]!.address.toLowerCase());
    // The tx objects carry the recovered key: EthereumJS does not recover again.
    expect(bytesToHex(batch[7]!.tx.getSenderAddress().bytes)).toBe(bytesToHex(batch[7]!.sender.bytes));
  });

  it("recovers concurrent single transactions (RPC admission) off the main thread", async () => {
    const raws = signed(40);
    const out = await Promise.all(raws.map((r) => prepareTxAsync(r, common, pool)));
    expect(out.map((p) => bytesToHex(p.sender.bytes))).toEqual(
      raws.map((r) => bytesToHex(prepareTx(r, common).sender.bytes)),
    );
  });

  it("rejects a tampered signature in a batch", async () => {
    const raws = signed(100);
    const bad = raws[50]!.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff; // last byte of s
    raws[50] = bad;
    // Either the signature no longer recovers, or it recovers someone else: never the signer.
    const out = await prepareTxs(raws, common, pool).catch((e: unknown) => e);
    if (out instanceof TxDecodeError) expect(out.message).toMatch(/invalid sender|invalid transaction/);
    else
      expect(bytesToHex((out as Awaited<ReturnType<typeof prepareTxs>>)[50]!.sender.bytes)).not.toBe(
        accounts[50 % 3]!.address.toLowerCase(),
      );
  });
});
