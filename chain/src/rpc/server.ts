// The JSON-RPC 2.0 server of the node: HTTP (POST /, CORS, keep-alive, body limit) and
// WebSocket (eth_subscribe) on one port. It parses and validates requests, dispatches them to
// the method table (or the backend's extra namespaces), maps errors, and enforces the limits
// in limits.ts. No input may crash it: every failure becomes a JSON-RPC error or a closed
// connection, and the process keeps serving.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import type { RpcBackend } from "./backend.js";
import {
  InvalidRequestError,
  LimitExceededError,
  MethodNotFoundError,
  ParseError,
  RpcErrorCode,
  toRpcError,
  type RpcErrorObject,
} from "./errors.js";
import { FilterManager } from "./filters.js";
import { resolveRpcLimits, type RpcLimits } from "./limits.js";
import { lookupMethod, parseParams, type MethodContext } from "./methods.js";
import { SubscriptionHub, type SubscriberConnection } from "./subscriptions.js";

export interface RpcLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const silentLogger: RpcLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface RpcServerOptions {
  backend: RpcBackend;
  host: string;
  /** 0 picks a free port; the chosen one is in the result. */
  port: number;
  limits?: Partial<RpcLimits>;
  logger?: RpcLogger;
  /** Origins allowed by CORS and for WebSocket upgrades; default ["*"] (any). */
  corsOrigins?: string[];
}

export interface RpcServer {
  port: number;
  /** http://host:port, for HTTP clients. */
  url: string;
  /** ws://host:port, for WebSocket clients. */
  wsUrl: string;
  close(): Promise<void>;
}

type JsonRpcId = string | number | null;

/** Orders the pool admissions of one batch's/connection's eth_sendRawTransaction calls, so nonces arrive in order. */
interface SendOrder {
  tail: Promise<unknown>;
}

const WS_PING_INTERVAL_MS = 30_000;
const ACCEPTED_CONTENT_TYPES = new Set([
  "application/json",
  "application/json-rpc",
  "application/jsonrequest",
]);

function isValidId(id: unknown): id is JsonRpcId {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

function errorResponse(id: JsonRpcId, error: RpcErrorObject): string {
  return JSON.stringify({ jsonrpc: "2.0", id, error });
}

/** Transport-independent request processing: text in, response text (or nothing) out. */
class RpcDispatcher {
  constructor(
    private readonly base: Omit<MethodContext, "connection">,
    private readonly limits: RpcLimits,
    private readonly logger: RpcLogger,
  ) {}

  /** Returns the response body, or undefined when only notifications were received. */
  async handle(
    text: string,
    connection?: SubscriberConnection,
    order?: SendOrder,
  ): Promise<string | undefined> {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return errorResponse(null, toRpcError(new ParseError()));
    }
    if (!Array.isArray(msg)) return this.handleOne(msg, connection, order ?? { tail: Promise.resolve() });
    if (msg.length === 0) return errorResponse(null, toRpcError(new InvalidRequestError("empty batch")));
    if (msg.length > this.limits.maxBatchSize) {
      const first = msg.find(
        (m) => m !== null && typeof m === "object" && isValidId((m as { id?: unknown }).id),
      );
      const id = first ? ((first as { id: JsonRpcId }).id ?? null) : null;
      const err = new LimitExceededError(
        `limit exceeded: batch of ${msg.length} requests exceeds the limit of ${this.limits.maxBatchSize}`,
      );
      return `[${errorResponse(id, toRpcError(err))}]`;
    }
    const batchOrder = order ?? { tail: Promise.resolve() };
    const parts = await Promise.all(msg.map((m) => this.handleOne(m, connection, batchOrder)));
    let size = 2;
    const out: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      let part = parts[i];
      if (part === undefined) continue;
      if (size + part.length + 1 > this.limits.maxResponseBytes) {
        // Keep the batch's shape: every call still gets an answer, just not its result.
        const id = (msg[i] as { id?: unknown }).id;
        part = errorResponse(isValidId(id) ? id : null, this.responseTooLarge());
      }
      size += part.length + 1;
      out.push(part);
    }
    return out.length === 0 ? undefined : `[${out.join(",")}]`;
  }

  private responseTooLarge(): RpcErrorObject {
    return toRpcError(
      new LimitExceededError(
        `limit exceeded: response exceeds the limit of ${this.limits.maxResponseBytes} bytes`,
      ),
    );
  }

  private async handleOne(
    msg: unknown,
    connection: SubscriberConnection | undefined,
    order: SendOrder,
  ): Promise<string | undefined> {
    if (msg === null || typeof msg !== "object" || Array.isArray(msg)) {
      return errorResponse(null, toRpcError(new InvalidRequestError("invalid request: expected an object")));
    }
    const req = msg as Record<string, unknown>;
    const hasId = Object.hasOwn(req, "id");
    if (hasId && !isValidId(req.id)) {
      return errorResponse(
        null,
        toRpcError(new InvalidRequestError("invalid request: id must be a string, number or null")),
      );
    }
    const id: JsonRpcId = hasId ? (req.id as JsonRpcId) : null;
    if (req.jsonrpc !== "2.0") {
      return errorResponse(id, toRpcError(new InvalidRequestError(`invalid request: jsonrpc must be "2.0"`)));
    }
    if (typeof req.method !== "string" || req.method.length === 0) {
      return errorResponse(
        id,
        toRpcError(new InvalidRequestError("invalid request: method must be a non-empty string")),
      );
    }
    // geth treats `"params": null` like absent params; some clients send it.
    if (req.params !== undefined && req.params !== null && !Array.isArray(req.params)) {
      return errorResponse(
        id,
        toRpcError(
          new InvalidRequestError("invalid request: params must be an array (positional arguments)"),
        ),
      );
    }
    const method = req.method;
    const params = (req.params as unknown[] | undefined) ?? [];

    let pending: Promise<unknown>;
    if (method === "eth_sendRawTransaction") {
      // Starts at once (decoding, signature recovery); the backend pools it after the previous one.
      pending = this.invoke(method, params, connection, order.tail);
      order.tail = pending.catch(() => undefined);
    } else {
      pending = this.invoke(method, params, connection);
    }

    let response: string;
    try {
      const result = await pending;
      if (!hasId) return undefined;
      response = JSON.stringify({ jsonrpc: "2.0", id, result: result === undefined ? null : result });
    } catch (err) {
      if (!hasId) return undefined;
      response = errorResponse(
        id,
        toRpcError(err, (e) => this.logger.error("rpc handler failed", { method, err: String(e) })),
      );
    }
    if (response.length > this.limits.maxResponseBytes) return errorResponse(id, this.responseTooLarge());
    return response;
  }

  private async invoke(
    method: string,
    params: unknown[],
    connection?: SubscriberConnection,
    admitAfter?: Promise<unknown>,
  ): Promise<unknown> {
    const def = lookupMethod(method);
    if (def) {
      const args = parseParams(def, params);
      const ctx: MethodContext =
        connection || admitAfter ? { ...this.base, connection, admitAfter } : this.base;
      return def.handler(ctx, args as never);
    }
    const extra = this.base.backend.extraMethods();
    if (Object.hasOwn(extra, method)) {
      const fn = extra[method];
      if (typeof fn === "function") return fn(params);
    }
    throw new MethodNotFoundError(method);
  }
}

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startRpcServer(opts: RpcServerOptions): Promise<RpcServer> {
  const limits = resolveRpcLimits(opts.limits);
  const logger = opts.logger ?? silentLogger;
  const backend = opts.backend;
  const corsOrigins = opts.corsOrigins ?? ["*"];
  const anyOrigin = corsOrigins.includes("*");

  const filters = new FilterManager({
    maxFilters: limits.maxFilters,
    idleTimeoutMs: limits.filterIdleTimeoutMs,
    maxBufferedPerFilter: limits.maxFilterBufferedItems,
  });
  const subscriptions = new SubscriptionHub(backend, limits.maxSubscriptionsPerConnection, (err) =>
    logger.warn("subscription delivery failed", { err: String(err) }),
  );
  const dispatcher = new RpcDispatcher({ backend, limits, filters, subscriptions }, limits, logger);

  // A throw in our listeners must never propagate into the backend's block pipeline.
  const offHead = backend.onNewHead((header, logs) => {
    try {
      filters.onNewHead(header.hash, logs);
      subscriptions.onNewHead(header, logs);
    } catch (err) {
      logger.error("new head fan-out failed", { err: String(err) });
    }
  });
  const offPending = backend.onPendingTransaction((hash) => {
    try {
      filters.onPendingTransaction(hash);
      subscriptions.onPendingTransaction(hash);
    } catch (err) {
      logger.error("pending transaction fan-out failed", { err: String(err) });
    }
  });

  function allowedOrigin(origin: string | undefined): string | undefined {
    if (anyOrigin) return "*";
    if (origin && corsOrigins.includes(origin)) return origin;
    return undefined;
  }

  function setCors(req: IncomingMessage, res: ServerResponse): void {
    const origin = allowedOrigin(req.headers.origin);
    if (!origin) return;
    res.setHeader("Access-Control-Allow-Origin", origin);
    if (origin !== "*") res.setHeader("Vary", "Origin");
    res.setHeader("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
    res.setHeader(
      "Access-Control-Allow-Headers",
      req.headers["access-control-request-headers"] ?? "content-type",
    );
    res.setHeader("Access-Control-Max-Age", "600");
  }

  function sendJson(res: ServerResponse, status: number, body: string, close = false): void {
    res.writeHead(status, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
      ...(close ? { Connection: "close" } : {}),
    });
    res.end(body);
  }

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    req.on("error", (err) => logger.debug("http request stream error", { err: String(err) }));
    setCors(req, res);
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    if (req.method === "GET" && (path === "/" || path === "/health")) {
      sendJson(
        res,
        200,
        JSON.stringify({ status: "ok", blockNumber: `0x${backend.blockNumber().toString(16)}` }),
      );
      return;
    }
    if (req.method !== "POST") {
      res.setHeader("Allow", "POST, GET, OPTIONS");
      sendJson(
        res,
        405,
        errorResponse(null, { code: RpcErrorCode.InvalidRequest, message: "method not allowed, use POST" }),
      );
      return;
    }
    if (path !== "/") {
      sendJson(
        res,
        404,
        errorResponse(null, {
          code: RpcErrorCode.InvalidRequest,
          message: `no JSON-RPC endpoint at ${path}`,
        }),
      );
      return;
    }
    const contentType = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
    if (contentType !== undefined && contentType !== "" && !ACCEPTED_CONTENT_TYPES.has(contentType)) {
      sendJson(
        res,
        415,
        errorResponse(null, {
          code: RpcErrorCode.InvalidRequest,
          message: "invalid content type, only application/json is supported",
        }),
      );
      return;
    }
    const tooLarge = () =>
      sendJson(
        res,
        413,
        errorResponse(null, {
          code: RpcErrorCode.InvalidRequest,
          message: `request body too large, the limit is ${limits.maxBodyBytes} bytes`,
        }),
        true,
      );
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limits.maxBodyBytes) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let aborted = false;
    req.on("data", (chunk: Buffer) => {
      if (aborted) return;
      received += chunk.length;
      if (received > limits.maxBodyBytes) {
        aborted = true;
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (aborted) return;
      const text = Buffer.concat(chunks).toString("utf8");
      dispatcher.handle(text).then(
        (body) => {
          if (res.writableEnded || res.destroyed) return;
          if (body === undefined) res.writeHead(204).end();
          else sendJson(res, 200, body);
        },
        (err: unknown) => {
          logger.error("rpc dispatch failed", { err: String(err) });
          if (!res.headersSent) sendJson(res, 500, errorResponse(null, toRpcError(err)));
        },
      );
    });
  }

  const server = createServer((req, res) => {
    try {
      handleHttp(req, res);
    } catch (err) {
      logger.error("http handler failed", { err: String(err) });
      if (!res.headersSent) sendJson(res, 500, errorResponse(null, toRpcError(err)));
    }
  });
  // Keep-alive for clients that reuse connections (wallets, viem, the benchmark).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;
  server.on("clientError", (err, socket) => {
    logger.debug("http client error", { err: String(err) });
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxBodyBytes,
    perMessageDeflate: false,
  });
  const alive = new WeakMap<WebSocket, boolean>();

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", (err) => logger.debug("websocket socket error", { err: String(err) }));
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    };
    if (req.headers.origin !== undefined && !allowedOrigin(req.headers.origin))
      return refuse("403 Forbidden");
    if (wss.clients.size >= limits.maxWsConnections) return refuse("503 Service Unavailable");
    wss.handleUpgrade(req, socket, head, (ws) => onWebSocket(ws));
  });

  function onWebSocket(ws: WebSocket): void {
    alive.set(ws, true);
    const conn: SubscriberConnection = {
      send(text: string) {
        if (ws.readyState !== WebSocket.OPEN) return;
        if (ws.bufferedAmount > limits.maxWsBufferedBytes) {
          logger.warn("websocket client too slow, disconnecting", { buffered: ws.bufferedAmount });
          ws.terminate();
          return;
        }
        ws.send(text);
      },
    };
    const order: SendOrder = { tail: Promise.resolve() };
    let inFlight = 0;
    ws.on("pong", () => alive.set(ws, true));
    ws.on("message", (raw, isBinary) => {
      if (inFlight >= limits.maxWsInFlight) {
        // A client that does not wait for answers gets refused rather than queue without bound.
        const err = new LimitExceededError(
          `limit exceeded: more than ${limits.maxWsInFlight} requests in flight on this connection`,
        );
        conn.send(errorResponse(null, toRpcError(err)));
        return;
      }
      inFlight++;
      const text = isBinary ? Buffer.from(raw as Buffer).toString("utf8") : raw.toString();
      dispatcher
        .handle(text, conn, order)
        .then(
          (body) => {
            if (body !== undefined) conn.send(body);
          },
          (err: unknown) => logger.error("rpc dispatch failed", { err: String(err) }),
        )
        .finally(() => inFlight--);
    });
    ws.on("close", () => subscriptions.dropConnection(conn));
    ws.on("error", (err) => logger.debug("websocket error", { err: String(err) }));
  }

  // Detect dead peers so their subscriptions do not pile up.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }
  }, WS_PING_INTERVAL_MS);
  pinger.unref();

  try {
    await listen(server, opts.host, opts.port);
  } catch (err) {
    clearInterval(pinger);
    offHead();
    offPending();
    filters.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const host = urlHost(opts.host);
  logger.info("json-rpc server listening", { host: opts.host, port });

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}`,
    close() {
      closing ??= (async () => {
        clearInterval(pinger);
        offHead();
        offPending();
        filters.close();
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
