// The seam the BFT engine drives: a block proposed on one node re-executes on another to the
// same hash; a tampered block is refused and leaves the verifier's state untouched.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { Address, bytesToHex, hexToBytes } from "@ethereumjs/util";
import { deriveAccounts } from "../crypto/dev-accounts.js";
import { hashHeader } from "../execution/block.js";
import { makeCommon } from "../execution/common.js";
import { InvalidBlockError } from "../execution/executor.js";
import { prepareTx } from "../execution/tx.js";
import { buildGenesis } from "../genesis/schema.js";
import { Mempool } from "../mempool/mempool.js";
import { TEN } from "../protocol/params.js";
import { Chain } from "./chain.js";

const dirs: string[] = [];
const chains: Chain[] = [];
afterAll(async () => {
  for (const c of chains) await c.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const accounts = deriveAccounts(3);
const genesis = buildGenesis({
  chainId: 9191,
  networkName: "apply-test",
  genesisTime: 1_700_000_000,
  validators: [
    {
      hotkey: "0x00000000000000000000000000000000000000c0",
      consensusPublicKey: `0x02${"11".repeat(32)}`,
      stake: TEN,
    },
  ],
  accounts: accounts.map((a) => ({ address: a.address, balance: 100n * TEN })),
});

async function open(): Promise<Chain> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tensorchain-chain-test-"));
  dirs.push(dir);
  const c = await Chain.open({ dataDir: dir, genesis, common: makeCommon(genesis.chainId) });
  chains.push(c);
  return c;
}

/** 5 transfers from each account, signed for chain `a`. */
function signedTransfers(a: Chain): Uint8Array[] {
  const raws: Uint8Array[] = [];
  for (let n = 0; n < 5; n++) {
    for (const [i, acct] of accounts.entries()) {
      raws.push(
        createFeeMarket1559Tx(
          {
            chainId: 9191n,
            nonce: BigInt(n),
            to: hexToBytes(accounts[(i + 1) % 3]!.address),
            value: 1000n,
            gasLimit: 21000n,
            maxFeePerGas: 10n ** 10n,
            maxPriorityFeePerGas: 1n,
          },
          { common: a.txCommon },
        )
          .sign(hexToBytes(acct.privateKey))
          .serialize(),
      );
    }
  }
  return raws;
}

/** A mempool over `a`'s head holding `raws`, and a block proposed from it (not committed). */
async function propose(a: Chain, raws: Uint8Array[]) {
  const mempool = new Mempool({
    blockGasLimit: genesis.blockGasLimit,
    baseFee: () => a.nextEnv(new Uint8Array(20), Date.now()).baseFeePerGas,
    getAccount: async (addr) => {
      const acct = await a.viewAt(a.head.header).getAccount(new Address(hexToBytes(addr)));
      return { nonce: acct?.nonce ?? 0n, balance: acct?.balance ?? 0n };
    },
  });
  for (const raw of raws) await mempool.add(prepareTx(raw, a.txCommon));
  const coinbase = hexToBytes("0x00000000000000000000000000000000000000c0");
  return a.proposeBlock(mempool, coinbase, 1_700_000_001_000);
}

describe("propose on one node, apply on another", () => {
  it("re-executes to the same block and refuses a tampered one", async () => {
    const a = await open();
    const b = await open();
    expect(bytesToHex(a.head.hash)).toBe(bytesToHex(b.head.hash));
    const c1 = await propose(a, signedTransfers(a));
    expect(c1.block.txs).toHaveLength(15);
    await a.commitBlock(c1);

    // A tampered copy: a different state root (and a hash consistent with it).
    const forged = { ...c1.block, header: { ...c1.block.header, stateRoot: new Uint8Array(32).fill(9) } };
    forged.hash = hashHeader(forged.header);
    await expect(b.applyBlock(forged)).rejects.toThrow(InvalidBlockError);
    expect(b.head.header.number).toBe(0n);

    const applied = await b.applyBlock(c1.block);
    await b.commitBlock(applied);
    expect(bytesToHex(b.head.hash)).toBe(bytesToHex(a.head.hash));
    expect(bytesToHex(b.head.header.stateRoot)).toBe(bytesToHex(a.head.header.stateRoot));
    const bal = await b.viewAt(b.head.header).getAccount(new Address(hexToBytes(accounts[0]!.address)));
    expect(bal?.nonce).toBe(5n);
  });

  it("reuses already-verified transactions only where hash and bytes match", async () => {
    const a = await open();
    const b = await open();
    const raws = signedTransfers(a);
    const c1 = await propose(a, raws);
    await a.discardBlock(c1);
    // What b's mempool would hold: the same transactions, decoded and recovered on admission.
    const verified = new Map(raws.map((r) => prepareTx(r, b.txCommon)).map((p) => [bytesToHex(p.hash), p]));
    const reused = await b.applyBlock(c1.block, (h) => verified.get(bytesToHex(h)));
    expect(bytesToHex(reused.block.hash)).toBe(bytesToHex(c1.block.hash));
    reused.executed.txs.forEach((p) => expect(p).toBe(verified.get(bytesToHex(p.hash))));
    await b.discardBlock(reused);

    // A lookup answering with other transactions (or a block whose txHashes lie) only loses the
    // shortcut: the bytes decide, and the block still re-executes to its own hash.
    const wrong = prepareTx(raws[0]!, b.txCommon);
    const checked = await b.applyBlock(c1.block, () => wrong);
    expect(bytesToHex(checked.block.hash)).toBe(bytesToHex(c1.block.hash));
    expect(checked.executed.txs.filter((p) => p === wrong)).toHaveLength(1);
    await b.commitBlock(checked);
    expect(bytesToHex(b.head.hash)).toBe(bytesToHex(c1.block.hash));
  });
});
