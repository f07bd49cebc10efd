import { describe, expect, it } from "vitest";
import { createFeeMarket1559Tx, createLegacyTx } from "@ethereumjs/tx";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { deriveAccounts } from "../crypto/dev-accounts.js";
import { makeTxCommon } from "../execution/common.js";
import { prepareTx } from "../execution/tx.js";
import type { PreparedTx } from "../execution/executor.js";
import type { Hex } from "../rpc/backend.js";
import { Mempool, MempoolError } from "./mempool.js";
import type { AccountInfo } from "./mempool.js";

const CHAIN_ID = 31n;
const common = makeTxCommon(CHAIN_ID);
const keys = deriveAccounts(4).map((a) => ({
  address: a.address.toLowerCase() as Hex,
  key: hexToBytes(a.privateKey),
}));
const TO = hexToBytes("0x3333333333333333333333333333333333333333");
const GWEI = 1_000_000_000n;

function tx(
  sender: number,
  nonce: number,
  o: { tip?: bigint; cap?: bigint; gas?: bigint; value?: bigint } = {},
): PreparedTx {
  const raw = createFeeMarket1559Tx(
    {
      chainId: CHAIN_ID,
      nonce: BigInt(nonce),
      to: TO,
      value: o.value ?? 1n,
      gasLimit: o.gas ?? 21000n,
      maxFeePerGas: o.cap ?? 10n * GWEI,
      maxPriorityFeePerGas: o.tip ?? GWEI,
    },
    { common },
  )
    .sign(keys[sender]!.key)
    .serialize();
  return prepareTx(raw, common);
}

function pool(o: { maxPerSender?: number; maxTotal?: number; balance?: bigint } = {}) {
  const state = new Map<string, AccountInfo>();
  const mp = new Mempool({
    blockGasLimit: 30_000_000n,
    baseFee: () => GWEI,
    getAccount: async (a) => state.get(a) ?? { nonce: 0n, balance: o.balance ?? 10n ** 21n },
    maxPerSender: o.maxPerSender,
    maxTotal: o.maxTotal,
  });
  return { mp, state };
}

async function reject(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MempoolError);
    return (e as Error).message;
  }
  throw new Error("expected a rejection");
}

describe("mempool", () => {
  it("splits pending (contiguous nonces) from queued (after a gap)", async () => {
    const { mp } = pool();
    await mp.add(tx(0, 0));
    await mp.add(tx(0, 1));
    await mp.add(tx(0, 3));
    expect(mp.counts()).toEqual({ pending: 2, queued: 1 });
    expect(mp.pendingNonce(keys[0]!.address)).toBe(2n);
    expect(mp.select(30_000_000n).map((p) => p.tx.nonce)).toEqual([0n, 1n]);
    await mp.add(tx(0, 2));
    expect(mp.counts()).toEqual({ pending: 4, queued: 0 });
  });

  it("rejects with geth's messages", async () => {
    const { mp, state } = pool();
    state.set(keys[1]!.address, { nonce: 5n, balance: 10n ** 21n });
    const t = tx(0, 0);
    await mp.add(t);
    expect(await reject(mp.add(t))).toBe("already known");
    expect(await reject(mp.add(tx(1, 4)))).toBe("nonce too low");
    expect(await reject(mp.add(tx(0, 1, { gas: 20_000n })))).toBe("intrinsic gas too low");
    expect(await reject(mp.add(tx(0, 1, { cap: GWEI - 1n, tip: 1n })))).toBe(
      "max fee per gas less than block base fee",
    );
    expect(await reject(mp.add(tx(0, 1, { gas: 30_000_001n })))).toBe("exceeds block gas limit");
    expect(await reject(mp.add(tx(0, 1, { value: 10n ** 22n })))).toBe(
      "insufficient funds for gas * price + value",
    );
  });

  it("counts the sender's queued costs against its balance", async () => {
    const cost = 21000n * 10n * GWEI + 1n;
    const { mp } = pool({ balance: 2n * cost });
    await mp.add(tx(0, 0));
    await mp.add(tx(0, 1));
    expect(await reject(mp.add(tx(0, 2)))).toBe("insufficient funds for gas * price + value");
  });

  it("replaces only with a 10% higher tip and fee cap", async () => {
    const { mp } = pool();
    const first = tx(0, 0, { tip: 10n * GWEI, cap: 20n * GWEI });
    await mp.add(first);
    expect(await reject(mp.add(tx(0, 0, { tip: 10n * GWEI, cap: 20n * GWEI, value: 2n })))).toBe(
      "replacement transaction underpriced",
    );
    expect(await reject(mp.add(tx(0, 0, { tip: 11n * GWEI, cap: 21n * GWEI })))).toBe(
      "replacement transaction underpriced",
    );
    const second = tx(0, 0, { tip: 11n * GWEI, cap: 22n * GWEI });
    await mp.add(second);
    expect(mp.size).toBe(1);
    expect(mp.has(bytesToHex(first.hash) as Hex)).toBe(false);
    expect(mp.has(bytesToHex(second.hash) as Hex)).toBe(true);
  });

  it("caps per sender and in total, evicting the lowest-paying when a better one arrives", async () => {
    const { mp } = pool({ maxPerSender: 2, maxTotal: 3 });
    await mp.add(tx(0, 0));
    await mp.add(tx(0, 1));
    expect(await reject(mp.add(tx(0, 2)))).toBe("txpool is full");
    await mp.add(tx(1, 0, { tip: 2n * GWEI }));
    expect(await reject(mp.add(tx(2, 0, { tip: GWEI })))).toBe("txpool is full");
    const rich = tx(2, 0, { tip: 3n * GWEI });
    await mp.add(rich);
    expect(mp.size).toBe(3);
    expect(mp.has(bytesToHex(rich.hash) as Hex)).toBe(true);
    // The victim was the cheapest sender's last transaction (sender 0, nonce 1).
    expect(mp.pendingNonce(keys[0]!.address)).toBe(1n);
  });

  it("selects by tip across senders, nonce order within one, up to the gas limit", async () => {
    const { mp } = pool();
    await mp.add(tx(0, 0, { tip: 1n * GWEI }));
    await mp.add(tx(0, 1, { tip: 9n * GWEI }));
    await mp.add(tx(1, 0, { tip: 5n * GWEI }));
    const order = mp
      .select(30_000_000n)
      .map((p) => `${keys.findIndex((k) => k.address === bytesToHex(p.sender.bytes))}:${p.tx.nonce}`);
    expect(order).toEqual(["1:0", "0:0", "0:1"]);
    expect(mp.select(42_000n)).toHaveLength(2);
  });

  it("drops included and stale transactions after a block", async () => {
    const { mp } = pool();
    const a = tx(0, 0);
    await mp.add(a);
    await mp.add(tx(0, 1));
    await mp.add(tx(1, 0));
    // Another validator's block: our nonce-1 tx was replaced by one this pool never saw.
    await mp.onBlockCommitted([a, tx(0, 1, { value: 7n })], []);
    expect(mp.size).toBe(1);
    // The sender stays known: its next nonce without a state read.
    expect(mp.pendingNonce(keys[0]!.address)).toBe(2n);
  });

  it("advances nonces without state reads and reads the balance before refusing for funds", async () => {
    const { mp, state } = pool({ balance: 10n ** 16n });
    const a = tx(0, 0, { value: 9n * 10n ** 15n });
    await mp.add(a);
    await mp.add(tx(0, 1));
    // The lower bound after the block (balance − gas × cap − value) cannot pay this one...
    state.set(keys[0]!.address, { nonce: 1n, balance: 10n ** 16n });
    await mp.onBlockCommitted([a], []);
    expect(mp.pendingNonce(keys[0]!.address)).toBe(2n);
    // ...but the committed balance (someone refunded the sender) can: admitted after a read.
    await expect(mp.add(tx(0, 2, { value: 5n * 10n ** 15n }))).resolves.toMatch(/^0x/);
    await expect(mp.add(tx(0, 3, { value: 5n * 10n ** 15n }))).rejects.toThrow(
      "insufficient funds for gas * price + value",
    );
  });

  it("accepts legacy transactions and prices them by gas price", async () => {
    const { mp } = pool();
    const raw = createLegacyTx(
      { nonce: 0n, to: TO, value: 1n, gasLimit: 21000n, gasPrice: 2n * GWEI },
      { common },
    )
      .sign(keys[3]!.key)
      .serialize();
    await mp.add(prepareTx(raw, common));
    expect(mp.get(bytesToHex(prepareTx(raw, common).hash) as Hex)?.tip).toBe(2n * GWEI);
  });
});
