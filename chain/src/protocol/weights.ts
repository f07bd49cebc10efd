// Weight submission rules (PROTOCOL.md, "Neurons"): validation and u16 normalization of
// setWeights/revealWeights, the commit hash of commit-reveal, the rate limit and the reveal
// window. Pure: the precompile supplies the state it reads and maps WeightsError codes to
// Solidity custom errors.
import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";
import { z } from "zod";
import { U16_MAX, type SubnetHyperparams } from "./params.js";
import { tempoIndex } from "./schedule.js";

export type WeightsErrorCode =
  | "LengthMismatch"
  | "UidOutOfRange"
  | "DuplicateUid"
  | "ValueOutOfRange"
  | "TooFewWeights"
  | "AllWeightsZero"
  | "MaxWeightExceeded"
  | "IncorrectVersionKey"
  | "WeightsRateLimited"
  | "RevealTooEarly"
  | "RevealExpired"
  | "CommitHashMismatch";

export class WeightsError extends Error {
  override name = "WeightsError";
  constructor(
    readonly code: WeightsErrorCode,
    message: string,
    /** For WeightsRateLimited / RevealTooEarly: the first block at which a retry can succeed. */
    readonly nextBlock?: number,
  ) {
    super(message);
  }
}

export interface WeightsSubmission {
  uids: readonly number[];
  values: readonly number[];
}

export interface WeightsRules {
  /** Number of UIDs in the subnet. */
  subnetSize: number;
  /** The submitting validator's own UID. */
  selfUid: number;
  minAllowedWeights: SubnetHyperparams["minAllowedWeights"];
  /** Largest share of the total one weight may take, u16 fraction; 65535 = no limit. */
  maxWeightLimit?: number;
}

/**
 * Checks a submission: equal lengths, UIDs in range and unique, u16 values, not all zero, at
 * least min(minAllowedWeights, subnetSize) entries (a lone self-weight is allowed, as in
 * subtensor: a validator may park its weight on itself), no weight above maxWeightLimit of the
 * total.
 */
export function validateWeights(sub: WeightsSubmission, rules: WeightsRules): void {
  const { uids, values } = sub;
  if (uids.length !== values.length)
    throw new WeightsError("LengthMismatch", `${uids.length} uids but ${values.length} values`);
  const seen = new Set<number>();
  let sum = 0;
  let max = 0;
  for (let k = 0; k < uids.length; k++) {
    const uid = uids[k]!;
    const v = values[k]!;
    if (!Number.isInteger(uid) || uid < 0 || uid >= rules.subnetSize)
      throw new WeightsError("UidOutOfRange", `uid ${uid} is not in the subnet (size ${rules.subnetSize})`);
    if (seen.has(uid)) throw new WeightsError("DuplicateUid", `uid ${uid} appears twice`);
    seen.add(uid);
    if (!Number.isInteger(v) || v < 0 || v > U16_MAX)
      throw new WeightsError("ValueOutOfRange", `weight ${v} for uid ${uid} is not a u16`);
    sum += v;
    if (v > max) max = v;
  }
  const selfOnly = uids.length === 1 && uids[0] === rules.selfUid;
  const minLen = Math.min(rules.minAllowedWeights, rules.subnetSize);
  if (!selfOnly && uids.length < minLen)
    throw new WeightsError("TooFewWeights", `${uids.length} weights, at least ${minLen} required`);
  if (uids.length > 0 && sum === 0) throw new WeightsError("AllWeightsZero", "all weights are zero");
  const limit = rules.maxWeightLimit ?? U16_MAX;
  // max/sum ≤ limit/65535, compared exactly in integers (< 2^45).
  if (!selfOnly && limit < U16_MAX && max * U16_MAX > limit * sum)
    throw new WeightsError("MaxWeightExceeded", `a weight takes more than ${limit}/65535 of the total`);
}

/**
 * The stored form of accepted weights: max-upscaled so the largest is 65535 (subtensor's
 * choice; the epoch re-normalizes rows to sum 1, so only ratios matter, and upscaling keeps
 * the most u16 resolution). Rounded half up with integers: v·65535 < 2^32.
 */
export function normalizeWeightsU16(values: readonly number[]): number[] {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (max === 0) return values.map(() => 0);
  return values.map((v) => Math.floor((2 * v * U16_MAX + max) / (2 * max)));
}

/** Version key rule: 0 on the subnet accepts any; otherwise the submitted key must be at least it. */
export function checkVersionKey(submitted: bigint, required: number): void {
  if (required !== 0 && submitted < BigInt(required))
    throw new WeightsError(
      "IncorrectVersionKey",
      `version key ${submitted} is below the subnet's ${required}`,
    );
}

/** Rate limit: a hotkey may set (or commit) weights once every weightsRateLimit blocks. */
export function checkRateLimit(lastSetBlock: number | null, weightsRateLimit: number, block: number): void {
  if (lastSetBlock === null) return;
  const next = lastSetBlock + weightsRateLimit;
  if (block < next)
    throw new WeightsError("WeightsRateLimited", `weights rate-limited until block ${next}`, next);
}

/** The commit hash: keccak256(abi.encode(address hotkey, uint16 netuid, uint16[] uids, uint16[] values, bytes32 salt, uint64 versionKey)). */
export function commitHash(
  hotkey: Address,
  netuid: number,
  uids: readonly number[],
  values: readonly number[],
  salt: Hex,
  versionKey: bigint,
): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "address" },
        { type: "uint16" },
        { type: "uint16[]" },
        { type: "uint16[]" },
        { type: "bytes32" },
        { type: "uint64" },
      ],
      [hotkey, netuid, uids, values, salt, versionKey],
    ),
  );
}

export type RevealWindow = "too_early" | "open" | "expired";

/** A commit made in tempo t is revealed in tempo t + commitRevealPeriod, not before nor after. */
export function revealWindow(
  netuid: number,
  tempo: number,
  commitRevealPeriod: number,
  commitBlock: number,
  block: number,
): RevealWindow {
  const due = tempoIndex(netuid, tempo, commitBlock) + commitRevealPeriod;
  const now = tempoIndex(netuid, tempo, block);
  return now < due ? "too_early" : now === due ? "open" : "expired";
}

export interface StoredCommit {
  hash: Hex;
  block: number;
  receiptsRoot: ReceiptsRoot;
}

/**
 * Checks a reveal against its commit: inside the window and matching the hash. Throws
 * WeightsError; on success the caller validates and stores the revealed weights.
 */
export function checkReveal(
  commit: StoredCommit,
  reveal: {
    hotkey: Address;
    netuid: number;
    uids: readonly number[];
    values: readonly number[];
    salt: Hex;
    versionKey: bigint;
  },
  schedule: { tempo: number; commitRevealPeriod: number },
  block: number,
): void {
  const window = revealWindow(
    reveal.netuid,
    schedule.tempo,
    schedule.commitRevealPeriod,
    commit.block,
    block,
  );
  if (window === "too_early") {
    const due = tempoIndex(reveal.netuid, schedule.tempo, commit.block) + schedule.commitRevealPeriod;
    const opens = Math.max(0, due * (schedule.tempo + 1) - reveal.netuid);
    throw new WeightsError("RevealTooEarly", `reveal opens at block ${opens}`, opens);
  }
  if (window === "expired")
    throw new WeightsError("RevealExpired", "the reveal window of this commit has passed");
  const hash = commitHash(
    reveal.hotkey,
    reveal.netuid,
    reveal.uids,
    reveal.values,
    reveal.salt,
    reveal.versionKey,
  );
  if (hash.toLowerCase() !== commit.hash.toLowerCase())
    throw new WeightsError("CommitHashMismatch", "revealed weights do not match the commit hash");
}

/** Merkle root (bytes32) of the evaluation receipts behind committed weights. */
export const receiptsRootSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected a bytes32 hex string")
  .transform((s) => s.toLowerCase() as Hex);
export type ReceiptsRoot = z.output<typeof receiptsRootSchema>;
