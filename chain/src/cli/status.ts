// `tensorchain status --rpc URL`: asks a node over its public JSON-RPC for chain id, head,
// head age, peers, sync state and (where the node serves it) the validator set, and prints a
// health summary. Exit status: 0 healthy or degraded, 1 down, 2 bad arguments; so it works as
// a container health check and in scripts.
import { parseArgs } from "node:util";
import { z } from "zod";
import { RpcErrorCode } from "../rpc/errors.js";

export class StatusRpcError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = "StatusRpcError";
  }
}

export type Health = "healthy" | "degraded" | "down";

export interface StatusThresholds {
  /** A head older than this (seconds) makes the node degraded. */
  staleAfterSec: number;
  /** A head older than this (seconds) makes the node down: the chain has stopped for it. */
  downAfterSec: number;
}

export const DEFAULT_THRESHOLDS: StatusThresholds = { staleAfterSec: 30, downAfterSec: 300 };

export interface NodeStatus {
  rpcUrl: string;
  health: Health;
  /** Why the node is not healthy (empty when healthy). */
  problems: string[];
  chainId?: number;
  height?: bigint;
  blockTimestamp?: number;
  blockAgeSec?: number;
  peers?: number;
  syncing?: false | { currentBlock: bigint; highestBlock: bigint };
  /** Size of the validator set; undefined where the node does not serve tensorchain_getValidators. */
  validators?: number;
}

const quantity = z
  .string()
  .regex(/^0x(0|[1-9a-f][0-9a-f]*)$/i, "expected a hex quantity")
  .transform((v) => BigInt(v));
const rpcResponse = z.union([
  z.object({ jsonrpc: z.literal("2.0"), id: z.number(), result: z.unknown() }),
  z.object({
    jsonrpc: z.literal("2.0"),
    id: z.number().nullable(),
    error: z.object({ code: z.number(), message: z.string() }),
  }),
]);
const blockSchema = z.object({ number: quantity, timestamp: quantity });
const syncingSchema = z.union([
  z.literal(false),
  z.object({ currentBlock: quantity, highestBlock: quantity }),
]);
// Accept both a bare array and `{ validators: [...] }`: the method's shape is the node's to define.
const validatorsSchema = z.union([
  z.array(z.unknown()),
  z.object({ validators: z.array(z.unknown()) }).transform((v) => v.validators),
]);

let nextId = 1;

async function rpcCall(url: string, method: string, params: unknown[], timeoutMs: number): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as Error;
    const why =
      err.name === "TimeoutError"
        ? `no answer within ${timeoutMs} ms`
        : String((err.cause as Error | undefined)?.message ?? err.message);
    throw new StatusRpcError(`${method}: cannot reach ${url}: ${why}`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new StatusRpcError(`${method}: HTTP ${res.status} with a body that is not JSON`);
  }
  const parsed = rpcResponse.safeParse(body);
  if (!parsed.success)
    throw new StatusRpcError(`${method}: not a JSON-RPC 2.0 response (HTTP ${res.status})`);
  if ("error" in parsed.data)
    throw new StatusRpcError(`${method}: ${parsed.data.error.message}`, parsed.data.error.code);
  return parsed.data.result;
}

function decode<T>(schema: z.ZodType<T>, method: string, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new StatusRpcError(`${method}: unexpected result ${JSON.stringify(value)?.slice(0, 120)}`);
  return r.data;
}

/**
 * Queries the node and classifies it. Never throws for an unreachable or misbehaving node:
 * that is the "down" answer. `now` (unix seconds) is injectable for tests.
 */
export async function queryNodeStatus(
  rpcUrl: string,
  opts: { timeoutMs?: number; thresholds?: StatusThresholds; now?: () => number } = {},
): Promise<NodeStatus> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const th = opts.thresholds ?? DEFAULT_THRESHOLDS;
  const now = opts.now ?? (() => Date.now() / 1000);
  const status: NodeStatus = { rpcUrl, health: "healthy", problems: [] };
  try {
    const [chainId, block, peers, syncing] = await Promise.all([
      rpcCall(rpcUrl, "eth_chainId", [], timeoutMs).then((v) => decode(quantity, "eth_chainId", v)),
      rpcCall(rpcUrl, "eth_getBlockByNumber", ["latest", false], timeoutMs).then((v) =>
        decode(blockSchema, "eth_getBlockByNumber", v),
      ),
      rpcCall(rpcUrl, "net_peerCount", [], timeoutMs).then((v) => decode(quantity, "net_peerCount", v)),
      rpcCall(rpcUrl, "eth_syncing", [], timeoutMs).then((v) => decode(syncingSchema, "eth_syncing", v)),
    ]);
    status.chainId = Number(chainId);
    status.height = block.number;
    status.blockTimestamp = Number(block.timestamp);
    status.blockAgeSec = Math.max(0, Math.floor(now() - status.blockTimestamp));
    status.peers = Number(peers);
    status.syncing = syncing;
  } catch (e) {
    status.health = "down";
    status.problems.push((e as Error).message);
    return status;
  }
  try {
    const v = await rpcCall(rpcUrl, "tensorchain_getValidators", [], timeoutMs);
    status.validators = decode(validatorsSchema, "tensorchain_getValidators", v).length;
  } catch (e) {
    // A node without the method is not unhealthy; anything else about it is worth showing.
    if (!(e instanceof StatusRpcError && e.code === RpcErrorCode.MethodNotFound))
      status.problems.push((e as Error).message);
  }

  const age = status.blockAgeSec!;
  if (age > th.downAfterSec) {
    status.health = "down";
    status.problems.push(
      `head is ${age} s old (down after ${th.downAfterSec} s): the chain is not advancing here`,
    );
  } else if (age > th.staleAfterSec) {
    status.problems.push(`head is ${age} s old (stale after ${th.staleAfterSec} s)`);
  }
  if (status.syncing)
    status.problems.push(`syncing: ${status.syncing.currentBlock} of ${status.syncing.highestBlock}`);
  if (status.peers === 0 && status.validators !== undefined && status.validators > 1)
    status.problems.push(`no peers on a network of ${status.validators} validators`);
  if (status.health !== "down" && status.problems.length > 0) status.health = "degraded";
  return status;
}

export function formatStatus(s: NodeStatus): string {
  const lines = [`${s.rpcUrl}: ${s.health.toUpperCase()}`];
  if (s.height !== undefined) {
    lines.push(`  chain id     ${s.chainId}`);
    lines.push(`  height       ${s.height}`);
    lines.push(`  block age    ${s.blockAgeSec} s (${new Date(s.blockTimestamp! * 1000).toISOString()})`);
    lines.push(`  peers        ${s.peers}`);
    lines.push(
      `  syncing      ${s.syncing ? `yes (${s.syncing.currentBlock} / ${s.syncing.highestBlock})` : "no"}`,
    );
    lines.push(`  validators   ${s.validators ?? "n/a (tensorchain_getValidators not served)"}`);
  }
  for (const p of s.problems) lines.push(`  ! ${p}`);
  return lines.join("\n");
}

export const STATUS_USAGE = `usage: tensorchain status --rpc URL [--timeout MS] [--stale-after SEC] [--down-after SEC] [--json]

  --rpc URL          the node's JSON-RPC HTTP endpoint (e.g. http://127.0.0.1:8545)
  --timeout MS       per-request timeout (default 5000)
  --stale-after SEC  head age that makes the node degraded (default ${DEFAULT_THRESHOLDS.staleAfterSec})
  --down-after SEC   head age that makes the node down (default ${DEFAULT_THRESHOLDS.downAfterSec})
  --json             print the status as JSON

exit status: 0 healthy or degraded, 1 down, 2 bad arguments`;

const argsSchema = z
  .object({
    rpc: z.url({ protocol: /^https?$/, error: "--rpc must be an http(s) URL" }),
    timeout: z.coerce.number().int().min(1).max(120_000).default(5_000),
    "stale-after": z.coerce.number().int().min(1).default(DEFAULT_THRESHOLDS.staleAfterSec),
    "down-after": z.coerce.number().int().min(1).default(DEFAULT_THRESHOLDS.downAfterSec),
    json: z.boolean().default(false),
  })
  .refine((a) => a["down-after"] >= a["stale-after"], "--down-after must be at least --stale-after");

/** Runs `tensorchain status`; returns the exit status (the caller sets it). */
export async function runStatusCommand(
  argv: string[],
  out: (line: string) => void = console.log,
): Promise<number> {
  let raw: Record<string, unknown>;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        rpc: { type: "string" },
        timeout: { type: "string" },
        "stale-after": { type: "string" },
        "down-after": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      out(STATUS_USAGE);
      return 0;
    }
    raw = values;
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n\n${STATUS_USAGE}`);
    return 2;
  }
  const args = argsSchema.safeParse(raw);
  if (!args.success) {
    const issue = args.error.issues[0]!;
    const msg =
      issue.path.length && issue.code !== "custom" && raw[String(issue.path[0])] === undefined
        ? `--${String(issue.path[0])} is required`
        : issue.message;
    console.error(`error: ${msg}\n\n${STATUS_USAGE}`);
    return 2;
  }
  const a = args.data;
  const status = await queryNodeStatus(a.rpc, {
    timeoutMs: a.timeout,
    thresholds: { staleAfterSec: a["stale-after"], downAfterSec: a["down-after"] },
  });
  out(
    a.json
      ? JSON.stringify(status, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v), 2)
      : formatStatus(status),
  );
  return status.health === "down" ? 1 : 0;
}
