// Finality latency and finalized throughput of the BFT network: real validator processes on
// loopback (1 and 4 validators, same code path), a fixed offered load of pre-signed transfers
// submitted over JSON-RPC at a steady rate (each sender to one fixed node, so nonces arrive in
// order), and a watcher that records when each transaction appears in a committed block.
// Latency = submission → first seen in a committed (final: one-block finality) block on node 0;
// the 20 ms poll of the watcher is included. Throughput = included transfers / (first
// submission → last inclusion). The 1-validator run is the peer figure: the cost of consensus.
// CPU per finalized transaction (user + system time of all validator processes, worker threads
// included, from the first submission to the last inclusion, over included transactions) is
// reported beside them: it depends far less than latency on other work sharing the machine
// (it still grows under contention); the time the validators waited for a core is reported too.
// An offered load above capacity queues, and then latency only measures the queue (it grows
// with the length of the run): so the 4-validator network runs twice, at the fixed offered load
// (its finalized tx/s is the capacity) and again at half the capacity just measured, where
// latency is that of the network rather than of a backlog.
import type { BenchContext, BenchFigure } from "../../scripts/bench-types.js";
import { processCpuMs, processSchedMs } from "../../scripts/process-cpu.js";
import { deriveAccounts } from "../src/crypto/dev-accounts.js";
import type { Hex } from "../src/rpc/backend.js";
import { sleep, startTestNetwork, until, minHeight } from "../test/bft/helpers.js";
import { RpcClient, signWorkload } from "./rpc-throughput.bench.js";

/**
 * Shorter than the genesis default (DEFAULT_BLOCK_TIME_MS, 1000 ms): measured back to back at
 * 1,200 tx/s offered, 1000 ms blocks cost ~6 % less CPU per transaction but finalized fewer per
 * second (a block is capped at what its proposer executes in a third of the propose timeout, so
 * one height per second caps throughput) with a latency floor of half a block time. 250 ms blocks
 * pay the per-height cost (≈ 30 CPU ms per validator, 26.5 idle on the current build) four times
 * a second: on 2 cores, on the build that chose 500 ms, 4 validators finalized 593 tx/s at 250 ms,
 * 837 and 734 at 500 ms, 739 at 750 ms. With the light transaction decoder, 50 ms tx gossip and
 * the one-write trie-node encoding, 500 ms blocks finalize the whole 1,200 tx/s offered
 * (1,148–1,171 tx/s at 1.33–1.41 CPU ms/tx; BENCHMARKS.md).
 */
const BLOCK_TIME_MS = 500;
const TICK_MS = 50;
const SENDERS = 10;

interface RunResult {
  p50: number;
  p99: number;
  tps: number;
  /** CPU ms of all validator processes per included transaction (NaN where /proc is missing). */
  cpuMsPerTx: number;
  included: number;
  offered: number;
  /**
   * Time the validator processes' threads spent runnable but waiting for a core, per ms they ran
   * (same window): ≈ 0 on an idle machine; 1 means every ms of work waited another ms for a core.
   */
  waitPerCpuMs: number;
}

function networkCpuMs(net: { nodes: { proc: { pid?: number } | null }[] }): number {
  return net.nodes.reduce((sum, n) => sum + processCpuMs(n.proc?.pid), 0);
}

function networkWaitMs(net: { nodes: { proc: { pid?: number } | null }[] }): number {
  return net.nodes.reduce((sum, n) => sum + processSchedMs(n.proc?.pid).waiting, 0);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function runOnce(
  validators: number,
  rate: number,
  seconds: number,
  log: (l: string) => void,
): Promise<RunResult> {
  const net = await startTestNetwork(validators, BLOCK_TIME_MS);
  try {
    await until(
      async () => (await minHeight(net.nodes)) >= 2,
      `${validators} validator(s) to start`,
      240_000,
    );
    const clients = net.nodes.map((n) => new RpcClient(n.rpcUrl, 4));
    const accounts = deriveAccounts(SENDERS);
    const perSender = Math.ceil((rate * seconds) / SENDERS);
    // Sender s submits to node s % n; sign against that node's view of nonces and fees.
    const work = (
      await Promise.all(
        accounts.map((a, s) =>
          signWorkload(clients[s % clients.length]!, [a], perSender, net.plan.chainId, s, 100_000_000_000n),
        ),
      )
    ).map((w) => w[0]!);
    log(
      `finality: ${validators} validator(s), ${work.length * perSender} transfers signed, offering ${rate}/s`,
    );

    const submitted = new Map<string, number>();
    const latencies: number[] = [];
    let lastInclusion = 0;
    let cpuAtLastInclusion = NaN;
    let waitAtLastInclusion = NaN;
    let stop = false;
    const watcher = (async () => {
      let h = await net.nodes[0]!.height();
      while (!stop) {
        const b = await clients[0]!.call<{ transactions: Hex[] } | null>("eth_getBlockByNumber", [
          `0x${(h + 1).toString(16)}`,
          false,
        ]);
        if (!b) {
          await sleep(20);
          continue;
        }
        const now = performance.now();
        for (const tx of b.transactions) {
          const t = submitted.get(tx);
          if (t !== undefined) {
            latencies.push(now - t);
            lastInclusion = now;
          }
        }
        if (lastInclusion === now) {
          cpuAtLastInclusion = networkCpuMs(net);
          waitAtLastInclusion = networkWaitMs(net);
        }
        h++;
      }
    })();

    const perTick = (rate * TICK_MS) / 1000;
    const cpu0 = networkCpuMs(net);
    const wait0 = networkWaitMs(net);
    const t0 = performance.now();
    let sent = 0;
    const total = work.length * perSender;
    const sends: Promise<unknown>[] = [];
    for (let tick = 0; sent < total; tick++) {
      const due = Math.min(total, Math.round((tick + 1) * perTick));
      const byNode = new Map<number, Hex[]>();
      for (; sent < due; sent++) {
        const s = sent % work.length;
        const raw = work[s]!.raws[Math.floor(sent / work.length)]!;
        const node = s % clients.length;
        if (!byNode.has(node)) byNode.set(node, []);
        byNode.get(node)!.push(raw);
      }
      const now = performance.now();
      for (const [node, raws] of byNode) {
        sends.push(
          clients[node]!.batch(
            "eth_sendRawTransaction",
            raws.map((r) => [r]),
          ).then((replies) => {
            for (const r of replies) if (typeof r.result === "string") submitted.set(r.result, now);
          }),
        );
      }
      const next = t0 + (tick + 1) * TICK_MS;
      await sleep(Math.max(0, next - performance.now()));
    }
    await Promise.all(sends);
    const accepted = submitted.size;
    const end = performance.now() + 30_000;
    while (latencies.length < accepted && performance.now() < end) await sleep(100);
    stop = true;
    await watcher;
    latencies.sort((a, b) => a - b);
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      tps: latencies.length / ((lastInclusion - t0) / 1000),
      cpuMsPerTx: (cpuAtLastInclusion - cpu0) / latencies.length,
      included: latencies.length,
      offered: total,
      waitPerCpuMs: (waitAtLastInclusion - wait0) / (cpuAtLastInclusion - cpu0),
    };
  } finally {
    await net.close();
  }
}

export default async function finality(ctx: BenchContext): Promise<BenchFigure[]> {
  const rate = ctx.quick ? 500 : 1200;
  const seconds = ctx.quick ? 4 : 10;
  const say = (what: string, r: RunResult): void =>
    ctx.log(
      `finality ${what}: p50 ${r.p50.toFixed(0)} ms p99 ${r.p99.toFixed(0)} ms ${r.tps.toFixed(0)} tx/s, ${r.cpuMsPerTx.toFixed(2)} CPU ms/tx, ${r.included}/${r.offered} included, ${r.waitPerCpuMs.toFixed(2)} ms waiting for a core per CPU ms`,
    );
  const one = await runOnce(1, rate, seconds, ctx.log);
  say(`1 validator at ${rate} tx/s`, one);
  const four = await runOnce(4, rate, seconds, ctx.log);
  say(`4 validators at ${rate} tx/s`, four);
  // Half the capacity just measured (never above the fixed load), in whole tens of tx/s.
  const belowRate = Math.max(10, Math.min(rate, Math.floor(four.tps / 20) * 10));
  const belowSeconds = 2 * seconds;
  const below = await runOnce(4, belowRate, belowSeconds, ctx.log);
  say(`4 validators at ${belowRate} tx/s (half capacity)`, below);
  const notes = (r: RunResult, n: number, offered = rate, secs = seconds): string =>
    `${n} validator process(es) on loopback, block time ${BLOCK_TIME_MS} ms, offered ${offered} tx/s for ${secs} s, ${r.included}/${r.offered} included; ${r.waitPerCpuMs.toFixed(2)} ms waiting for a core per CPU ms (machine load)`;
  const belowNotes = `${notes(below, 4, belowRate, belowSeconds)}: half the finalized tx/s measured at ${rate} tx/s offered, so no backlog builds`;
  return [
    {
      name: "finality.p50_ms_4_validators",
      value: four.p50,
      unit: "ms",
      better: "lower",
      peer: { name: "1 validator", value: one.p50 },
      target: 1000,
      notes: notes(four, 4),
    },
    {
      name: "finality.p99_ms_4_validators",
      value: four.p99,
      unit: "ms",
      better: "lower",
      peer: { name: "1 validator", value: one.p99 },
      target: 2000,
      notes: notes(four, 4),
    },
    {
      name: "finality.finalized_tx_per_s_4_validators",
      value: four.tps,
      unit: "tx/s",
      better: "higher",
      peer: { name: "1 validator", value: one.tps },
      target: 1000,
      notes: notes(four, 4),
    },
    {
      name: "finality.p50_ms_4_validators_half_capacity",
      value: below.p50,
      unit: "ms",
      better: "lower",
      target: 1000,
      notes: belowNotes,
    },
    {
      name: "finality.p99_ms_4_validators_half_capacity",
      value: below.p99,
      unit: "ms",
      better: "lower",
      target: 2000,
      notes: belowNotes,
    },
    {
      name: "finality.cpu_ms_per_tx_4_validators",
      value: four.cpuMsPerTx,
      unit: "ms",
      better: "lower",
      peer: { name: "1 validator", value: one.cpuMsPerTx },
      notes: `CPU time of all 4 validator processes per finalized transaction; ${notes(four, 4)}`,
    },
  ];
}
