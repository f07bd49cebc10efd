import { describe, expect, it } from "vitest";
import { DEFAULT_HYPERPARAMS, HYPERPARAM_BOUNDS } from "@/chain/src/protocol/params";
import { parseHyperparamForm, toForm, type HyperparamsStruct } from "./hyperparams";

const defaults: HyperparamsStruct = {
  ...DEFAULT_HYPERPARAMS,
  weightsVersionKey: BigInt(DEFAULT_HYPERPARAMS.weightsVersionKey),
};

describe("hyperparameter form", () => {
  it("round-trips the defaults exactly, wei amounts included", () => {
    const parsed = parseHyperparamForm(toForm(defaults));
    expect(parsed).toEqual({ ok: true, value: defaults });
  });

  it("refuses values outside the chain's bounds, naming them", () => {
    const [min, max] = HYPERPARAM_BOUNDS.tempo!;
    const form = { ...toForm(defaults), tempo: String(max + 1), kappa: "-1", minBurn: "2", maxBurn: "1" };
    const parsed = parseHyperparamForm(form);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.tempo).toBe(`Must be between ${min} and ${max}.`);
    expect(parsed.errors.kappa).toBe("Enter a whole number.");
    expect(parsed.errors.maxBurn).toBe("Must be at least the minimum burn.");
  });
});
