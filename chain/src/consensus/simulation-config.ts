// The knobs of the seeded consensus simulation (simulation.test.ts), read from the environment
// and validated here, so a typo fails loudly instead of running zero scenarios:
//   SIM_RUNS        how many seeded runs (default 2000)
//   SIM_FIRST_SEED  the first seed of those runs (default 1)
//   SIM_SEED        re-run exactly this one seed instead
import { z } from "zod";

const count = (name: string, min: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && Number.isSafeInteger(n), `${name} must be at least ${min}`);

const schema = z.object({
  SIM_RUNS: count("SIM_RUNS", 1).default(2000),
  SIM_FIRST_SEED: count("SIM_FIRST_SEED", 0).default(1),
  SIM_SEED: count("SIM_SEED", 0).optional(),
});

export interface SimulationConfig {
  /** The seeds to run, in order. */
  seeds: number[];
  /** Set when SIM_SEED asked for one scenario. */
  oneSeed?: number;
}

export function simulationConfig(env: Record<string, string | undefined> = process.env): SimulationConfig {
  const r = schema.safeParse({
    SIM_RUNS: env.SIM_RUNS || undefined,
    SIM_FIRST_SEED: env.SIM_FIRST_SEED || undefined,
    SIM_SEED: env.SIM_SEED || undefined,
  });
  if (!r.success) throw new Error(r.error.issues.map((i) => i.message).join("; "));
  const e = r.data;
  if (e.SIM_SEED !== undefined) return { seeds: [e.SIM_SEED], oneSeed: e.SIM_SEED };
  return { seeds: Array.from({ length: e.SIM_RUNS }, (_, i) => e.SIM_FIRST_SEED + i) };
}
