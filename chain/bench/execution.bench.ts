// Execution throughput: value transfers decoded, sender-recovered, executed and committed
// (LevelDB, atomic per block) per second by our block path, against a stock EthereumJS loop
// (createVM + runTx per tx, default state manager, default crypto) on the same signed txs.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Hardfork, Mainnet, createCustomCommon } from "@ethereumjs/common";
import { createBlock } from "@ethereumjs/block";
import { createFeeMarket1559Tx, createTxFromRLP } from "@ethereumjs/tx";
import { Account, Address, hexToBytes } from "@ethereumjs/util";
import { createVM, runTx } from "@ethereumjs/vm";
import type { BenchContext, BenchFigure } from "../../scripts/bench-types.js";
import "../src/util/polyfills.js";
import { deriveAccounts } from "../src/crypto/dev-accounts.js";
import { secp256k1Backend } from "../src/crypto/secp256k1.js";
import { RecoverPool } from "../src/crypto/recover-pool.js";
import { makeCommon, makeTxCommon } from "../src/execution/common.js";
import { prepareTxs } from "../src/execution/tx.js";
import { buildGenesis, DEV_CHAIN_ID } from "../src/genesis/schema.js";
import { TEN } from "../src/protocol/params.js";
import { Chain } from "../src/node/chain.js";

const SENDERS = 8;

interface Phases {
  decodeRecover: number;
  execute: number;
  commit: number;
  txs: number;
  flush: number;
  roots: number;
}
const BASE_FEE = 1_000_000_000n;

export function signTransfers(n: number): Uint8Array[] {
  const common = makeTxCommon(DEV_CHAIN_ID);
  const keys = deriveAccounts(SENDERS).map((a) => hexToBytes(a.privateKey));
  const nonces = new Array<bigint>(SENDERS).fill(0n);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const s = i % SENDERS;
    // A fresh recipient per transfer: the worst case for the state trie (every tx adds a leaf).
    const to = new Uint8Array(20);
    to[0] = 0xee;
    new DataView(to.buffer).setUint32(16, i + 1);
    const tx = createFeeMarket1559Tx(
      {
        chainId: BigInt(DEV_CHAIN_ID),
        nonce: nonces[s]!++,
        to,
        value: 1000n,
        gasLimit: 21000n,
        maxFeePerGas: 2n * BASE_FEE,
        maxPriorityFeePerGas: 1_000_000n,
      },
      { common },
    ).sign(keys[s]!);
    out.push(tx.serialize());
  }
  return out;
}

export async function ours(raws: Uint8Array[], blockSize: number): Promise<{ perS: number; phases: Phases }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tensorchain-bench-"));
  try {
    const genesis = buildGenesis({
      chainId: DEV_CHAIN_ID,
      networkName: "bench",
      genesisTime: 1_700_000_000,
      validators: [
        {
          hotkey: "0x00000000000000000000000000000000000000c0",
          consensusPublicKey: `0x02${"11".repeat(32)}`,
          stake: TEN,
        },
      ],
      accounts: deriveAccounts(SENDERS).map((a) => ({ address: a.address, balance: 1_000_000n * TEN })),
      initialBaseFee: BASE_FEE,
      blockGasLimit: 1_000_000_000n,
    });
    const common = makeCommon(DEV_CHAIN_ID);
    const chain = await Chain.open({ dataDir: dir, genesis, common });
    const phases: Phases = { decodeRecover: 0, execute: 0, commit: 0, txs: 0, flush: 0, roots: 0 };
    const t0 = performance.now();
    for (let i = 0; i < raws.length; i += blockSize) {
      const a = performance.now();
      const txs = await prepareTxs(raws.slice(i, i + blockSize), chain.txCommon, chain.recoverPool);
      const b = performance.now();
      const env = chain.nextEnv(new Uint8Array(20).fill(0xc0), 1_700_000_000_000 + i);
      const candidate = await chain.executeCandidate(env, txs, "verify");
      const c = performance.now();
      await chain.commitBlock(candidate);
      const d = performance.now();
      phases.decodeRecover += b - a;
      phases.execute += c - b;
      phases.commit += d - c;
      phases.txs += candidate.executed.timings.txs;
      phases.flush += candidate.executed.timings.flush;
      phases.roots += candidate.executed.timings.roots;
    }
    const total = performance.now() - t0;
    await chain.close();
    return { perS: (raws.length / total) * 1000, phases };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function stock(raws: Uint8Array[]): Promise<number> {
  const common = createCustomCommon({ chainId: DEV_CHAIN_ID }, Mainnet, { hardfork: Hardfork.Cancun });
  const vm = await createVM({ common });
  for (const a of deriveAccounts(SENDERS))
    await vm.stateManager.putAccount(new Address(hexToBytes(a.address)), new Account(0n, 1_000_000n * TEN));
  const block = createBlock(
    {
      header: {
        number: 1n,
        baseFeePerGas: BASE_FEE,
        gasLimit: 1_000_000_000n,
        coinbase: `0x${"c0".repeat(20)}`,
      },
    },
    { common },
  );
  const t0 = performance.now();
  for (const raw of raws)
    await runTx(vm, { tx: createTxFromRLP(raw, { common }), block, skipBlockGasLimitValidation: true });
  await vm.stateManager.getStateRoot();
  return (raws.length / (performance.now() - t0)) * 1000;
}

export default async function executionBench(ctx: BenchContext): Promise<BenchFigure[]> {
  const n = ctx.quick ? 1000 : 6000;
  const stockN = ctx.quick ? 200 : 600;
  const rounds = ctx.quick ? 1 : 2;
  const blockSize = 2000;
  ctx.log(`signing ${n} transfers from ${SENDERS} senders`);
  const raws = signTransfers(n);
  // Alternate the two and keep each one's best round: on a shared, noisy machine the best
  // round is the least disturbed one, for both sides alike.
  let peer = 0;
  let best: Awaited<ReturnType<typeof ours>> | undefined;
  for (let r = 0; r < rounds; r++) {
    ctx.log(`round ${r + 1}/${rounds}: stock EthereumJS runTx loop on the first ${stockN}`);
    peer = Math.max(peer, await stock(raws.slice(0, stockN)));
    ctx.log(
      `round ${r + 1}/${rounds}: our block path on all ${n} (blocks of ${blockSize}, LevelDB commit per block)`,
    );
    const o = await ours(raws, blockSize);
    if (!best || o.perS > best.perS) best = o;
  }
  const r = best!;
  const poolSize = RecoverPool.defaultSize();
  const total = r.phases.decodeRecover + r.phases.execute + r.phases.commit;
  const pct = (x: number) => `${Math.round((100 * x) / total)}%`;
  return [
    {
      name: "execution.transfers_per_s",
      value: Math.round(r.perS),
      unit: "tx/s",
      better: "higher",
      peer: { name: "stock EthereumJS createVM+runTx loop", value: Math.round(peer) },
      target: Math.round(10 * peer),
      notes:
        `${n} EIP-1559 transfers, ${SENDERS} senders, a fresh recipient each, blocks of ${blockSize}, best of ${rounds} rounds; ` +
        `stock loop on ${stockN} of the same txs. Time: decode + ${secp256k1Backend} sender recovery on ${poolSize + 1} thread(s) ${pct(r.phases.decodeRecover)}, ` +
        `execute ${pct(r.phases.execute)} (transfers ${pct(r.phases.txs)}, state trie flush ${pct(r.phases.flush)}, tx+receipt roots ${pct(r.phases.roots)}), ` +
        `LevelDB commit ${pct(r.phases.commit)}.`,
    },
  ];
}

// `npx tsx chain/bench/execution.bench.ts [--quick]` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await executionBench({
    log: (l) => console.error(l),
    quick: process.argv.includes("--quick"),
  });
  console.log(JSON.stringify(figures, null, 2));
}
