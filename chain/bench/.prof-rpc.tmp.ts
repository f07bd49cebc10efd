// temp profiling harness (not committed)
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { RpcClient, benchSenders, fundSenders, roundWorkload, runWorkload, BENCH_FEE_CAP, type Peer } from "./rpc-throughput.bench.js";
import type { Hex } from "../src/rpc/backend.js";

const rounds = Number(process.argv[2] ?? 2);
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
const dataDir = mkdtempSync("/tmp/tc-prof-");
const extra = (process.env.NODE_EXTRA ?? "").split(" ").filter(Boolean);
const child = spawn(process.execPath, [...extra, "bin/tensorchain.js", "start", "--dev", "--data-dir", dataDir, "--rpc-port", "0", "--block-time", process.env.BT ?? "100"], { stdio: ["ignore", "pipe", "pipe"] });
let log = "";
const port = await new Promise<number>((res) => { const on = (d: Buffer) => { log += d; const m = /RPC listening on http:\/\/[^:]+:(\d+)/.exec(log); if (m) res(Number(m[1])); }; child.stdout!.on("data", on); child.stderr!.on("data", on); });
const node = { rpcUrl: `http://127.0.0.1:${port}`, dataDir, output: () => log, stop: async () => { child.kill("SIGTERM"); await new Promise((r) => child.once("exit", r)); } };
const client = new RpcClient(node.rpcUrl, 5);
const pid = child.pid!;
const cpuMain = () => { const f = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8").split(") ")[1]!.split(" "); return (Number(f[11]) + Number(f[12])) / 100; };
const cpu = () => { const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" "); return (Number(f[11]) + Number(f[12])) / 100; };
const peer: Peer = { name: "ours", client, chainId: 0, stop: async () => {} };
const senders = benchSenders(320);
await fundSenders([peer], senders.addresses, BigInt(rounds * 32 + 1) * 21_000n * BENCH_FEE_CAP);
for (let r = 0; r < rounds; r++) {
  const work = await roundWorkload([peer], senders, 32, r);
  const h0 = BigInt(await client.call<Hex>("eth_blockNumber"));
  const c0 = cpu(); const m0 = cpuMain(); const cu0 = process.cpuUsage();
  const { seconds, sendSeconds, count } = await runWorkload(client, work);
  const c1 = cpu(); const m1 = cpuMain(); const cu = process.cpuUsage(cu0);
  const h1 = BigInt(await client.call<Hex>("eth_blockNumber"));
  const sizes: number[] = [];
  for (let n = h0 + 1n; n <= h1; n++) {
    const c = await client.call<Hex>("eth_getBlockTransactionCountByNumber", ["0x" + n.toString(16)]);
    if (BigInt(c) > 0n) sizes.push(Number(BigInt(c)));
  }
  console.log(`round ${r}: ${count} in ${seconds.toFixed(2)} s (${(count / seconds).toFixed(0)} tx/s) accepted ${sendSeconds.toFixed(2)} s, node cpu ${(c1 - c0).toFixed(2)} s main ${(m1 - m0).toFixed(2)} s client ${((cu.user + cu.system) / 1e6).toFixed(2)} s; blocks ${sizes.join(",")}`);
}
console.log(node.output().split("\n").filter((l) => l.includes("TMPPROF")).join("\n"));
client.close();
await node.stop();
