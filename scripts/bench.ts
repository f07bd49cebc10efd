// `npm run bench [-- --quick] [-- name-filter…]`: runs every `<area>/bench/*.bench.ts`, prints one
// line per figure — `name value unit (peer value, ratio)` — and writes the same figures as JSON
// to bench/results/latest.json (CONVENTIONS.md, "Benchmarks").
import "../chain/src/util/polyfills.js";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import os from "node:os";
import { pathToFileURL } from "node:url";
import type { BenchFigure, BenchModule } from "./bench-types.js";

const root = path.resolve(import.meta.dirname, "..");
const AREAS = ["chain", "worker", "lib", "contracts", "scripts"];

async function findBenchFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const area of AREAS) {
    const dir = path.join(root, area, "bench");
    if (!existsSync(dir)) continue;
    for (const f of (await readdir(dir)).sort()) if (f.endsWith(".bench.ts")) files.push(path.join(dir, f));
  }
  return files;
}

export function formatFigure(f: BenchFigure): string {
  const v = formatNumber(f.value);
  let line = `${f.name} ${v} ${f.unit}`;
  if (f.peer) {
    const ratio = f.better === "higher" ? f.value / f.peer.value : f.peer.value / f.value;
    line += ` (${f.peer.name} ${formatNumber(f.peer.value)}, ${ratio.toFixed(2)}x)`;
  }
  if (f.target !== undefined) {
    const met = f.better === "higher" ? f.value >= f.target : f.value <= f.target;
    line += ` [target ${f.better === "higher" ? "≥" : "≤"} ${formatNumber(f.target)}: ${met ? "met" : "MISSED"}]`;
  }
  return line;
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick");
  const filters = args.filter((a) => !a.startsWith("--"));
  const files = (await findBenchFiles()).filter(
    (f) => filters.length === 0 || filters.some((flt) => f.includes(flt)),
  );
  const results: { file: string; figures: BenchFigure[]; error?: string; seconds: number }[] = [];
  let failed = 0;
  for (const file of files) {
    const rel = path.relative(root, file);
    console.log(`# ${rel}`);
    const started = performance.now();
    try {
      const mod = (await import(pathToFileURL(file).href)) as { default: BenchModule };
      const figures = await mod.default({ quick, log: (line) => console.log(`  … ${line}`) });
      for (const f of figures) console.log(formatFigure(f));
      results.push({ file: rel, figures, seconds: (performance.now() - started) / 1000 });
    } catch (err) {
      failed++;
      const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.error(`  ! ${rel} failed: ${msg}`);
      results.push({ file: rel, figures: [], error: msg, seconds: (performance.now() - started) / 1000 });
    }
  }
  const out = path.join(root, "bench", "results");
  await mkdir(out, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    quick,
    results,
  };
  await writeFile(path.join(out, "latest.json"), JSON.stringify(report, null, 2) + "\n");
  console.log(
    `wrote bench/results/latest.json (${results.reduce((n, r) => n + r.figures.length, 0)} figures)`,
  );
  // Benchmarks start child processes (nodes, servers); make sure none keeps us alive.
  process.exit(failed > 0 ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
