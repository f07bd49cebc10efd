// What the indexer reads from the node: full blocks (eth_getBlockByNumber with transactions)
// and their receipts (eth_getBlockReceipts), fetched as JSON-RPC batches and validated at the
// boundary (zod) before anything reaches the database.
import { createPublicClient, http, type EIP1193RequestFn, type PublicClient } from "viem";
import { z } from "zod";

/** Anything with viem's `request`: a PublicClient, or a bare Client in tests. */
export interface IndexerRpcClient {
  request: EIP1193RequestFn;
}

export class IndexerRpcError extends Error {
  override name = "IndexerRpcError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A viem client whose concurrent requests go out as JSON-RPC batches: the indexer issues a
 * whole range of eth_getBlockByNumber / eth_getBlockReceipts at once and viem groups them
 * `requestsPerBatch` to an HTTP call (fewer round trips matter more than anything else in the
 * backfill; 50 block receipts stay well under the node's 25 MB response limit at devnet load).
 */
export function createIndexerClient(
  rpcUrl: string,
  opts: { timeoutMs?: number; requestsPerBatch?: number } = {},
): PublicClient {
  return createPublicClient({
    transport: http(rpcUrl, {
      batch: { batchSize: opts.requestsPerBatch ?? 50, wait: 0 },
      timeout: opts.timeoutMs ?? 30_000,
      retryCount: 2,
    }),
  });
}

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, "expected 0x-hex");
const quantity = z.string().regex(/^0x[0-9a-fA-F]+$/, "expected a hex quantity");
const hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte hash");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte address");

const rpcTxSchema = z.object({
  hash: hash32,
  from: address,
  to: address.nullish(),
  value: quantity,
  nonce: quantity,
  type: quantity.optional(),
  gas: quantity,
  gasPrice: quantity.nullish(),
  maxFeePerGas: quantity.nullish(),
  maxPriorityFeePerGas: quantity.nullish(),
  input: hex,
  transactionIndex: quantity,
});

export const rpcBlockSchema = z.object({
  number: quantity,
  hash: hash32,
  parentHash: hash32,
  timestamp: quantity,
  miner: address,
  gasUsed: quantity,
  gasLimit: quantity,
  baseFeePerGas: quantity.nullish(),
  stateRoot: hash32,
  size: quantity,
  extraData: hex.optional(),
  transactions: z.array(rpcTxSchema),
});

const rpcLogSchema = z.object({
  address,
  topics: z.array(hash32).max(4),
  data: hex,
  logIndex: quantity,
  transactionIndex: quantity,
  transactionHash: hash32,
});

const rpcReceiptSchema = z.object({
  transactionHash: hash32,
  transactionIndex: quantity,
  status: quantity,
  gasUsed: quantity,
  cumulativeGasUsed: quantity,
  effectiveGasPrice: quantity,
  contractAddress: address.nullish(),
  logs: z.array(rpcLogSchema),
});

export type RpcBlock = z.infer<typeof rpcBlockSchema>;
export type RpcReceipt = z.infer<typeof rpcReceiptSchema>;
export type RpcLog = z.infer<typeof rpcLogSchema>;

export interface FetchedBlock {
  block: RpcBlock;
  receipts: RpcReceipt[];
}

const toHex = (n: bigint) => `0x${n.toString(16)}` as const;

/** `value` parsed with `schema`, or an IndexerRpcError naming `what` the node returned malformed. */
export function parseRpcResult<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new IndexerRpcError(
      `the node returned a malformed ${what}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim(),
    );
  }
  return r.data;
}

/** Fetches blocks [from, to] with their receipts in one round of batched requests. */
export async function fetchBlocks(
  client: IndexerRpcClient,
  from: bigint,
  to: bigint,
): Promise<FetchedBlock[]> {
  const numbers: bigint[] = [];
  for (let n = from; n <= to; n++) numbers.push(n);
  const request = client.request as (args: { method: string; params: unknown[] }) => Promise<unknown>;
  let raw: [unknown, unknown][];
  try {
    raw = await Promise.all(
      numbers.map((n) =>
        Promise.all([
          request({ method: "eth_getBlockByNumber", params: [toHex(n), true] }),
          request({ method: "eth_getBlockReceipts", params: [toHex(n)] }),
        ]),
      ),
    );
  } catch (err) {
    const e = err as { shortMessage?: string; message?: string };
    throw new IndexerRpcError(`fetching blocks ${from}..${to} failed: ${e.shortMessage ?? e.message}`, {
      cause: err,
    });
  }
  return raw.map(([b, r], i) => {
    if (b === null)
      throw new IndexerRpcError(`the node has no block ${numbers[i]} although its head is past it`);
    const block = parseRpcResult(rpcBlockSchema, b, `block ${numbers[i]}`);
    const receipts = parseRpcResult(z.array(rpcReceiptSchema), r, `receipt list of block ${numbers[i]}`);
    if (BigInt(block.number) !== numbers[i])
      throw new IndexerRpcError(`asked for block ${numbers[i]}, got ${BigInt(block.number)}`);
    if (receipts.length !== block.transactions.length) {
      throw new IndexerRpcError(
        `block ${numbers[i]} has ${block.transactions.length} transactions but ${receipts.length} receipts`,
      );
    }
    return { block, receipts };
  });
}

export async function fetchHead(client: IndexerRpcClient): Promise<bigint> {
  try {
    const n = await (client.request as (a: { method: string; params: unknown[] }) => Promise<unknown>)({
      method: "eth_blockNumber",
      params: [],
    });
    return BigInt(parseRpcResult(quantity, n, "eth_blockNumber result"));
  } catch (err) {
    if (err instanceof IndexerRpcError) throw err;
    const e = err as { shortMessage?: string; message?: string };
    throw new IndexerRpcError(`eth_blockNumber failed: ${e.shortMessage ?? e.message}`, { cause: err });
  }
}
