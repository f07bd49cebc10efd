// The subnet owner's hyperparameter form: text fields in, the ISubnets.Hyperparameters struct
// out, every field checked against HYPERPARAM_BOUNDS (the same bounds the chain enforces) so
// the owner sees the reason before signing. Pure, client-safe.
import { formatEther, parseEther } from "viem";
import { HYPERPARAM_BOUNDS, type SubnetHyperparams } from "@/chain/src/protocol/params";

/** The struct as the ABI takes it (uint64/uint256 as bigint). */
export interface HyperparamsStruct {
  tempo: number;
  maxUids: number;
  maxValidators: number;
  immunityPeriod: number;
  activityCutoff: number;
  weightsRateLimit: number;
  minAllowedWeights: number;
  kappa: number;
  bondsMovingAverage: number;
  commitRevealEnabled: boolean;
  commitRevealPeriod: number;
  burnStart: bigint;
  burnIncreasePermille: number;
  burnHalfLife: number;
  minBurn: bigint;
  maxBurn: bigint;
  weightsVersionKey: bigint;
}

export type HyperparamKey = keyof SubnetHyperparams;
export const WEI_FIELDS = ["burnStart", "minBurn", "maxBurn"] as const satisfies readonly HyperparamKey[];
export const INT_FIELDS = [
  "tempo",
  "maxUids",
  "maxValidators",
  "immunityPeriod",
  "activityCutoff",
  "weightsRateLimit",
  "minAllowedWeights",
  "kappa",
  "bondsMovingAverage",
  "commitRevealPeriod",
  "burnIncreasePermille",
  "burnHalfLife",
] as const satisfies readonly HyperparamKey[];

export type HyperparamForm = Record<Exclude<HyperparamKey, "commitRevealEnabled">, string> & {
  commitRevealEnabled: boolean;
};

export function toForm(h: HyperparamsStruct): HyperparamForm {
  const f = {
    commitRevealEnabled: h.commitRevealEnabled,
    weightsVersionKey: h.weightsVersionKey.toString(),
  } as HyperparamForm;
  for (const k of INT_FIELDS) f[k] = String(h[k]);
  for (const k of WEI_FIELDS) f[k] = formatEther(h[k]);
  return f;
}

export function boundsOf(k: HyperparamKey): readonly [number, number] | undefined {
  return HYPERPARAM_BOUNDS[k];
}

/** The struct, or the first error per field. */
export function parseHyperparamForm(
  f: HyperparamForm,
): { ok: true; value: HyperparamsStruct } | { ok: false; errors: Partial<Record<HyperparamKey, string>> } {
  const errors: Partial<Record<HyperparamKey, string>> = {};
  const out = { commitRevealEnabled: f.commitRevealEnabled } as HyperparamsStruct;
  for (const k of INT_FIELDS) {
    const s = f[k].trim();
    const [min, max] = HYPERPARAM_BOUNDS[k] ?? [0, 2 ** 32 - 1];
    if (!/^\d+$/.test(s)) errors[k] = "Enter a whole number.";
    else if (Number(s) < min || Number(s) > max) errors[k] = `Must be between ${min} and ${max}.`;
    else out[k] = Number(s);
  }
  for (const k of WEI_FIELDS) {
    const s = f[k].trim();
    if (!/^\d+(\.\d{1,18})?$/.test(s)) errors[k] = "Enter an amount in TEN (at most 18 decimals).";
    else out[k] = parseEther(s);
  }
  if (!/^\d+$/.test(f.weightsVersionKey.trim()) || BigInt(f.weightsVersionKey.trim()) >= 2n ** 64n)
    errors.weightsVersionKey = "Enter a whole number below 2^64.";
  else out.weightsVersionKey = BigInt(f.weightsVersionKey.trim());
  if (errors.minBurn === undefined && errors.maxBurn === undefined && out.minBurn > out.maxBurn)
    errors.maxBurn = "Must be at least the minimum burn.";
  if (errors.maxValidators === undefined && errors.maxUids === undefined && out.maxValidators > out.maxUids)
    errors.maxValidators = "Cannot exceed max UIDs.";
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: out };
}
