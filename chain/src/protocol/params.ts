// Protocol parameters of PROTOCOL.md: every number is a genesis parameter with a default
// (Bittensor subtensor's figure unless PROTOCOL.md says otherwise) and, for the subnet
// hyperparameters an owner may change, bounds. One definition, imported by the node (genesis,
// execution, epoch), the app and the worker.
import { z } from "zod";

export const TEN = 10n ** 18n;

/** Fixed addresses of the protocol precompiles (PROTOCOL.md, "Precompiles"). */
export const PRECOMPILES = {
  staking: "0x0000000000000000000000000000000000000801",
  metagraph: "0x0000000000000000000000000000000000000802",
  subnets: "0x0000000000000000000000000000000000000803",
  neurons: "0x0000000000000000000000000000000000000804",
} as const;

/** u16 fractions are stored as integers over this scale (kappa, bonds moving average, ...). */
export const U16_MAX = 65535;

const wei = z.union([z.bigint(), z.string().regex(/^\d+$/, "expected a non-negative integer (wei) as a decimal string")]).transform((v) => BigInt(v));
const u16 = z.number().int().min(0).max(U16_MAX);
const uint = z.number().int().min(0);
const posInt = z.number().int().min(1);

/** Hyperparameters of one subnet; the subnet owner may change them within HYPERPARAM_BOUNDS. */
export const subnetHyperparamsSchema = z
  .object({
    tempo: posInt,
    maxUids: posInt,
    maxValidators: posInt,
    immunityPeriod: uint,
    activityCutoff: posInt,
    weightsRateLimit: uint,
    minAllowedWeights: uint,
    /** u16 fraction, default 32767 (0.5). */
    kappa: u16,
    /** u16 fraction of the previous bonds kept: 0.9 → 58982 (EMA alpha = 1 − this). */
    bondsMovingAverage: u16,
    commitRevealEnabled: z.boolean(),
    /** In tempos. */
    commitRevealPeriod: posInt,
    /** Registration burn in wei: start, multiplier (per mille, ×1.26 → 1260), half-life in blocks, clamp. */
    burnStart: wei,
    burnIncreasePermille: z.number().int().min(1000).max(10000),
    burnHalfLife: posInt,
    minBurn: wei,
    maxBurn: wei,
    /** Weights must carry this version key (0 = any). */
    weightsVersionKey: z.number().int().min(0),
  })
  .strict();
export type SubnetHyperparams = z.output<typeof subnetHyperparamsSchema>;

export const DEFAULT_HYPERPARAMS: SubnetHyperparams = {
  tempo: 360,
  maxUids: 256,
  maxValidators: 64,
  immunityPeriod: 5000,
  activityCutoff: 5000,
  weightsRateLimit: 100,
  minAllowedWeights: 1,
  kappa: 32767,
  bondsMovingAverage: 58982,
  commitRevealEnabled: true,
  commitRevealPeriod: 1,
  burnStart: 1n * TEN,
  burnIncreasePermille: 1260,
  burnHalfLife: 360,
  minBurn: (5n * TEN) / 10_000n,
  maxBurn: 100n * TEN,
  weightsVersionKey: 0,
};

/** Inclusive bounds an owner's hyperparameter change must respect. */
export const HYPERPARAM_BOUNDS: Partial<Record<keyof SubnetHyperparams, readonly [number, number]>> = {
  tempo: [10, 7200],
  maxUids: [8, 4096],
  maxValidators: [1, 256],
  immunityPeriod: [0, 50_000],
  activityCutoff: [100, 50_000],
  weightsRateLimit: [0, 10_000],
  minAllowedWeights: [0, 256],
  kappa: [0, U16_MAX],
  bondsMovingAverage: [0, U16_MAX],
  commitRevealPeriod: [1, 100],
  burnIncreasePermille: [1000, 10_000],
  burnHalfLife: [1, 100_000],
};

/** Chain-wide protocol parameters (genesis). */
export const protocolParamsSchema = z
  .object({
    /** Minted per block and split across subnets by the root subnet. */
    blockEmission: wei,
    /** Subnet owner cut of a subnet's emission, percent. */
    ownerCutPercent: z.number().int().min(0).max(100),
    /** Consensus set size (top-K hotkeys by bonded stake with a consensus key). */
    maxValidators: posInt,
    /** Minimum self-stake of a chain validator, wei. */
    minValidatorSelfStake: wei,
    /** Minimum stake per (coldkey, hotkey), wei. */
    minStake: wei,
    /** Stake below this is zeroed in the epoch, wei. */
    stakeThreshold: wei,
    /** Unbonding period, blocks. */
    unbondingBlocks: posInt,
    /** Default and maximum delegate take, u16 fraction (18% → 11796). */
    defaultTake: u16,
    maxTake: u16,
    /** Blocks between two take increases of one hotkey. */
    takeIncreaseRateLimit: uint,
    /** Subnet registration lock cost: start, doubles per registration, halves over this many blocks. */
    networkLockStart: wei,
    networkLockMin: wei,
    networkLockHalfLife: posInt,
    /** Slashing (Cosmos SDK defaults). Percents as integers. */
    doubleSignSlashPercent: z.number().int().min(0).max(100),
    downtimeSlashPercent: z.number().int().min(0).max(100),
    downtimeWindow: posInt,
    /** Minimum share of the window a validator must sign, percent. */
    minSignedPercent: z.number().int().min(0).max(100),
    /** Jail duration after downtime, seconds. */
    downtimeJailSeconds: posInt,
    /** Root subnet (netuid 0) tempo: the consensus set is recomputed at its epoch boundaries. */
    rootTempo: posInt,
    /** Defaults given to a new subnet. */
    subnetDefaults: subnetHyperparamsSchema,
  })
  .strict();
export type ProtocolParams = z.output<typeof protocolParamsSchema>;

export const DEFAULT_PROTOCOL_PARAMS: ProtocolParams = {
  blockEmission: 1n * TEN,
  ownerCutPercent: 18,
  maxValidators: 32,
  minValidatorSelfStake: 1n * TEN,
  minStake: (2n * TEN) / 1000n,
  stakeThreshold: 0n,
  unbondingBlocks: 7 * 24 * 3600,
  defaultTake: 11796,
  maxTake: 11796,
  takeIncreaseRateLimit: 216_000,
  networkLockStart: 100n * TEN,
  networkLockMin: 100n * TEN,
  networkLockHalfLife: 14 * 7200,
  doubleSignSlashPercent: 5,
  downtimeSlashPercent: 1,
  downtimeWindow: 100,
  minSignedPercent: 50,
  downtimeJailSeconds: 600,
  rootTempo: 360,
  subnetDefaults: DEFAULT_HYPERPARAMS,
};

/** Devnet overrides: short periods so a person (or a test) sees epochs and unbonding quickly. */
export const DEV_PROTOCOL_PARAMS: ProtocolParams = {
  ...DEFAULT_PROTOCOL_PARAMS,
  unbondingBlocks: 10,
  rootTempo: 20,
  networkLockStart: 10n * TEN,
  networkLockMin: 1n * TEN,
  subnetDefaults: {
    ...DEFAULT_HYPERPARAMS,
    tempo: 20,
    immunityPeriod: 100,
    activityCutoff: 1000,
    weightsRateLimit: 1,
  },
};

/** JSON form (wei as decimal strings) for genesis.json. */
export function protocolParamsToJson(p: ProtocolParams): unknown {
  return JSON.parse(JSON.stringify(p, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}
