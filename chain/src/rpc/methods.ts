// The typed table of Ethereum JSON-RPC methods: for each method, the zod schemas of its
// positional params and the handler that calls the backend and shapes the JSON result. This is
// the one definition of params/results; `RpcMethodName`, `RpcParams` and `RpcResult` derive
// from it for clients and tests.

import { keccak256 } from "viem";
import { z } from "zod";
import type { BlockRef, BlockTag, Hex, LogFilter, RpcBackend, RpcLog } from "./backend.js";
import {
  InvalidParamsError,
  LimitExceededError,
  NotificationsUnsupportedError,
  RpcBackendError,
  RpcErrorCode,
} from "./errors.js";
import type { FilterManager } from "./filters.js";
import type { RpcLimits } from "./limits.js";
import {
  address,
  blockNumberOrTag,
  blockRef,
  bool,
  callRequest,
  data,
  hash32,
  logFilter,
  nonEmptyData,
  paramError,
  quantityOrDecimal,
  rpcId,
  rewardPercentiles,
  stateOverride,
  storageSlot,
  uint64,
} from "./params.js";
import type { SubscriberConnection, SubscriptionHub } from "./subscriptions.js";

export interface MethodContext {
  backend: RpcBackend;
  limits: RpcLimits;
  filters: FilterManager;
  subscriptions: SubscriptionHub;
  /** Set for WebSocket connections only: the target of eth_subscribe notifications. */
  connection?: SubscriberConnection;
  /** eth_sendRawTransaction only: pool the transaction after this settles (see RpcBackend). */
  admitAfter?: Promise<unknown>;
}

type ArgsOf<P extends readonly z.ZodType[]> = { -readonly [K in keyof P]: z.output<P[K]> };

export interface MethodDef<P extends readonly z.ZodType[], R> {
  /** Positional params; trailing `.optional()` schemas may be omitted (or null) by the caller. */
  params: P;
  handler: (ctx: MethodContext, args: ArgsOf<P>) => R | Promise<R>;
}

function method<const P extends readonly z.ZodType[], R>(def: MethodDef<P, R>): MethodDef<P, R> {
  return def;
}

export function toQuantity(n: bigint | number): Hex {
  return `0x${n.toString(16)}`;
}

const noParams = [] as const;
const anyValue = z.unknown();

/** geth's order of preference for the default block of a state read. */
const latest: BlockTag = "latest";

/**
 * Resolves a range filter to concrete block numbers and enforces the range limit. Returns null
 * when the range is empty (starts beyond the head).
 */
function resolveLogRange(ctx: MethodContext, filter: LogFilter): LogFilter | null {
  const query: LogFilter = { ...filter, maxResults: ctx.limits.maxLogResults };
  if (filter.blockHash !== undefined) return query;
  const head = ctx.backend.blockNumber();
  const resolve = (ref: BlockRef | undefined): bigint => {
    if (ref === undefined) return head;
    if (typeof ref === "bigint") return ref;
    if (ref === "earliest") return 0n;
    if (typeof ref === "string") return head; // latest, safe, finalized (one-block finality), pending
    throw new InvalidParamsError("block hash references are not allowed in a block range");
  };
  const from = resolve(filter.fromBlock);
  const to = resolve(filter.toBlock);
  if (from > to) throw new InvalidParamsError("invalid block range params: fromBlock is after toBlock");
  if (from > head) return null;
  const end = to > head ? head : to;
  const span = end - from + 1n;
  if (span > BigInt(ctx.limits.maxLogBlockRange)) {
    throw new LimitExceededError(
      `limit exceeded: block range of ${span} blocks exceeds the limit of ${ctx.limits.maxLogBlockRange}`,
    );
  }
  query.fromBlock = from;
  query.toBlock = end;
  return query;
}

async function queryLogs(ctx: MethodContext, filter: LogFilter): Promise<RpcLog[]> {
  const query = resolveLogRange(ctx, filter);
  if (!query) return [];
  const logs = await ctx.backend.getLogs(query);
  if (logs.length > ctx.limits.maxLogResults) {
    throw new LimitExceededError(
      `limit exceeded: query returned more than ${ctx.limits.maxLogResults} results, narrow the block range`,
    );
  }
  return logs;
}

function requireConnection(ctx: MethodContext, name: string): SubscriberConnection {
  if (!ctx.connection) throw new NotificationsUnsupportedError(name);
  return ctx.connection;
}

const optionalBlockRef = blockRef.optional();
const optionalOverride = stateOverride.optional();

export const ethMethods = {
  web3_clientVersion: method({ params: noParams, handler: (ctx) => ctx.backend.clientVersion }),
  web3_sha3: method({ params: [data], handler: (_ctx, [input]) => keccak256(input) }),
  net_version: method({ params: noParams, handler: (ctx) => ctx.backend.chainId.toString(10) }),
  net_listening: method({ params: noParams, handler: () => true }),
  net_peerCount: method({ params: noParams, handler: (ctx) => toQuantity(ctx.backend.peerCount()) }),
  eth_chainId: method({ params: noParams, handler: (ctx) => toQuantity(ctx.backend.chainId) }),
  eth_syncing: method({ params: noParams, handler: (ctx) => ctx.backend.syncing() }),
  eth_blockNumber: method({ params: noParams, handler: (ctx) => toQuantity(ctx.backend.blockNumber()) }),
  eth_accounts: method({ params: noParams, handler: (ctx) => ctx.backend.accounts() }),

  eth_getBlockByNumber: method({
    params: [blockNumberOrTag, bool],
    handler: (ctx, [ref, full]) => ctx.backend.getBlock(ref, full),
  }),
  eth_getBlockByHash: method({
    params: [hash32, bool],
    handler: (ctx, [hash, full]) => ctx.backend.getBlock({ blockHash: hash }, full),
  }),
  eth_getBlockTransactionCountByNumber: method({
    params: [blockNumberOrTag],
    handler: async (ctx, [ref]) => {
      const n = await ctx.backend.getBlockTransactionCount(ref);
      return n === null ? null : toQuantity(n);
    },
  }),
  eth_getBlockTransactionCountByHash: method({
    params: [hash32],
    handler: async (ctx, [hash]) => {
      const n = await ctx.backend.getBlockTransactionCount({ blockHash: hash });
      return n === null ? null : toQuantity(n);
    },
  }),
  eth_getTransactionByBlockNumberAndIndex: method({
    params: [blockNumberOrTag, uint64],
    handler: (ctx, [ref, index]) => ctx.backend.getTransactionByBlockAndIndex(ref, index),
  }),
  eth_getTransactionByBlockHashAndIndex: method({
    params: [hash32, uint64],
    handler: (ctx, [hash, index]) => ctx.backend.getTransactionByBlockAndIndex({ blockHash: hash }, index),
  }),
  eth_getBlockReceipts: method({
    params: [blockRef],
    handler: (ctx, [ref]) => ctx.backend.getBlockReceipts(ref),
  }),
  eth_getTransactionByHash: method({
    params: [hash32],
    handler: (ctx, [hash]) => ctx.backend.getTransactionByHash(hash),
  }),
  eth_getTransactionReceipt: method({
    params: [hash32],
    handler: (ctx, [hash]) => ctx.backend.getTransactionReceipt(hash),
  }),

  eth_getBalance: method({
    params: [address, optionalBlockRef],
    handler: async (ctx, [addr, ref]) => toQuantity(await ctx.backend.getBalance(addr, ref ?? latest)),
  }),
  eth_getCode: method({
    params: [address, optionalBlockRef],
    handler: (ctx, [addr, ref]) => ctx.backend.getCode(addr, ref ?? latest),
  }),
  eth_getStorageAt: method({
    params: [address, storageSlot, optionalBlockRef],
    handler: (ctx, [addr, slot, ref]) => ctx.backend.getStorageAt(addr, slot, ref ?? latest),
  }),
  eth_getTransactionCount: method({
    params: [address, optionalBlockRef],
    handler: async (ctx, [addr, ref]) =>
      toQuantity(await ctx.backend.getTransactionCount(addr, ref ?? latest)),
  }),
  eth_getProof: method({
    params: [address, z.array(storageSlot).max(1_000), optionalBlockRef],
    handler: (ctx, [addr, slots, ref]) => ctx.backend.getProof(addr, slots, ref ?? latest),
  }),

  eth_call: method({
    params: [callRequest, optionalBlockRef, optionalOverride],
    handler: (ctx, [req, ref, overrides]) => ctx.backend.call(req, ref ?? latest, overrides),
  }),
  eth_estimateGas: method({
    params: [callRequest, optionalBlockRef, optionalOverride],
    handler: async (ctx, [req, ref, overrides]) =>
      toQuantity(await ctx.backend.estimateGas(req, ref ?? latest, overrides)),
  }),
  eth_gasPrice: method({
    params: noParams,
    handler: async (ctx) => toQuantity(await ctx.backend.gasPrice()),
  }),
  eth_maxPriorityFeePerGas: method({
    params: noParams,
    handler: async (ctx) => toQuantity(await ctx.backend.maxPriorityFeePerGas()),
  }),
  eth_feeHistory: method({
    params: [quantityOrDecimal, blockNumberOrTag, rewardPercentiles.optional()],
    handler: (ctx, [count, newest, percentiles]) => {
      const capped =
        count > BigInt(ctx.limits.maxFeeHistoryBlocks) ? BigInt(ctx.limits.maxFeeHistoryBlocks) : count;
      return ctx.backend.feeHistory(capped, newest, percentiles);
    },
  }),

  eth_sendRawTransaction: method({
    params: [nonEmptyData],
    handler: (ctx, [raw]) => ctx.backend.sendRawTransaction(raw, ctx.admitAfter),
  }),

  eth_getLogs: method({ params: [logFilter], handler: (ctx, [filter]) => queryLogs(ctx, filter) }),
  eth_newFilter: method({
    params: [logFilter],
    handler: (ctx, [filter]) => {
      // Reject a range that could never be queried with eth_getFilterLogs up front.
      if (
        typeof filter.fromBlock === "bigint" &&
        typeof filter.toBlock === "bigint" &&
        filter.fromBlock > filter.toBlock
      ) {
        throw new InvalidParamsError("invalid block range params: fromBlock is after toBlock");
      }
      return ctx.filters.install("log", filter);
    },
  }),
  eth_newBlockFilter: method({ params: noParams, handler: (ctx) => ctx.filters.install("block") }),
  eth_newPendingTransactionFilter: method({
    params: noParams,
    handler: (ctx) => ctx.filters.install("pending"),
  }),
  eth_getFilterChanges: method({
    params: [rpcId],
    handler: (ctx, [id]) => ctx.filters.takeChanges(id),
  }),
  eth_getFilterLogs: method({
    params: [rpcId],
    handler: (ctx, [id]) => {
      const f = ctx.filters.get(id);
      if (f.kind !== "log") throw new RpcBackendError(RpcErrorCode.Server, "filter not found");
      return queryLogs(ctx, f.criteria);
    },
  }),
  eth_uninstallFilter: method({ params: [rpcId], handler: (ctx, [id]) => ctx.filters.uninstall(id) }),

  eth_subscribe: method({
    params: [anyValue, anyValue.optional()],
    handler: (ctx, [kind, options]) =>
      ctx.subscriptions.subscribe(requireConnection(ctx, "eth_subscribe"), kind, options),
  }),
  eth_unsubscribe: method({
    params: [rpcId],
    handler: (ctx, [id]) => ctx.subscriptions.unsubscribe(requireConnection(ctx, "eth_unsubscribe"), id),
  }),
} as const;

export type RpcMethods = typeof ethMethods;
export type RpcMethodName = keyof RpcMethods;
export type RpcParams<M extends RpcMethodName> = z.input<RpcMethods[M]["params"][number]>[];
export type RpcResult<M extends RpcMethodName> = Awaited<ReturnType<RpcMethods[M]["handler"]>>;

const methodTable: ReadonlyMap<string, MethodDef<readonly z.ZodType[], unknown>> = new Map(
  Object.entries(ethMethods) as unknown as [string, MethodDef<readonly z.ZodType[], unknown>][],
);

export function lookupMethod(name: string): MethodDef<readonly z.ZodType[], unknown> | undefined {
  return methodTable.get(name);
}

function isOptional(schema: z.ZodType): boolean {
  return schema instanceof z.ZodOptional;
}

/** Validates positional params against a method's schemas (geth's messages for arity errors). */
export function parseParams(def: MethodDef<readonly z.ZodType[], unknown>, params: unknown[]): unknown[] {
  if (params.length > def.params.length) {
    throw new InvalidParamsError(`too many arguments, want at most ${def.params.length}`);
  }
  const out: unknown[] = [];
  for (let i = 0; i < def.params.length; i++) {
    const schema = def.params[i] as z.ZodType;
    // An explicit null in an optional position means "not given", as in geth.
    const raw = params[i] === null && isOptional(schema) ? undefined : params[i];
    if (raw === undefined && !isOptional(schema)) {
      throw new InvalidParamsError(`missing value for required argument ${i}`);
    }
    const r = schema.safeParse(raw);
    if (!r.success) throw paramError(i, r.error);
    out.push(r.data);
  }
  return out;
}
