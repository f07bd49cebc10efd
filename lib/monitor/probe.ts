// One health probe of one node over JSON-RPC: eth_blockNumber, net_peerCount, eth_syncing and
// the latest block's timestamp, in parallel, each bounded by a timeout. Raw fetch rather than a
// viem client: a probe must report *how* a node failed (timeout, HTTP status, RPC error) and
// its response time, and must never retry (a retry would hide the slowness it measures).
import { z } from "zod";
import type { MonitoredNode } from "./config";

export interface NodeProbe {
  name: string;
  url: string;
  /** Every call answered. */
  reachable: boolean;
  height: number | null;
  /** Epoch ms of the latest block. */
  headTimestampMs: number | null;
  peers: number | null;
  syncing: boolean | null;
  /** Slowest of the parallel calls, ms; null when unreachable. */
  responseMs: number | null;
  error: string | null;
}

export class ProbeError extends Error {
  override name = "ProbeError";
}

const hexQuantity = z.string().regex(/^0x[0-9a-fA-F]{1,16}$/, "expected a hex quantity");
const rpcResponse = z.union([
  z.object({ jsonrpc: z.literal("2.0"), result: z.unknown() }),
  z.object({ jsonrpc: z.literal("2.0"), error: z.object({ code: z.number(), message: z.string() }) }),
]);
const latestBlock = z.object({ number: hexQuantity, timestamp: hexQuantity });
// eth_syncing: false, or an object while catching up.
const syncing = z.union([z.literal(false), z.object({}).loose()]);

/** One JSON-RPC call with a timeout; failures are ProbeErrors with a one-line reason. */
export async function rpcCall(
  url: string,
  method: string,
  timeoutMs: number,
  params: unknown[] = [],
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === "TimeoutError") throw new ProbeError(`${method} timed out after ${timeoutMs} ms`);
    throw new ProbeError(`${method}: ${e.cause?.code ?? e.message}`);
  }
  if (!res.ok) throw new ProbeError(`${method}: HTTP ${res.status}`);
  const body = rpcResponse.safeParse(await res.json().catch(() => null));
  if (!body.success) throw new ProbeError(`${method}: not a JSON-RPC response`);
  if ("error" in body.data) throw new ProbeError(`${method}: ${body.data.error.message}`);
  return body.data.result;
}

export async function probeNode(node: MonitoredNode, timeoutMs: number): Promise<NodeProbe> {
  const started = performance.now();
  try {
    const [height, peers, sync, block] = await Promise.all([
      rpcCall(node.url, "eth_blockNumber", timeoutMs).then((r) => Number(hexQuantity.parse(r))),
      rpcCall(node.url, "net_peerCount", timeoutMs).then((r) => Number(hexQuantity.parse(r))),
      rpcCall(node.url, "eth_syncing", timeoutMs).then((r) => syncing.parse(r) !== false),
      rpcCall(node.url, "eth_getBlockByNumber", timeoutMs, ["latest", false]).then((r) =>
        latestBlock.parse(r),
      ),
    ]);
    return {
      name: node.name,
      url: node.url,
      reachable: true,
      // The block may be one newer than eth_blockNumber (they race): report the newer.
      height: Math.max(height, Number(block.number)),
      headTimestampMs: Number(block.timestamp) * 1000,
      peers,
      syncing: sync,
      responseMs: Math.round(performance.now() - started),
      error: null,
    };
  } catch (err) {
    const message =
      err instanceof z.ZodError ? `malformed RPC result: ${err.issues[0]?.message}` : (err as Error).message;
    return {
      name: node.name,
      url: node.url,
      reachable: false,
      height: null,
      headTimestampMs: null,
      peers: null,
      syncing: null,
      responseMs: null,
      error: message,
    };
  }
}

export function probeAll(nodes: readonly MonitoredNode[], timeoutMs: number): Promise<NodeProbe[]> {
  return Promise.all(nodes.map((n) => probeNode(n, timeoutMs)));
}
