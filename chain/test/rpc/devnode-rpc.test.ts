// JSON-RPC against the real node: `tensorchain start --dev` spawned by the devnode helper, driven
// with viem over HTTP and WebSocket. Covers filters, subscriptions, fee history, logs with
// topics, every JSON-RPC error class, batches, reverts with data, and conformance of the
// node's results to the execution-apis schemas.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  http,
  parseAbiItem,
  toFunctionSelector,
  webSocket,
  type Abi,
  type Address,
  type Hash,
  type PublicClient,
  type WalletClient,
} from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { startDevNode } from "../helpers/devnode.js";
import { compileEmitter } from "./emitter-contract.js";
import { loadSpecValidator, SPEC_PATH } from "./spec-schemas.js";

type DevNode = Awaited<ReturnType<typeof startDevNode>>;

let node: DevNode;
let client: PublicClient;
let wallet: WalletClient;
let account: PrivateKeyAccount;
let abi: Abi;
let emitter: Address;
let deployHash: Hash;
let pingHash: Hash;
let wsUrl: string;

const pingEvent = parseAbiItem("event Ping(address indexed from, uint256 indexed n, string note)");

async function raw(body: unknown): Promise<unknown> {
  const res = await fetch(node.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return res.json();
}

async function rpc(
  method: string,
  params: unknown[] = [],
): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> {
  return (await raw({ jsonrpc: "2.0", id: 1, method, params })) as never;
}

async function ping(n: bigint, note = "hello"): Promise<Hash> {
  const hash = await wallet.writeContract({
    address: emitter,
    abi,
    functionName: "ping",
    args: [n, note],
    account,
    chain: wallet.chain,
  });
  await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  return hash;
}

beforeAll(async () => {
  node = await startDevNode();
  wsUrl = node.wsUrl;
  const chain = defineChain({
    id: node.chainId,
    name: "tensorchain-dev",
    nativeCurrency: { name: "TEN", symbol: "TEN", decimals: 18 },
    rpcUrls: { default: { http: [node.rpcUrl], webSocket: [wsUrl] } },
  });
  client = createPublicClient({ chain, transport: http(node.rpcUrl), pollingInterval: 50 });
  const first = node.accounts[1] ?? node.accounts[0];
  if (!first) throw new Error("devnode exposes no funded account");
  account = privateKeyToAccount(first.privateKey);
  wallet = createWalletClient({ chain, account, transport: http(node.rpcUrl) });
  const compiled = compileEmitter();
  abi = compiled.abi;
  deployHash = await wallet.deployContract({ abi, bytecode: compiled.bytecode, account, chain });
  const receipt = await client.waitForTransactionReceipt({ hash: deployHash, pollingInterval: 50 });
  if (!receipt.contractAddress) throw new Error("deployment produced no contract address");
  emitter = receipt.contractAddress;
  pingHash = await ping(1n);
});

afterAll(async () => {
  await node?.stop();
});

describe("polling filters", () => {
  it("reports new blocks, pending transactions and matching logs, then uninstalls", async () => {
    const blockFilter = await client.createBlockFilter();
    const pendingFilter = await client.createPendingTransactionFilter();
    const eventFilter = await client.createEventFilter({
      address: emitter,
      event: pingEvent,
      args: { n: 7n },
      fromBlock: 0n,
    });
    const hash = await ping(7n, "seven");
    await ping(8n, "eight"); // does not match the n = 7 filter

    const blocks = await client.getFilterChanges({ filter: blockFilter });
    expect(blocks.length).toBeGreaterThan(0);
    const pending = await client.getFilterChanges({ filter: pendingFilter });
    expect(pending).toContain(hash);
    const logs = await client.getFilterChanges({ filter: eventFilter });
    expect(logs.map((l) => l.transactionHash)).toEqual([hash]);
    expect(logs[0]?.args).toMatchObject({ n: 7n, note: "seven", from: account.address });
    // Nothing new since the last poll.
    expect(await client.getFilterChanges({ filter: eventFilter })).toEqual([]);

    const all = await client.getFilterLogs({ filter: eventFilter });
    expect(all.map((l) => l.transactionHash)).toContain(hash);

    expect(await client.uninstallFilter({ filter: eventFilter })).toBe(true);
    expect(await client.uninstallFilter({ filter: eventFilter })).toBe(false);
    await client.uninstallFilter({ filter: blockFilter });
    await client.uninstallFilter({ filter: pendingFilter });
    expect((await rpc("eth_getFilterChanges", [eventFilter.id])).error).toEqual({
      code: -32000,
      message: "filter not found",
    });
  });
});

describe("WebSocket subscriptions", () => {
  it("delivers new blocks, contract events and pending transactions via eth_subscribe", async () => {
    const ws = createPublicClient({ chain: client.chain, transport: webSocket(wsUrl) });
    const blocks: bigint[] = [];
    const pending = new Set<Hash>();
    const events: { n?: bigint; note?: string }[] = [];
    const unwatch = [
      ws.watchBlocks({ onBlock: (b) => blocks.push(b.number), onError: () => {} }),
      ws.watchPendingTransactions({
        onTransactions: (hs) => hs.forEach((h) => pending.add(h)),
        onError: () => {},
      }),
      ws.watchContractEvent({
        address: emitter,
        abi,
        eventName: "Ping",
        onLogs: (logs) => {
          for (const l of logs) events.push((l as unknown as { args: { n?: bigint; note?: string } }).args);
        },
        onError: () => {},
      }),
    ];
    try {
      // viem subscribes asynchronously and gives no signal when eth_subscribe has been answered,
      // so transactions are sent until the subscriptions have seen one (a bounded retry).
      const sent: Hash[] = [];
      for (let attempt = 0; attempt < 20; attempt++) {
        sent.push(await ping(42n, "over ws"));
        await new Promise((r) => setTimeout(r, 100));
        if (events.length > 0 && sent.some((h) => pending.has(h)) && blocks.length > 0) break;
      }
      expect(events).toContainEqual(expect.objectContaining({ n: 42n, note: "over ws" }));
      expect(sent.some((h) => pending.has(h))).toBe(true);
      expect(blocks.length).toBeGreaterThan(0);
    } finally {
      for (const un of unwatch) un();
      await ws.transport.getRpcClient().then((c) => c.close());
    }
  });

  it("refuses eth_subscribe over HTTP with a clear error", async () => {
    const res = await rpc("eth_subscribe", ["newHeads"]);
    expect(res.error?.message).toMatch(/WebSocket/);
  });
});

describe("fees and logs", () => {
  it("reports fee history with reward percentiles", async () => {
    const history = await client.getFeeHistory({ blockCount: 4, rewardPercentiles: [25, 75] });
    expect(history.baseFeePerGas.length).toBe(history.gasUsedRatio.length + 1);
    expect(history.reward?.[0]?.length).toBe(2);
    expect(history.oldestBlock).toBeGreaterThanOrEqual(0n);
  });

  it("filters logs by indexed topics, with alternatives", async () => {
    const byArgs = await client.getLogs({
      address: emitter,
      event: pingEvent,
      args: { n: 1n },
      fromBlock: 0n,
    });
    expect(byArgs.map((l) => l.transactionHash)).toEqual([pingHash]);
    const both = await client.getLogs({
      address: emitter,
      event: pingEvent,
      args: { n: [1n, 7n] },
      fromBlock: 0n,
    });
    expect(both.map((l) => l.args.n).sort()).toEqual([1n, 7n]);
    const none = await client.getLogs({
      address: emitter,
      event: pingEvent,
      args: { from: emitter },
      fromBlock: 0n,
    });
    expect(none).toEqual([]);
  });
});

describe("calls", () => {
  it("applies state overrides given as the third eth_call param", async () => {
    const countCall = { to: emitter, data: encodeFunctionData({ abi, functionName: "count" }) };
    const before = BigInt((await rpc("eth_call", [countCall, "latest"])).result as string);
    expect(before).toBeGreaterThan(0n);
    const slot0 = `0x${"0".repeat(64)}`;
    const overridden = await rpc("eth_call", [
      countCall,
      "latest",
      { [emitter]: { stateDiff: { [slot0]: `0x${(1234).toString(16).padStart(64, "0")}` } } },
    ]);
    expect(BigInt(overridden.result as string)).toBe(1234n);
    // The override is per call: state is unchanged afterwards.
    expect(BigInt((await rpc("eth_call", [countCall, "latest"])).result as string)).toBe(before);
  });
});

describe("JSON-RPC errors from the node", () => {
  it("maps every error class", async () => {
    expect(await raw("{oops")).toMatchObject({ id: null, error: { code: -32700 } });
    expect(await raw({ jsonrpc: "2.0", id: 1 })).toMatchObject({ error: { code: -32600 } });
    expect((await rpc("eth_doesNotExist")).error).toEqual({
      code: -32601,
      message: "the method eth_doesNotExist does not exist/is not available",
    });
    expect((await rpc("eth_getBalance", ["0x1234", "latest"])).error).toMatchObject({
      code: -32602,
      message: expect.stringMatching(/^invalid argument 0: /),
    });
    expect((await rpc("eth_getBlockByNumber", ["0x01", false])).error?.message).toBe(
      "invalid argument 0: hex number with leading zero digits",
    );
    const big = Array.from({ length: 1001 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_chainId" }));
    expect(await raw(big)).toMatchObject([{ error: { code: -32005 } }]);
  });

  it("returns revert data with code 3 so viem decodes custom errors and reasons", async () => {
    const custom = await client
      .readContract({
        address: emitter,
        abi,
        functionName: "failCustom",
        args: [9n],
        account: account.address,
      })
      .catch((e: unknown) => e);
    expect(custom).toBeInstanceOf(BaseError);
    const reverted = (custom as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
    expect(reverted).toBeInstanceOf(ContractFunctionRevertedError);
    expect((reverted as ContractFunctionRevertedError).data?.errorName).toBe("Nope");
    expect((reverted as ContractFunctionRevertedError).data?.args).toEqual([9n, account.address]);

    const reason = await client
      .readContract({ address: emitter, abi, functionName: "failReason" })
      .catch((e: unknown) => e);
    const r = (reason as BaseError).walk(
      (e) => e instanceof ContractFunctionRevertedError,
    ) as ContractFunctionRevertedError;
    expect(r.reason).toBe("plain reason");

    const data = encodeFunctionData({ abi, functionName: "failCustom", args: [5n] });
    const rawRevert = await rpc("eth_call", [{ to: emitter, data }, "latest"]);
    expect(rawRevert.error).toMatchObject({ code: 3, message: expect.stringMatching(/^execution reverted/) });
    const nope = toFunctionSelector("error Nope(uint256 code, address who)");
    expect(String(rawRevert.error?.data).startsWith(nope)).toBe(true);
  });
});

describe("batches", () => {
  it("answers a batch in order and viem's batching transport works", async () => {
    const replies = (await raw([
      { jsonrpc: "2.0", id: 1, method: "eth_chainId" },
      { jsonrpc: "2.0", id: 2, method: "eth_getCode", params: [emitter, "latest"] },
      { jsonrpc: "2.0", id: 3, method: "eth_nope" },
    ])) as { id: number; result?: string; error?: { code: number } }[];
    expect(replies.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(replies[0]?.result).toBe(`0x${node.chainId.toString(16)}`);
    expect(replies[1]?.result?.length).toBeGreaterThan(10);
    expect(replies[2]?.error?.code).toBe(-32601);

    const batching = createPublicClient({
      chain: client.chain,
      transport: http(node.rpcUrl, { batch: true }),
    });
    const [n, balance, code] = await Promise.all([
      batching.getBlockNumber(),
      batching.getBalance({ address: account.address }),
      batching.getCode({ address: emitter }),
    ]);
    expect(n).toBeGreaterThan(0n);
    expect(balance).toBeGreaterThan(0n);
    expect(code?.length).toBeGreaterThan(10);
  });
});

/**
 * Deviations of the node's output (chain/src/node/format.ts, backend.ts) from the spec that are
 * known and owed by the chain core: each is reported and patched so that the rest of the
 * object is still validated. Any other deviation fails the test.
 */
const KNOWN_GAPS = [
  "transaction objects lack blockTimestamp (execution-apis TransactionInfo requires it)",
  "eth_getProof storageProof values are 32-byte data, the spec wants a quantity (uint256)",
];

function patchTx(tx: unknown, gaps: Set<string>): unknown {
  if (!tx || typeof tx !== "object") return tx;
  const t = tx as Record<string, unknown>;
  if (t.blockHash && t.blockTimestamp === undefined) {
    gaps.add(KNOWN_GAPS[0]!);
    return { ...t, blockTimestamp: "0x0" };
  }
  return tx;
}

function patchKnownGaps(method: string, result: unknown, gaps: Set<string>): unknown {
  if (!result || typeof result !== "object") return result;
  const r = result as Record<string, unknown>;
  if (method.startsWith("eth_getTransactionBy")) return patchTx(result, gaps);
  if (method.startsWith("eth_getBlockBy") && Array.isArray(r.transactions)) {
    return { ...r, transactions: r.transactions.map((t) => patchTx(t, gaps)) };
  }
  if (method === "eth_getProof" && Array.isArray(r.storageProof)) {
    const storageProof = (r.storageProof as { value: string }[]).map((p) => {
      if (!/^0x0[0-9a-f]/.test(p.value)) return p;
      gaps.add(KNOWN_GAPS[1]!);
      return { ...p, value: `0x${BigInt(p.value).toString(16)}` };
    });
    return { ...r, storageProof };
  }
  return result;
}

describe("execution-apis schema conformance", () => {
  const spec = loadSpecValidator();
  it.skipIf(!spec)(`results validate against ${SPEC_PATH}`, async () => {
    if (!spec) return;
    const receipt = (await rpc("eth_getTransactionReceipt", [pingHash])).result as {
      blockHash: string;
      blockNumber: string;
    };
    const blockHash = receipt.blockHash;
    const blockNumber = receipt.blockNumber;
    const filterId = (await rpc("eth_newFilter", [{ address: emitter, fromBlock: "0x0" }])).result;
    const blockFilterId = (await rpc("eth_newBlockFilter")).result;
    await ping(3n);
    const cases: [string, unknown[]][] = [
      ["eth_chainId", []],
      ["eth_blockNumber", []],
      ["eth_syncing", []],
      ["eth_accounts", []],
      ["net_version", []],
      ["eth_gasPrice", []],
      ["eth_maxPriorityFeePerGas", []],
      ["eth_feeHistory", ["0x4", "latest", [10, 90]]],
      ["eth_getBlockByNumber", ["latest", false]],
      ["eth_getBlockByNumber", [blockNumber, true]],
      ["eth_getBlockByNumber", ["earliest", false]],
      ["eth_getBlockByNumber", ["finalized", false]],
      ["eth_getBlockByNumber", ["safe", false]],
      ["eth_getBlockByNumber", ["pending", false]],
      ["eth_getBlockByNumber", ["0xffffffff", false]],
      ["eth_getBlockByHash", [blockHash, true]],
      ["eth_getBlockTransactionCountByHash", [blockHash]],
      ["eth_getBlockTransactionCountByNumber", [blockNumber]],
      ["eth_getBlockReceipts", [blockNumber]],
      ["eth_getTransactionByHash", [pingHash]],
      ["eth_getTransactionByHash", [deployHash]],
      ["eth_getTransactionByBlockHashAndIndex", [blockHash, "0x0"]],
      ["eth_getTransactionByBlockNumberAndIndex", [blockNumber, "0x0"]],
      ["eth_getTransactionReceipt", [pingHash]],
      ["eth_getTransactionReceipt", [deployHash]],
      ["eth_getBalance", [account.address, "latest"]],
      ["eth_getCode", [emitter, { blockHash }]],
      ["eth_getStorageAt", [emitter, "0x0", "latest"]],
      ["eth_getTransactionCount", [account.address, "pending"]],
      ["eth_getProof", [emitter, ["0x0"], "latest"]],
      ["eth_call", [{ to: emitter, data: "0x06661abd" }, "latest"]],
      ["eth_estimateGas", [{ from: account.address, to: emitter, data: "0x06661abd" }]],
      ["eth_getLogs", [{ address: emitter, fromBlock: "0x0" }]],
      ["eth_newFilter", [{ address: emitter }]],
      ["eth_newBlockFilter", []],
      ["eth_newPendingTransactionFilter", []],
      ["eth_getFilterChanges", [filterId]],
      ["eth_getFilterChanges", [blockFilterId]],
      ["eth_getFilterLogs", [filterId]],
      ["eth_uninstallFilter", [filterId]],
    ];
    const failures: string[] = [];
    const gaps = new Set<string>();
    for (const [method, params] of cases) {
      const res = await rpc(method, params);
      if (res.error) {
        failures.push(`${method}(${JSON.stringify(params)}): error ${res.error.code} ${res.error.message}`);
        continue;
      }
      // The spec's FilterResults is a oneOf of two array types, which an empty array matches
      // twice; the filters above are fed so that their results are not empty.
      const patched = patchKnownGaps(method, res.result, gaps);
      for (const problem of spec.check(method, patched))
        failures.push(`${method}(${JSON.stringify(params)}): ${problem}`);
    }
    expect(failures).toEqual([]);
    if (gaps.size > 0)
      console.warn(`known deviations from the spec, owed by chain/src/node:\n  ${[...gaps].join("\n  ")}`);
    for (const gap of gaps) expect(KNOWN_GAPS).toContain(gap);
  });
});
