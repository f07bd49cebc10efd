// genesis.json: the one file every validator of a network must agree on byte for byte (its
// hash is the genesis block's extraData, see execution/genesis-state.ts). Parsed with zod
// `.strict()` objects, so a misspelt field is rejected by name instead of silently ignored.
import { z } from "zod";
import { isAddress } from "viem";
import {
  DEV_PROTOCOL_PARAMS,
  DEFAULT_PROTOCOL_PARAMS,
  protocolParamsSchema,
  protocolParamsToJson,
  TEN,
} from "../protocol/params.js";
import type { ProtocolParams } from "../protocol/params.js";
import type { Address, Hex } from "../rpc/backend.js";

/**
 * Devnet chain id: 0x54454E = "TEN" in ASCII = 5522766. Distinct from Hardhat/Anvil (31337),
 * geth --dev (1337) and every chain on chainlist.org we know of, so MetaMask never confuses a
 * Tensorchain devnet with another local chain. Testnets pick their own id in genesis.json.
 */
export const DEV_CHAIN_ID = 5_522_766;

/**
 * Devnet block gas limit: 300M gas = 14,285 plain transfers per block, so a one-second block
 * absorbs a burst of several thousand transactions (the e2e throughput benchmark) while a
 * single contract call still cannot run for more than a fraction of the block time.
 */
export const DEV_BLOCK_GAS_LIMIT = 300_000_000n;
/** 1 gwei: wallets quote sensible fees from the first block. */
export const DEV_INITIAL_BASE_FEE = 1_000_000_000n;
export const DEFAULT_BLOCK_TIME_MS = 1000;

export class GenesisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GenesisError";
  }
}

const address = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), "expected a 20-byte 0x-prefixed hex address")
  .transform((v) => v.toLowerCase() as Address);
const wei = z
  .union([z.bigint(), z.string().regex(/^\d+$/, "expected a non-negative integer (wei) as a decimal string")])
  .transform((v) => BigInt(v));
const hexBytes = (len: number) =>
  z
    .string()
    .regex(new RegExp(`^0x[0-9a-fA-F]{${len * 2}}$`), `expected ${len} bytes as 0x-prefixed hex`)
    .transform((v) => v.toLowerCase() as Hex);

export const genesisValidatorSchema = z
  .object({
    /** Hotkey address: the block proposer's coinbase and the key staking refers to. */
    hotkey: address,
    /** Compressed secp256k1 public key (33 bytes) that signs consensus votes. */
    consensusPublicKey: hexBytes(33),
    /** Bonded self-stake in wei: voting power. */
    stake: wei,
  })
  .strict();

export const genesisAccountSchema = z
  .object({
    address,
    balance: wei,
    /** Optional runtime bytecode (predeploys). */
    code: z
      .string()
      .regex(/^0x([0-9a-fA-F]{2})*$/, "expected 0x-prefixed hex bytecode")
      .transform((v) => v.toLowerCase() as Hex)
      .optional(),
  })
  .strict();

export const genesisSchema = z
  .object({
    chainId: z
      .number()
      .int()
      .min(1)
      .max(2 ** 32 - 1),
    networkName: z.string().min(1).max(64),
    /** Unix seconds of the genesis block. */
    genesisTime: z.number().int().min(0),
    validators: z.array(genesisValidatorSchema).min(1, "genesis needs at least one validator"),
    accounts: z.array(genesisAccountSchema),
    /** Total TEN (wei) at genesis; balances and stakes together may not exceed it. */
    tokenSupply: wei,
    blockGasLimit: wei.refine(
      (v) => v >= 5_000_000n && v <= 2n ** 63n - 1n,
      "blockGasLimit must be between 5,000,000 and 2^63-1",
    ),
    initialBaseFee: wei,
    targetBlockTimeMs: z.number().int().min(50).max(60_000).default(DEFAULT_BLOCK_TIME_MS),
    protocol: protocolParamsSchema,
  })
  .strict();

export type Genesis = z.output<typeof genesisSchema>;
export type GenesisValidator = z.output<typeof genesisValidatorSchema>;

function formatZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const at = i.path.length ? i.path.join(".") : "(root)";
      if (i.code === "unrecognized_keys")
        return `${at}: unknown field(s) ${i.keys.map((k) => `"${k}"`).join(", ")}`;
      return `${at}: ${i.message}`;
    })
    .join("; ");
}

/** Parse and validate a genesis object (as read from JSON). Throws GenesisError. */
export function parseGenesis(input: unknown): Genesis {
  const parsed = genesisSchema.safeParse(input);
  if (!parsed.success) throw new GenesisError(`invalid genesis: ${formatZodError(parsed.error)}`);
  const g = parsed.data;
  const seen = new Set<string>();
  for (const v of g.validators) {
    if (seen.has(v.hotkey)) throw new GenesisError(`invalid genesis: duplicate validator hotkey ${v.hotkey}`);
    seen.add(v.hotkey);
  }
  const keys = new Set<string>();
  for (const v of g.validators) {
    if (keys.has(v.consensusPublicKey))
      throw new GenesisError(`invalid genesis: duplicate consensus key ${v.consensusPublicKey}`);
    keys.add(v.consensusPublicKey);
  }
  const accounts = new Set<string>();
  for (const a of g.accounts) {
    if (accounts.has(a.address)) throw new GenesisError(`invalid genesis: duplicate account ${a.address}`);
    accounts.add(a.address);
  }
  const staked = g.validators.reduce((s, v) => s + v.stake, 0n);
  const funded = g.accounts.reduce((s, a) => s + a.balance, 0n);
  if (staked + funded > g.tokenSupply) {
    throw new GenesisError(
      `invalid genesis: stakes (${staked} wei) + balances (${funded} wei) exceed tokenSupply (${g.tokenSupply} wei)`,
    );
  }
  return g;
}

/** JSON form (wei as decimal strings), the inverse of parseGenesis. */
export function genesisToJson(g: Genesis): Record<string, unknown> {
  return {
    chainId: g.chainId,
    networkName: g.networkName,
    genesisTime: g.genesisTime,
    validators: g.validators.map((v) => ({
      hotkey: v.hotkey,
      consensusPublicKey: v.consensusPublicKey,
      stake: v.stake.toString(),
    })),
    accounts: g.accounts.map((a) => ({
      address: a.address,
      balance: a.balance.toString(),
      ...(a.code ? { code: a.code } : {}),
    })),
    tokenSupply: g.tokenSupply.toString(),
    blockGasLimit: g.blockGasLimit.toString(),
    initialBaseFee: g.initialBaseFee.toString(),
    targetBlockTimeMs: g.targetBlockTimeMs,
    protocol: protocolParamsToJson(g.protocol),
  };
}

export interface BuildGenesisOptions {
  chainId: number;
  networkName: string;
  genesisTime: number;
  validators: GenesisValidator[];
  accounts: { address: Address; balance: bigint; code?: Hex }[];
  /** Defaults to exactly the allocated amount (balances + stakes). */
  tokenSupply?: bigint;
  blockGasLimit?: bigint;
  initialBaseFee?: bigint;
  targetBlockTimeMs?: number;
  protocol?: ProtocolParams;
  dev?: boolean;
}

/** Build (and validate) a genesis from typed options; used by `tensorchain genesis` and `start --dev`. */
export function buildGenesis(o: BuildGenesisOptions): Genesis {
  const allocated =
    o.validators.reduce((s, v) => s + v.stake, 0n) + o.accounts.reduce((s, a) => s + a.balance, 0n);
  return parseGenesis(
    genesisToJson({
      chainId: o.chainId,
      networkName: o.networkName,
      genesisTime: o.genesisTime,
      validators: o.validators,
      accounts: o.accounts.map((a) => ({
        address: a.address,
        balance: a.balance,
        ...(a.code ? { code: a.code } : {}),
      })),
      tokenSupply: o.tokenSupply ?? allocated,
      blockGasLimit: o.blockGasLimit ?? DEV_BLOCK_GAS_LIMIT,
      initialBaseFee: o.initialBaseFee ?? DEV_INITIAL_BASE_FEE,
      targetBlockTimeMs: o.targetBlockTimeMs ?? DEFAULT_BLOCK_TIME_MS,
      protocol: o.protocol ?? (o.dev ? DEV_PROTOCOL_PARAMS : DEFAULT_PROTOCOL_PARAMS),
    }),
  );
}

/** 10,000 TEN per dev account, as Hardhat and Anvil fund theirs. */
export const DEV_ACCOUNT_BALANCE = 10_000n * TEN;
