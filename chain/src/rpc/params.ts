// Parameter schemas of the Ethereum JSON-RPC methods: strict hex parsing with geth's error
// messages (clients and tests match on them), block references (numbers, tags, EIP-1898
// objects), call requests, state overrides and log filters. Every schema parses the raw JSON
// value into the types of backend.ts, so handlers never see unvalidated input.

import { z } from "zod";
import type { Address, BlockRef, BlockTag, CallRequest, Hex, LogFilter, StateOverride } from "./backend.js";
import { InvalidParamsError } from "./errors.js";

/** A value that failed validation; `message` is geth-style ("hex string without 0x prefix"). */
class HexParseError extends Error {}

const HEX_DIGITS = /^[0-9a-fA-F]*$/;
const BLOCK_TAGS: readonly BlockTag[] = ["latest", "pending", "earliest", "safe", "finalized"];
const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_UINT256 = (1n << 256n) - 1n;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function requireHexString(value: unknown): string {
  if (typeof value !== "string") throw new HexParseError(`expected hex string, got ${describe(value)}`);
  if (value.length === 0) throw new HexParseError("empty hex string");
  if (!(value.startsWith("0x") || value.startsWith("0X"))) {
    throw new HexParseError("hex string without 0x prefix");
  }
  return value.slice(2);
}

/** An unsigned quantity: 0x-prefixed, at least one digit, no leading zeros (execution-apis `uint`). */
export function parseQuantity(value: unknown, maxBits: 64 | 256 = 256): bigint {
  const digits = requireHexString(value);
  if (digits.length === 0) throw new HexParseError(`hex string "0x"`);
  if (!HEX_DIGITS.test(digits)) throw new HexParseError("invalid hex string");
  if (digits.length > 1 && digits[0] === "0") throw new HexParseError("hex number with leading zero digits");
  if (digits.length > maxBits / 4) throw new HexParseError(`hex number > ${maxBits} bits`);
  const n = BigInt(`0x${digits}`);
  if (n > (maxBits === 64 ? MAX_UINT64 : MAX_UINT256))
    throw new HexParseError(`hex number > ${maxBits} bits`);
  return n;
}

/** Byte data: 0x-prefixed, even length. Returned lower-cased. */
export function parseData(value: unknown, exactBytes?: number, maxBytes?: number): Hex {
  const digits = requireHexString(value);
  if (!HEX_DIGITS.test(digits)) throw new HexParseError("invalid hex string");
  if (digits.length % 2 !== 0) throw new HexParseError("hex string of odd length");
  const bytes = digits.length / 2;
  if (exactBytes !== undefined && bytes !== exactBytes) {
    throw new HexParseError(`hex string has length ${digits.length}, want ${exactBytes * 2}`);
  }
  if (maxBytes !== undefined && bytes > maxBytes) {
    throw new HexParseError(`hex string has length ${digits.length}, want at most ${maxBytes * 2}`);
  }
  return `0x${digits.toLowerCase()}`;
}

/**
 * A 32-byte storage slot as geth accepts it: any hex string of up to 32 bytes (odd length and
 * leading zeros allowed), left-padded to 32 bytes.
 */
export function parseStorageSlot(value: unknown): Hex {
  const digits = requireHexString(value);
  if (!HEX_DIGITS.test(digits)) throw new HexParseError("invalid hex string");
  if (digits.length > 64) throw new HexParseError(`hex string too long, want at most 32 bytes`);
  return `0x${digits.toLowerCase().padStart(64, "0")}`;
}

function parseTag(value: string): BlockTag | undefined {
  return (BLOCK_TAGS as readonly string[]).includes(value) ? (value as BlockTag) : undefined;
}

/** BlockNumberOrTag: a uint64 quantity or one of the five tags. */
export function parseBlockNumberOrTag(value: unknown): bigint | BlockTag {
  if (typeof value === "string") {
    const tag = parseTag(value);
    if (tag) return tag;
  }
  return parseQuantity(value, 64);
}

/** BlockNumberOrTagOrHash: also a bare 32-byte hash or an EIP-1898 object. */
export function parseBlockRef(value: unknown): BlockRef {
  if (typeof value === "string" && value.length === 66) {
    return { blockHash: parseData(value, 32) };
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const hasHash = obj.blockHash !== undefined;
    const hasNumber = obj.blockNumber !== undefined;
    if (hasHash && hasNumber) {
      throw new HexParseError("cannot specify both BlockHash and BlockNumber, choose one or the other");
    }
    if (hasNumber) return parseBlockNumberOrTag(obj.blockNumber);
    if (!hasHash) throw new HexParseError("block object needs blockHash or blockNumber");
    const ref: { blockHash: Hex; requireCanonical?: boolean } = { blockHash: parseData(obj.blockHash, 32) };
    if (obj.requireCanonical !== undefined) {
      if (typeof obj.requireCanonical !== "boolean")
        throw new HexParseError("requireCanonical must be a boolean");
      ref.requireCanonical = obj.requireCanonical;
    }
    return ref;
  }
  return parseBlockNumberOrTag(value);
}

/** Wraps a throwing parser as a zod schema whose issue message is the parser's message. */
export function hexSchema<T>(parse: (value: unknown) => T): z.ZodType<T> {
  return z.unknown().transform((value, ctx): T => {
    try {
      return parse(value);
    } catch (err) {
      if (err instanceof HexParseError) {
        ctx.addIssue({ code: "custom", message: err.message, input: value });
        return z.NEVER;
      }
      throw err;
    }
  });
}

/** `null` and absent are the same thing for optional object fields (wallets send both). */
function optionalField<T>(schema: z.ZodType<T>) {
  return z
    .unknown()
    .transform((value, ctx): T | undefined => {
      if (value === undefined || value === null) return undefined;
      const r = schema.safeParse(value);
      if (r.success) return r.data;
      for (const issue of r.error.issues) {
        ctx.addIssue({ code: "custom", message: issue.message, path: issue.path, input: value });
      }
      return z.NEVER;
    })
    .optional();
}

export const quantity = hexSchema((v) => parseQuantity(v));
export const uint64 = hexSchema((v) => parseQuantity(v, 64));
export const data = hexSchema((v) => parseData(v));
export const nonEmptyData = hexSchema((v) => {
  const d = parseData(v);
  if (d === "0x") throw new HexParseError("empty hex string");
  return d;
});
export const address = hexSchema((v) => parseData(v, 20) as Address);
export const hash32 = hexSchema((v) => parseData(v, 32));
export const storageSlot = hexSchema(parseStorageSlot);
/** A filter or subscription id (hex, any length up to 32 bytes; not necessarily even). */
export const rpcId = hexSchema((v) => {
  const digits = requireHexString(v);
  if (digits.length === 0 || digits.length > 64 || !HEX_DIGITS.test(digits)) {
    throw new HexParseError("invalid id");
  }
  return `0x${digits.toLowerCase()}` as Hex;
});
export const blockNumberOrTag = hexSchema(parseBlockNumberOrTag);
export const blockRef = hexSchema(parseBlockRef);
export const bool = z.boolean({ error: (iss) => `expected boolean, got ${describe(iss.input)}` });

/** A uint that geth also accepts as a plain JSON number (eth_feeHistory blockCount). */
export const quantityOrDecimal = hexSchema((v) => {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v) || v < 0) throw new HexParseError("expected a non-negative integer");
    return BigInt(v);
  }
  return parseQuantity(v, 64);
});

const accessList = z
  .array(z.object({ address, storageKeys: z.array(hash32).max(10_000) }), {
    error: "expected an access list array",
  })
  .max(10_000);

/** eth_call / eth_estimateGas transaction object (execution-apis GenericTransaction). */
export const callRequest: z.ZodType<CallRequest> = z
  .object(
    {
      from: optionalField(address),
      to: optionalField(address),
      gas: optionalField(uint64),
      gasPrice: optionalField(quantity),
      maxFeePerGas: optionalField(quantity),
      maxPriorityFeePerGas: optionalField(quantity),
      value: optionalField(quantity),
      data: optionalField(data),
      input: optionalField(data),
      nonce: optionalField(uint64),
      accessList: optionalField(accessList),
      type: optionalField(uint64),
      chainId: optionalField(quantity),
    },
    { error: (iss) => `expected a transaction object, got ${describe(iss.input)}` },
  )
  .transform((tx, ctx): CallRequest => {
    if (tx.data !== undefined && tx.input !== undefined && tx.data !== tx.input) {
      ctx.addIssue({ code: "custom", message: `both "data" and "input" are set and not equal`, input: tx });
      return z.NEVER;
    }
    if (
      tx.gasPrice !== undefined &&
      (tx.maxFeePerGas !== undefined || tx.maxPriorityFeePerGas !== undefined)
    ) {
      ctx.addIssue({
        code: "custom",
        message: "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified",
        input: tx,
      });
      return z.NEVER;
    }
    if (tx.type !== undefined && tx.type > 0xffn) {
      ctx.addIssue({ code: "custom", message: "transaction type out of range", input: tx });
      return z.NEVER;
    }
    const req: CallRequest = {};
    if (tx.from !== undefined) req.from = tx.from;
    if (tx.to !== undefined) req.to = tx.to;
    if (tx.gas !== undefined) req.gas = tx.gas;
    if (tx.gasPrice !== undefined) req.gasPrice = tx.gasPrice;
    if (tx.maxFeePerGas !== undefined) req.maxFeePerGas = tx.maxFeePerGas;
    if (tx.maxPriorityFeePerGas !== undefined) req.maxPriorityFeePerGas = tx.maxPriorityFeePerGas;
    if (tx.value !== undefined) req.value = tx.value;
    const input = tx.input ?? tx.data;
    if (input !== undefined) req.data = input;
    if (tx.nonce !== undefined) req.nonce = tx.nonce;
    if (tx.accessList !== undefined) req.accessList = tx.accessList;
    if (tx.type !== undefined) req.type = Number(tx.type);
    return req;
  });

const storageMap = z.record(z.string(), z.unknown()).transform((raw, ctx): Record<Hex, Hex> => {
  const out: Record<Hex, Hex> = {};
  for (const [k, v] of Object.entries(raw)) {
    try {
      out[parseData(k, 32)] = parseData(v, 32);
    } catch (err) {
      if (!(err instanceof HexParseError)) throw err;
      ctx.addIssue({ code: "custom", message: err.message, path: [k], input: raw });
      return z.NEVER;
    }
  }
  return out;
});

const accountOverride = z
  .object({
    balance: optionalField(quantity),
    nonce: optionalField(uint64),
    code: optionalField(data),
    state: optionalField(storageMap),
    stateDiff: optionalField(storageMap),
  })
  .refine((o) => !(o.state && o.stateDiff), { message: "has both 'state' and 'stateDiff'" });

/** Geth-style state override set (third param of eth_call / eth_estimateGas). */
export const stateOverride: z.ZodType<StateOverride> = z
  .record(z.string(), z.unknown(), { error: "expected a state override object" })
  .transform((raw, ctx): StateOverride => {
    const out: StateOverride = {};
    const entries = Object.entries(raw);
    if (entries.length > 1_000) {
      ctx.addIssue({ code: "custom", message: "too many accounts in state override", input: raw });
      return z.NEVER;
    }
    for (const [key, value] of entries) {
      let addr: Address;
      try {
        addr = parseData(key, 20) as Address;
      } catch (err) {
        if (!(err instanceof HexParseError)) throw err;
        ctx.addIssue({ code: "custom", message: `invalid address: ${err.message}`, path: [key], input: raw });
        return z.NEVER;
      }
      const r = accountOverride.safeParse(value);
      if (!r.success) {
        for (const issue of r.error.issues) {
          ctx.addIssue({ code: "custom", message: issue.message, path: [key, ...issue.path], input: raw });
        }
        return z.NEVER;
      }
      const o: StateOverride[Address] = {};
      if (r.data.balance !== undefined) o.balance = r.data.balance;
      if (r.data.nonce !== undefined) o.nonce = r.data.nonce;
      if (r.data.code !== undefined) o.code = r.data.code;
      if (r.data.state !== undefined) o.state = r.data.state;
      if (r.data.stateDiff !== undefined) o.stateDiff = r.data.stateDiff;
      out[addr] = o;
    }
    return out;
  });

/** Bounds on a filter's criteria, so matching a log stays cheap. */
export const MAX_FILTER_ADDRESSES = 1_000;
export const MAX_FILTER_TOPIC_ALTERNATIVES = 1_000;

const topicPosition = z.union([z.null(), hash32, z.array(hash32).max(MAX_FILTER_TOPIC_ALTERNATIVES)]);

/** Filter criteria (eth_getLogs, eth_newFilter, eth_subscribe "logs"). */
export const logFilter: z.ZodType<LogFilter> = z
  .object(
    {
      fromBlock: optionalField(blockNumberOrTag),
      toBlock: optionalField(blockNumberOrTag),
      blockHash: optionalField(hash32),
      address: optionalField(z.union([address, z.array(address).max(MAX_FILTER_ADDRESSES)])),
      topics: optionalField(z.array(topicPosition).max(4, { error: "too many topics, at most 4" })),
    },
    { error: (iss) => `expected a filter object, got ${describe(iss.input)}` },
  )
  .transform((f, ctx): LogFilter => {
    if (f.blockHash !== undefined && (f.fromBlock !== undefined || f.toBlock !== undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other",
        input: f,
      });
      return z.NEVER;
    }
    const out: LogFilter = {};
    if (f.fromBlock !== undefined) out.fromBlock = f.fromBlock;
    if (f.toBlock !== undefined) out.toBlock = f.toBlock;
    if (f.blockHash !== undefined) out.blockHash = f.blockHash;
    if (f.address !== undefined) out.address = Array.isArray(f.address) ? f.address : [f.address];
    if (f.topics !== undefined) {
      out.topics = f.topics.map((t) => (t === null ? null : Array.isArray(t) ? t : [t]));
    }
    return out;
  });

/** eth_feeHistory reward percentiles: 0..100, non-decreasing. */
export const rewardPercentiles = z
  .array(z.number({ error: "reward percentile must be a number" }).min(0).max(100), {
    error: "expected an array of reward percentiles",
  })
  .max(100, { error: "too many reward percentiles, at most 100" })
  .refine((ps) => ps.every((p, i) => i === 0 || p >= (ps[i - 1] as number)), {
    message: "reward percentiles must be non-decreasing",
  });

/** Formats a zod failure of positional argument `index` the way geth does. */
export function paramError(index: number, error: z.ZodError): InvalidParamsError {
  const issue = error.issues[0];
  if (!issue) return new InvalidParamsError(`invalid argument ${index}`);
  const path = issue.path.map(String).join(".");
  return new InvalidParamsError(`invalid argument ${index}: ${path ? `${path}: ` : ""}${issue.message}`);
}

export { HexParseError };
