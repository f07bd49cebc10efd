// Test support (not imported by app code): a small WalletConnect relay on loopback, speaking
// the relay's JSON-RPC over WebSocket the way WalletConnect's clients use it, so a dApp and a
// wallet pair and talk without the internet. It stores every published message for its TTL
// (a mailbox: the dApp's session proposal is published before the wallet subscribes) and
// delivers it to every other socket subscribed to its topic, now or later, as irn_subscription.
// Methods: irn_subscribe / irn_batchSubscribe / irn_unsubscribe / irn_batchUnsubscribe,
// irn_publish / irn_batchPublish, irn_batchFetchMessages, and the two WalletConnect 2.2x
// session shortcuts wc_proposeSession (subscribe the proposer to the pairing topic and publish
// the proposal there) and wc_approveSession (subscribe the wallet to the session topic, publish
// the proposal response on the pairing topic and the settlement on the session topic). The
// clients' auth JWT and project id are not checked.
import { createHash, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { z } from "zod";

export interface LocalRelay {
  /** ws:// URL to give the clients (NEXT_PUBLIC_WALLETCONNECT_RELAY_URL, SignClient's relayUrl). */
  url: string;
  /** Methods the clients called, in order. */
  calls: string[];
  /** Topics that carried at least one message. */
  topics(): string[];
  stop(): Promise<void>;
}

interface Stored {
  topic: string;
  message: string;
  publishedAt: number;
  tag: number;
  expiresAt: number;
}

const request = z.object({
  id: z.union([z.number(), z.string()]),
  method: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});
const topicParams = z.object({ topic: z.string().min(1) });
const topicsParams = z.object({ topics: z.array(z.string().min(1)) });
const publishParams = z.object({
  topic: z.string().min(1),
  message: z.string().min(1),
  ttl: z.number().int().positive().optional(),
  tag: z.number().int().optional(),
});
const proposeParams = z.object({
  pairingTopic: z.string().min(1),
  sessionProposal: z.string().min(1),
  ttl: z.number().int().positive().optional(),
});
const approveParams = z.object({
  pairingTopic: z.string().min(1),
  sessionTopic: z.string().min(1),
  sessionProposalResponse: z.string().min(1),
  sessionSettlementRequest: z.string().min(1),
  ttl: z.number().int().positive().optional(),
});

// Tags WalletConnect gives these messages when it publishes them itself (sign-client's
// ENGINE_RPC_OPTS): the session shortcuts carry none, the clients do not read them back.
const TAG_PROPOSE = 1100;
const TAG_PROPOSE_RESPONSE = 1101;
const TAG_SETTLE = 1102;
const DEFAULT_TTL_S = 300;

export async function startLocalRelay(): Promise<LocalRelay> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });
  const { port } = wss.address() as AddressInfo;
  const calls: string[] = [];
  const mailbox: Stored[] = [];
  /** topic → subscribed sockets and the subscription id each was given. */
  const subs = new Map<string, Map<WebSocket, string>>();
  /**
   * What each client already got, so a message is delivered once per client (like the real
   * relay's mailbox, emptied by acknowledgements), also across its reconnections. A client is
   * known by its auth token's issuer (its did:key).
   */
  const clientOf = new WeakMap<WebSocket, string>();
  const deliveredTo = new Map<string, Set<Stored>>();
  const seenBy = (ws: WebSocket) => {
    const c = clientOf.get(ws) ?? "";
    const seen = deliveredTo.get(c) ?? new Set<Stored>();
    deliveredTo.set(c, seen);
    return seen;
  };
  let nextId = 1;

  const send = (ws: WebSocket, payload: object) => ws.send(JSON.stringify({ jsonrpc: "2.0", ...payload }));
  const live = (now = Date.now()) => mailbox.filter((m) => m.expiresAt > now);

  function deliver(ws: WebSocket, subId: string, m: Stored): void {
    const seen = seenBy(ws);
    if (seen.has(m)) return;
    seen.add(m);
    send(ws, {
      id: Date.now() * 1000 + (nextId++ % 1000),
      method: "irn_subscription",
      params: {
        id: subId,
        data: { topic: m.topic, message: m.message, publishedAt: m.publishedAt, tag: m.tag },
      },
    });
  }

  function publish(from: WebSocket, topic: string, message: string, ttlS: number, tag: number): void {
    const m: Stored = { topic, message, tag, publishedAt: Date.now(), expiresAt: Date.now() + ttlS * 1000 };
    mailbox.push(m);
    // The publisher has it already.
    seenBy(from).add(m);
    for (const [ws, subId] of subs.get(topic) ?? []) deliver(ws, subId, m);
  }

  function subscribe(ws: WebSocket, topic: string): string {
    const subId = createHash("sha256").update(topic).update(randomBytes(8)).digest("hex");
    const bySocket = subs.get(topic) ?? new Map<WebSocket, string>();
    bySocket.set(ws, subId);
    subs.set(topic, bySocket);
    // Deliver after the reply: the client records the subscription when its request resolves.
    setImmediate(() => {
      for (const m of live()) if (m.topic === topic) deliver(ws, subId, m);
    });
    return subId;
  }

  function handle(ws: WebSocket, method: string, params: unknown): unknown {
    switch (method) {
      case "irn_subscribe":
        return subscribe(ws, topicParams.parse(params).topic);
      case "irn_batchSubscribe":
        return topicsParams.parse(params).topics.map((t) => subscribe(ws, t));
      case "irn_unsubscribe":
        subs.get(topicParams.parse(params).topic)?.delete(ws);
        return true;
      case "irn_batchUnsubscribe": {
        const p = z.object({ subscriptions: z.array(topicParams) }).parse(params);
        for (const s of p.subscriptions) subs.get(s.topic)?.delete(ws);
        return true;
      }
      case "irn_publish": {
        const p = publishParams.parse(params);
        publish(ws, p.topic, p.message, p.ttl ?? DEFAULT_TTL_S, p.tag ?? 0);
        return true;
      }
      case "irn_batchPublish": {
        const p = z.object({ messages: z.array(publishParams) }).parse(params);
        for (const m of p.messages) publish(ws, m.topic, m.message, m.ttl ?? DEFAULT_TTL_S, m.tag ?? 0);
        return true;
      }
      case "irn_batchFetchMessages": {
        const topics = new Set(topicsParams.parse(params).topics);
        const seen = seenBy(ws);
        const messages = live().filter((m) => topics.has(m.topic) && !seen.has(m));
        for (const m of messages) seen.add(m);
        return {
          messages: messages.map((m) => ({ topic: m.topic, message: m.message, publishedAt: m.publishedAt })),
          hasMore: false,
        };
      }
      case "wc_proposeSession": {
        const p = proposeParams.parse(params);
        // Like WalletConnect's relay: the proposer is subscribed to the pairing topic (its
        // client registers the topic without an irn_subscribe of its own).
        subscribe(ws, p.pairingTopic);
        publish(ws, p.pairingTopic, p.sessionProposal, p.ttl ?? DEFAULT_TTL_S, TAG_PROPOSE);
        return true;
      }
      case "wc_approveSession": {
        const p = approveParams.parse(params);
        subscribe(ws, p.sessionTopic);
        const ttl = p.ttl ?? DEFAULT_TTL_S;
        publish(ws, p.pairingTopic, p.sessionProposalResponse, ttl, TAG_PROPOSE_RESPONSE);
        publish(ws, p.sessionTopic, p.sessionSettlementRequest, ttl, TAG_SETTLE);
        return true;
      }
      default:
        throw new MethodNotFound(method);
    }
  }

  wss.on("connection", (ws, req) => {
    clientOf.set(ws, clientId(req.url ?? "") ?? randomBytes(8).toString("hex"));
    ws.on("message", (raw) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(raw));
      } catch {
        return send(ws, { id: null, error: { code: -32700, message: "parse error" } });
      }
      const req = request.safeParse(msg);
      if (!req.success) return; // an acknowledgement of an irn_subscription (a response)
      calls.push(req.data.method);
      try {
        send(ws, { id: req.data.id, result: handle(ws, req.data.method, req.data.params ?? {}) });
      } catch (err) {
        const code = err instanceof MethodNotFound ? -32601 : -32602;
        send(ws, { id: req.data.id, error: { code, message: (err as Error).message } });
      }
    });
    ws.on("close", () => {
      for (const bySocket of subs.values()) bySocket.delete(ws);
    });
  });

  return {
    url: `ws://127.0.0.1:${port}`,
    calls,
    topics: () => [...new Set(mailbox.map((m) => m.topic))],
    stop: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** The issuer (did:key) of the auth JWT a WalletConnect client puts in the relay URL. */
function clientId(url: string): string | null {
  const auth = new URL(url, "ws://relay").searchParams.get("auth");
  const payload = auth?.split(".")[1];
  if (!payload) return null;
  try {
    const iss: unknown = (JSON.parse(Buffer.from(payload, "base64url").toString()) as { iss?: unknown }).iss;
    return typeof iss === "string" ? iss : null;
  } catch {
    return null;
  }
}

class MethodNotFound extends Error {
  constructor(method: string) {
    super(`method not found: ${method}`);
  }
}
