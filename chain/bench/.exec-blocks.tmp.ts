import { ours, signTransfers } from "./execution.bench.js";
const n = Number(process.argv[2] ?? 20480);
const raws = signTransfers(n);
for (const bs of (process.argv[3] ?? "320,10240").split(",").map(Number)) {
  const c0 = process.cpuUsage();
  const r = await ours(raws, bs);
  const c = process.cpuUsage(c0);
  const f = (x: number) => x.toFixed(0);
  console.log(`block ${bs}: ${f(r.perS)} tx/s cpu ${((c.user + c.system) / 1000).toFixed(0)} ms; decode ${f(r.phases.decodeRecover)} exec ${f(r.phases.execute)} (txs ${f(r.phases.txs)} flush ${f(r.phases.flush)} roots ${f(r.phases.roots)}) commit ${f(r.phases.commit)}`);
}
process.exit(0);
