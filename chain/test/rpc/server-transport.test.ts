// Transport-level tests of the JSON-RPC server over real HTTP and WebSocket connections on
// loopback, with an in-memory backend: framing, batches, limits, error mapping, CORS, filters
// and subscription fan-out. Chain behaviour is covered by the devnode integration tests.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startRpcServer, type RpcServer } from "../../src/rpc/server.js";
import { RpcBackendError } from "../../src/rpc/backend.js";
import { hash, makeLog, StubBackend } from "./stub-backend.js";

let server: RpcServer;
let backend: StubBackend;

beforeAll(async () => {
  backend = new StubBackend();
  backend.extra = {
    tensorchain_echo: async (params) => params,
    tensorchain_fail: async () => {
      throw new RpcBackendError(-32001, "subnet not found");
    },
  };
  server = await startRpcServer({
    backend,
    host: "127.0.0.1",
    port: 0,
    limits: {
      maxBatchSize: 5,
      maxBodyBytes: 64 * 1024,
      maxResponseBytes: 8 * 1024,
      maxLogBlockRange: 3,
      maxLogResults: 2,
    },
  });
});

afterAll(async () => {
  await server.close();
});

async function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

async function rpc(
  method: string,
  params?: unknown[],
): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> {
  const res = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }));
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

describe("HTTP framing", () => {
  it("answers a call with the same id and jsonrpc 2.0", async () => {
    const res = await post(JSON.stringify({ jsonrpc: "2.0", id: "abc", method: "eth_chainId" }));
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ jsonrpc: "2.0", id: "abc", result: "0x7a69" });
  });

  it("serves net_*, web3_* and quantity results", async () => {
    expect((await rpc("net_version")).result).toBe("31337");
    expect((await rpc("net_listening")).result).toBe(true);
    expect((await rpc("net_peerCount")).result).toBe("0x3");
    expect((await rpc("web3_clientVersion")).result).toBe("tensorchain-stub/0.0.0");
    // keccak256("") is a published constant.
    expect((await rpc("web3_sha3", ["0x"])).result).toBe(
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    expect((await rpc("eth_gasPrice")).result).toBe("0x3b9aca00");
    expect((await rpc("eth_syncing")).result).toBe(false);
  });

  it("answers malformed JSON with -32700 and id null", async () => {
    const res = await post("{not json");
    expect(await res.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32700, message: "parse error" },
    });
  });

  it("answers invalid requests with -32600", async () => {
    for (const body of [
      "42",
      `{"jsonrpc":"1.0","id":1,"method":"eth_chainId"}`,
      `{"jsonrpc":"2.0","id":1}`,
      `{"jsonrpc":"2.0","id":{},"method":"eth_chainId"}`,
      `{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":{"a":1}}`,
    ]) {
      const json = (await (await post(body)).json()) as { error: { code: number } };
      expect(json.error.code, body).toBe(-32600);
    }
  });

  it("answers unknown methods with -32601 naming the method", async () => {
    expect((await rpc("eth_mine")).error).toEqual({
      code: -32601,
      message: "the method eth_mine does not exist/is not available",
    });
    // Prototype keys are not methods.
    expect((await rpc("constructor")).error?.code).toBe(-32601);
  });

  it("treats null params as no params, as geth does", async () => {
    const res = await post(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "eth_chainId", params: null }));
    expect(await res.json()).toEqual({ jsonrpc: "2.0", id: 2, result: "0x7a69" });
  });

  it("gives no answer to notifications", async () => {
    const res = await post(JSON.stringify({ jsonrpc: "2.0", method: "eth_chainId" }));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
  });

  it("rejects bodies over the size limit with 413 and keeps serving", async () => {
    const res = await post(
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_call", params: ["x".repeat(70_000)] }),
    );
    expect(res.status).toBe(413);
    expect((await rpc("eth_chainId")).result).toBe("0x7a69");
  });

  it("rejects content types other than JSON with 415", async () => {
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "text/html" },
      body: "{}",
    });
    expect(res.status).toBe(415);
  });

  it("answers CORS preflight and sets CORS headers on calls", async () => {
    const pre = await fetch(server.url, {
      method: "OPTIONS",
      headers: { origin: "http://wallet.example", "access-control-request-headers": "content-type" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    const res = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId" }), {
      origin: "http://x",
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers GET /health", async () => {
    const res = await fetch(`${server.url}/health`);
    expect(await res.json()).toEqual({ status: "ok", blockNumber: expect.stringMatching(/^0x/) });
  });
});

describe("batches", () => {
  it("answers each call in order, skipping notifications and isolating errors", async () => {
    const res = await post(
      JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "eth_chainId" },
        { jsonrpc: "2.0", method: "eth_chainId" },
        { jsonrpc: "2.0", id: 2, method: "nope" },
        5,
        { jsonrpc: "2.0", id: 3, method: "eth_getBalance", params: ["0x12"] },
      ]),
    );
    const json = (await res.json()) as { id: unknown; result?: unknown; error?: { code: number } }[];
    expect(json.map((r) => r.id)).toEqual([1, 2, null, 3]);
    expect(json[0]?.result).toBe("0x7a69");
    expect(json[1]?.error?.code).toBe(-32601);
    expect(json[2]?.error?.code).toBe(-32600);
    expect(json[3]?.error?.code).toBe(-32602);
  });

  it("rejects an empty batch with -32600", async () => {
    expect(await (await post("[]")).json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "empty batch" },
    });
  });

  it("rejects batches over the limit with -32005", async () => {
    const batch = Array.from({ length: 6 }, (_, i) => ({ jsonrpc: "2.0", id: i + 7, method: "eth_chainId" }));
    const json = (await (await post(JSON.stringify(batch))).json()) as {
      id: number;
      error: { code: number; message: string };
    }[];
    expect(json).toHaveLength(1);
    expect(json[0]?.id).toBe(7);
    expect(json[0]?.error.code).toBe(-32005);
    expect(json[0]?.error.message).toMatch(/limit exceeded: batch of 6 requests exceeds the limit of 5/);
  });

  it("applies eth_sendRawTransaction calls of a batch in order, preparing them concurrently", async () => {
    backend.sent.length = 0;
    backend.maxPreparing = 0;
    const raws = ["0x0102030405", "0x01", "0x00", "0x010203", "0x0102"];
    const batch = raws.map((raw, i) => ({
      jsonrpc: "2.0",
      id: i,
      method: "eth_sendRawTransaction",
      params: [raw],
    }));
    const replies = (await (await post(JSON.stringify(batch))).json()) as { error?: unknown }[];
    expect(backend.sent).toEqual(raws.filter((r) => r !== "0x00"));
    expect(replies.map((r) => r.error !== undefined)).toEqual([false, false, true, false, false]);
    expect(backend.maxPreparing).toBeGreaterThan(1);
  });
});

describe("error mapping", () => {
  it("names the bad parameter with -32602", async () => {
    expect((await rpc("eth_getBalance", ["1234", "latest"])).error).toEqual({
      code: -32602,
      message: "invalid argument 0: hex string without 0x prefix",
    });
    expect((await rpc("eth_getBalance", [`0x${"11".repeat(20)}`, "0x01"])).error?.message).toBe(
      "invalid argument 1: hex number with leading zero digits",
    );
    expect((await rpc("eth_getBalance")).error?.message).toBe("missing value for required argument 0");
    expect((await rpc("eth_chainId", [1])).error?.message).toBe("too many arguments, want at most 0");
    expect((await rpc("eth_call", [{ to: "0x1234" }])).error?.message).toBe(
      "invalid argument 0: to: hex string has length 4, want 40",
    );
  });

  it("maps execution reverted to code 3 with the revert data", async () => {
    expect((await rpc("eth_call", [{ data: "0xdead" }, "latest"])).error).toEqual({
      code: 3,
      message: "execution reverted: nope",
      data: "0x08c379a0",
    });
  });

  it("maps backend errors by their code and internal failures to -32603", async () => {
    expect((await rpc("eth_sendRawTransaction", ["0x00"])).error).toEqual({
      code: -32000,
      message: "nonce too low",
    });
    const internal = await rpc("eth_call", [{ data: "0xbad0" }]);
    expect(internal.error?.code).toBe(-32603);
    expect((await rpc("eth_chainId")).result).toBe("0x7a69");
  });

  it("answers results over the response limit with -32005", async () => {
    const res = await rpc("eth_call", [{ data: "0xb160" }]);
    expect(res.error?.code).toBe(-32005);
    expect(res.error?.message).toMatch(/response exceeds the limit/);
  });

  it("refuses eth_subscribe over HTTP with a clear error", async () => {
    const res = await rpc("eth_subscribe", ["newHeads"]);
    expect(res.error?.code).toBe(-32601);
    expect(res.error?.message).toMatch(/only available over a WebSocket/);
  });

  it("enforces the log block range and result count limits", async () => {
    backend.head = 100n;
    const range = await rpc("eth_getLogs", [{ fromBlock: "0x1", toBlock: "0x9" }]);
    expect(range.error?.code).toBe(-32005);
    expect(range.error?.message).toMatch(/block range of 9 blocks exceeds the limit of 3/);
    backend.logs = [1, 2, 3].map((i) => makeLog(100n, `0x${"aa".repeat(20)}`, [hash(i)]));
    const many = await rpc("eth_getLogs", [{}]);
    expect(many.error?.code).toBe(-32005);
    backend.logs = [];
    const inverted = await rpc("eth_getLogs", [{ fromBlock: "0x9", toBlock: "0x1" }]);
    expect(inverted.error?.code).toBe(-32602);
  });

  it("resolves tags of a log range to numbers for the backend", async () => {
    backend.head = 100n;
    backend.calls.length = 0;
    expect((await rpc("eth_getLogs", [{ fromBlock: "latest" }])).result).toEqual([]);
    const call = backend.calls.find((c) => c.method === "getLogs");
    expect(call?.args[0]).toMatchObject({ fromBlock: 100n, toBlock: 100n, maxResults: 2 });
  });

  it("dispatches extra namespaces with raw params and maps their errors", async () => {
    expect((await rpc("tensorchain_echo", [1, "a"])).result).toEqual([1, "a"]);
    expect((await rpc("tensorchain_fail")).error).toEqual({ code: -32001, message: "subnet not found" });
  });

  it("survives arbitrary garbage", async () => {
    const inputs = [
      "",
      "null",
      "[null]",
      "[[]]",
      `{"__proto__":{"x":1}}`,
      "\u0000",
      '"str"',
      "[1,2,3]",
      "{".repeat(5000),
    ];
    for (const body of inputs) {
      const res = await post(body);
      expect([200, 204]).toContain(res.status);
    }
    expect((await rpc("eth_chainId")).result).toBe("0x7a69");
  });
});

describe("polling filters", () => {
  it("delivers block hashes and matching logs since the last poll", async () => {
    const addr = `0x${"bb".repeat(20)}` as const;
    const blockFilter = (await rpc("eth_newBlockFilter")).result as string;
    const logFilterId = (await rpc("eth_newFilter", [{ address: addr, topics: [hash(9)] }])).result as string;
    const header = backend.emitHead([
      makeLog(backend.head + 1n, addr, [hash(9)]),
      makeLog(backend.head + 1n, addr, [hash(8)]),
    ]);
    expect((await rpc("eth_getFilterChanges", [blockFilter])).result).toEqual([header.hash]);
    expect((await rpc("eth_getFilterChanges", [blockFilter])).result).toEqual([]);
    const logs = (await rpc("eth_getFilterChanges", [logFilterId])).result as { topics: string[] }[];
    expect(logs.map((l) => l.topics[0])).toEqual([hash(9)]);
    expect((await rpc("eth_uninstallFilter", [logFilterId])).result).toBe(true);
    expect((await rpc("eth_uninstallFilter", [logFilterId])).result).toBe(false);
    expect((await rpc("eth_getFilterChanges", [logFilterId])).error).toEqual({
      code: -32000,
      message: "filter not found",
    });
  });

  it("delivers pending transaction hashes", async () => {
    const id = (await rpc("eth_newPendingTransactionFilter")).result as string;
    backend.emitPending(hash(77));
    expect((await rpc("eth_getFilterChanges", [id])).result).toEqual([hash(77)]);
    expect((await rpc("eth_getFilterLogs", [id])).error?.message).toBe("filter not found");
  });
});

describe("WebSocket", () => {
  function openWs(): Promise<{ ws: WebSocket; next: () => Promise<Record<string, unknown>> }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(server.wsUrl);
      const queue: Record<string, unknown>[] = [];
      const waiters: ((m: Record<string, unknown>) => void)[] = [];
      ws.on("message", (data) => {
        const msg = JSON.parse(data.toString()) as Record<string, unknown>;
        const w = waiters.shift();
        if (w) w(msg);
        else queue.push(msg);
      });
      ws.on("error", reject);
      ws.on("open", () =>
        resolve({
          ws,
          next: () => {
            const m = queue.shift();
            return m ? Promise.resolve(m) : new Promise((r) => waiters.push(r));
          },
        }),
      );
    });
  }

  it("answers calls and batches on the same port", async () => {
    const { ws, next } = await openWs();
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "eth_chainId" }));
    expect(await next()).toEqual({ jsonrpc: "2.0", id: 5, result: "0x7a69" });
    ws.send("nonsense");
    expect(((await next()).error as { code: number }).code).toBe(-32700);
    ws.send(JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "net_version" }]));
    expect(await next()).toEqual([{ jsonrpc: "2.0", id: 1, result: "31337" }]);
    ws.close();
  });

  it("pushes newHeads, logs and pending transactions to subscribers until unsubscribed", async () => {
    const { ws, next } = await openWs();
    const addr = `0x${"cc".repeat(20)}` as const;
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
    const heads = (await next()).result as string;
    ws.send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "eth_subscribe",
        params: ["logs", { address: [addr] }],
      }),
    );
    const logs = (await next()).result as string;
    ws.send(
      JSON.stringify({ jsonrpc: "2.0", id: 3, method: "eth_subscribe", params: ["newPendingTransactions"] }),
    );
    const pending = (await next()).result as string;
    expect(new Set([heads, logs, pending]).size).toBe(3);

    const header = backend.emitHead([
      makeLog(backend.head + 1n, addr, []),
      makeLog(backend.head + 1n, `0x${"dd".repeat(20)}`, []),
    ]);
    const got = [await next(), await next()];
    const { transactions: _txs, ...headerOnly } = header;
    expect(got).toContainEqual({
      jsonrpc: "2.0",
      method: "eth_subscription",
      params: { subscription: heads, result: headerOnly },
    });
    const logMsg = got.find((m) => (m.params as { subscription: string }).subscription === logs);
    expect((logMsg?.params as { result: { address: string } }).result.address).toBe(addr);

    backend.emitPending(hash(42));
    expect(await next()).toEqual({
      jsonrpc: "2.0",
      method: "eth_subscription",
      params: { subscription: pending, result: hash(42) },
    });

    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 4, method: "eth_unsubscribe", params: [heads] }));
    expect((await next()).result).toBe(true);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "eth_unsubscribe", params: [heads] }));
    expect((await next()).result).toBe(false);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 6, method: "eth_subscribe", params: ["syncing2"] }));
    expect(((await next()).error as { code: number }).code).toBe(-32602);
    ws.close();
  });
});

describe("WebSocket limits", () => {
  it("refuses messages beyond the in-flight limit of a connection and keeps serving", async () => {
    const slow = new StubBackend();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    slow.extra = {
      tensorchain_wait: async () => {
        await gate;
        return "done";
      },
    };
    const srv = await startRpcServer({
      backend: slow,
      host: "127.0.0.1",
      port: 0,
      limits: { maxWsInFlight: 1 },
    });
    const ws = new WebSocket(srv.wsUrl);
    const messages: Record<string, unknown>[] = [];
    const waiters: (() => void)[] = [];
    ws.on("message", (d) => {
      messages.push(JSON.parse(d.toString()) as Record<string, unknown>);
      waiters.shift()?.();
    });
    const nextMessage = () => new Promise<void>((r) => waiters.push(r));
    try {
      await new Promise((r) => ws.once("open", r));
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tensorchain_wait" }));
      const refused = nextMessage();
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "eth_chainId" }));
      await refused;
      expect((messages[0]?.error as { code: number }).code).toBe(-32005);
      const answered = nextMessage();
      release();
      await answered;
      expect(messages[1]).toEqual({ jsonrpc: "2.0", id: 1, result: "done" });
    } finally {
      ws.close();
      await srv.close();
    }
  });

  it("rejects invalid limit overrides at start-up", async () => {
    await expect(
      startRpcServer({ backend, host: "127.0.0.1", port: 0, limits: { maxBatchSize: 0 } }),
    ).rejects.toThrow();
  });
});

describe("robustness", () => {
  it("answers every method called with malformed params with a JSON-RPC error, never a crash", async () => {
    // A fixed-seed generator, so a failure reproduces.
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const atoms: unknown[] = [
      null,
      true,
      0,
      -1,
      1.5,
      "",
      "0x",
      "0x0",
      "0x00",
      "latest",
      "0xzz",
      `0x${"f".repeat(80)}`,
      `0x${"ab".repeat(20)}`,
      `0x${"cd".repeat(32)}`,
      {},
      [],
    ];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 2 || r < 0.6) return atoms[Math.floor(rand() * atoms.length)];
      if (r < 0.8) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      const keys = [
        "from",
        "to",
        "data",
        "input",
        "blockHash",
        "blockNumber",
        "address",
        "topics",
        "fromBlock",
      ];
      return Object.fromEntries(keys.filter(() => rand() < 0.3).map((k) => [k, value(depth + 1)]));
    };
    const { ethMethods } = await import("../../src/rpc/methods.js");
    const batch: unknown[] = [];
    for (const method of Object.keys(ethMethods)) {
      for (let i = 0; i < 8; i++) {
        const params = Array.from({ length: Math.floor(rand() * 4) }, () => value(0));
        batch.push({ jsonrpc: "2.0", id: batch.length, method, params });
      }
    }
    // Sent in chunks within the batch limit of this server.
    for (let i = 0; i < batch.length; i += 5) {
      const replies = (await (await post(JSON.stringify(batch.slice(i, i + 5)))).json()) as {
        result?: unknown;
        error?: { code: number; message: string };
      }[];
      for (const r of replies) {
        if (r.error) {
          expect(typeof r.error.message).toBe("string");
          expect([-32602, -32601, -32600, -32005, -32000, -32001, 3]).toContain(r.error.code);
        } else expect(r).toHaveProperty("result");
      }
    }
    expect((await rpc("eth_chainId")).result).toBe("0x7a69");
  });
});
