// Seeded simulation of the consensus runner (machine + WAL + last-sign guard) under delays,
// drops, duplicates, partitions, crashes and Byzantine validators. Every run checks agreement,
// validity, certificate validity, no honest double-sign, verifiable evidence and progress.
// Re-run one scenario with SIM_SEED=<seed>; change the number of runs with SIM_RUNS.
import { describe, expect, it } from "vitest";
import { simulationConfig } from "../../../lib/config.js";
import { runSimulation, type SimReport } from "./simulator.js";

const { seeds, oneSeed: ONE_SEED } = simulationConfig();

function describeFailure(r: SimReport): string {
  return `seed ${r.seed} (re-run with SIM_SEED=${r.seed}): ${r.validators} validators, powers ${r.powers.join(",")}, behaviours ${r.behaviours.join(",")}, real signatures ${r.realSignatures}, GST ${r.gst} ms\n  ${r.violations.join("\n  ")}`;
}

describe("consensus simulation", () => {
  // CPU-bound: yields to the event loop between runs so the test worker keeps answering the
  // runner, and gets a long timeout because a loaded CI machine may be several times slower.
  it(
    ONE_SEED !== undefined ? `seed ${ONE_SEED}` : `${seeds.length} seeded runs keep safety and liveness`,
    async () => {
      const failures: string[] = [];
      const totals = { events: 0, evidence: 0, restarts: 0, refused: 0, real: 0, byzantine: 0, maxRound: 0 };
      const started = Date.now();
      for (const [i, seed] of seeds.entries()) {
        if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
        const r = runSimulation({ seed });
        totals.events += r.events;
        totals.evidence += r.evidence;
        totals.restarts += r.restarts;
        totals.refused += r.refusedSignatures;
        totals.real += r.realSignatures ? 1 : 0;
        totals.byzantine += r.behaviours.some(
          (b) => b === "equivocate" || b === "silent" || b === "invalid-proposals",
        )
          ? 1
          : 0;
        totals.maxRound = Math.max(totals.maxRound, r.maxRound);
        if (r.violations.length) failures.push(describeFailure(r));
        if (failures.length >= 5) break;
      }
      console.log(`consensus simulation: ${seeds.length} runs in ${Date.now() - started} ms`, totals);
      expect(failures, failures.join("\n")).toEqual([]);
      // The adversary must actually have been exercised, or the run proves little.
      if (seeds.length >= 200) {
        expect(totals.restarts).toBeGreaterThan(0);
        // Restarts that lost the WAL hit the last-sign guard.
        expect(totals.refused).toBeGreaterThan(0);
        expect(totals.evidence).toBeGreaterThan(0);
        expect(totals.real).toBeGreaterThan(0);
        expect(totals.byzantine).toBeGreaterThan(0);
      }
    },
    900_000,
  );

  it("detects broken agreement when equivocators hold 1/3 of the power or more", () => {
    // Seeds found with the overpowered adversary; a split-brain equivocator forks them.
    const forked = [144, 216, 465, 515].filter((seed) =>
      runSimulation({ seed, overpoweredAdversary: true }).violations.some((v) => v.includes("agreement")),
    );
    expect(forked.length).toBeGreaterThan(0);
  });

  it("one scenario with real secp256k1 signatures end to end", () => {
    const r = runSimulation({ seed: ONE_SEED ?? 424242, realSignatures: true });
    expect(r.violations, describeFailure(r)).toEqual([]);
  });
});

describe("simulation knobs", () => {
  it("default to 2000 runs from seed 1, replay one seed, and refuse what is not a count", () => {
    expect(simulationConfig({}).seeds).toHaveLength(2000);
    expect(simulationConfig({}).seeds[0]).toBe(1);
    expect(simulationConfig({ SIM_RUNS: "3", SIM_FIRST_SEED: "10" }).seeds).toEqual([10, 11, 12]);
    expect(simulationConfig({ SIM_SEED: "77", SIM_RUNS: "5" })).toEqual({ seeds: [77], oneSeed: 77 });
    expect(() => simulationConfig({ SIM_RUNS: "ten" })).toThrow(/SIM_RUNS must be a whole number/);
    expect(() => simulationConfig({ SIM_RUNS: "0" })).toThrow(/SIM_RUNS must be at least 1/);
    expect(() => simulationConfig({ SIM_SEED: "-1" })).toThrow(/SIM_SEED must be a whole number/);
  });
});
