// Resource limits of the JSON-RPC server. Defaults follow geth where geth has one (5 MB
// request body, 1000-request batches, 25 MB responses, 5-minute filter expiry).

import { z } from "zod";

export interface RpcLimits {
  /** Largest HTTP request body / WebSocket message accepted, in bytes. */
  maxBodyBytes: number;
  /** Most requests in one batch. */
  maxBatchSize: number;
  /** Largest response (a single response, or a whole batch), in bytes. */
  maxResponseBytes: number;
  /** Most blocks an eth_getLogs / eth_getFilterLogs range may span. */
  maxLogBlockRange: number;
  /** Most logs one eth_getLogs / eth_getFilterLogs may return. */
  maxLogResults: number;
  /** Most polling filters installed at once (all clients together). */
  maxFilters: number;
  /** A filter not polled for this long is removed. */
  filterIdleTimeoutMs: number;
  /** Most items (hashes, logs) a filter keeps between two polls; older ones are dropped. */
  maxFilterBufferedItems: number;
  /** Most subscriptions per WebSocket connection. */
  maxSubscriptionsPerConnection: number;
  /** Most concurrent WebSocket connections. */
  maxWsConnections: number;
  /** A WebSocket client that lets this much unsent data pile up is disconnected. */
  maxWsBufferedBytes: number;
  /** Most messages of one WebSocket connection processed at once; more are refused. */
  maxWsInFlight: number;
  /** Most blocks eth_feeHistory reports (larger requests are capped, as geth does). */
  maxFeeHistoryBlocks: number;
}

export const DEFAULT_RPC_LIMITS: RpcLimits = {
  maxBodyBytes: 5 * 1024 * 1024,
  maxBatchSize: 1_000,
  maxResponseBytes: 25 * 1024 * 1024,
  maxLogBlockRange: 10_000,
  maxLogResults: 10_000,
  maxFilters: 10_000,
  filterIdleTimeoutMs: 5 * 60_000,
  maxFilterBufferedItems: 10_000,
  maxSubscriptionsPerConnection: 1_000,
  maxWsConnections: 1_000,
  maxWsBufferedBytes: 16 * 1024 * 1024,
  maxWsInFlight: 256,
  maxFeeHistoryBlocks: 1_024,
};

const positiveInt = z.number().int().positive();

const limitsSchema = z
  .object({
    maxBodyBytes: positiveInt,
    maxBatchSize: positiveInt,
    maxResponseBytes: positiveInt,
    maxLogBlockRange: positiveInt,
    maxLogResults: positiveInt,
    maxFilters: positiveInt,
    filterIdleTimeoutMs: positiveInt,
    maxFilterBufferedItems: positiveInt,
    maxSubscriptionsPerConnection: positiveInt,
    maxWsConnections: positiveInt,
    maxWsBufferedBytes: positiveInt,
    maxWsInFlight: positiveInt,
    maxFeeHistoryBlocks: positiveInt,
  })
  .partial()
  .strict();

/** Defaults overlaid with `overrides`; throws a ZodError naming the bad field. */
export function resolveRpcLimits(overrides: Partial<RpcLimits> = {}): RpcLimits {
  return { ...DEFAULT_RPC_LIMITS, ...limitsSchema.parse(overrides) };
}
