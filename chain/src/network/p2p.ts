// The chain node's libp2p network: TCP + noise + yamux, gossipsub for txs/proposals/votes/evidence,
// request/response block sync and status, bootstrap peer registry, peer scoring with a deny list.
// It moves opaque, size-limited byte payloads; the node decides what they mean through the
// validator callbacks and hooks it supplies, so this module never imports consensus or node types.
import "../util/polyfills.js";

import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { gossipsub, TopicValidatorResult, type GossipSub, type GossipsubMessage } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import type { Connection, IdentifyResult, Libp2p, PeerId, Stream } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { ping } from "@libp2p/ping";
import { tcp } from "@libp2p/tcp";
import { lpStream, type LengthPrefixedStream } from "@libp2p/utils";
import { CODE_P2P, multiaddr, type Multiaddr } from "@multiformats/multiaddr";
import { createLibp2p } from "libp2p";
import { parseNetworkConfig, type NetworkConfig, type NetworkConfigInput } from "./config.js";
import {
  InvalidRequestError,
  NetworkStateError,
  PayloadTooLargeError,
  PeerProtocolError,
  PeerRefusedError,
  PeerRequestError,
} from "./errors.js";
import { loadOrCreateNodeKey } from "./identity.js";
import { PeerRegistry } from "./peer-registry.js";
import type { RegistryEntry } from "./peer-registry.js";
import { PeerScorer, type PeerScoreInfo } from "./peer-scores.js";
import { GOSSIP_KINDS, gossipTopics, protocolIds, type GossipKind, type ProtocolIds } from "./topics.js";
import {
  chainStatusSchema,
  decodeJson,
  encodeJson,
  MAX_ADDRS_PER_PEER,
  MAX_CONTROL_FRAME_BYTES,
  MAX_PEERS_FRAME_BYTES,
  peersRequestSchema,
  peersResponseSchema,
  syncRequestSchema,
  syncResponseHeaderSchema,
  WireFormatError,
  type ChainStatus,
  type PeerRecord,
} from "./wire.js";

export type { ChainStatus, PeerRecord, GossipKind, NetworkConfigInput };

/** What a gossip handler decides: deliver and relay, drop silently, or drop and blame the sender. */
export type ValidationResult = "accept" | "ignore" | "reject";

export interface GossipMessageInfo {
  kind: GossipKind;
  topic: string;
  /** The peer that relayed the message to us (not necessarily its author). */
  from: string;
}

export type GossipHandler = (
  data: Uint8Array,
  info: GossipMessageInfo,
) => ValidationResult | Promise<ValidationResult>;

export interface NetworkLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Callbacks the node supplies. Protocols whose hook is absent are not offered to peers. */
export interface NetworkHooks {
  /** Blocks `fromHeight .. fromHeight+count-1` as opaque block+certificate payloads (fewer if not known). */
  serveBlocks?: (fromHeight: number, count: number) => Uint8Array[] | Promise<Uint8Array[]>;
  /** The node's current head. */
  getStatus?: () => ChainStatus | Promise<ChainStatus>;
  logger?: NetworkLogger;
  /** Clock for scores and the registry; tests move it forward. */
  now?: () => number;
}

export interface PeerSummary {
  peerId: string;
  addrs: string[];
  score: number;
  bannedUntil?: number;
  lastReason?: string;
  bootstrap: boolean;
  /** Last status the peer reported, if asked. */
  status?: ChainStatus;
}

export interface NetworkStats {
  mode: "node" | "bootstrap";
  connectedPeers: number;
  /** Peers in the registry (bootstrap mode), 0 otherwise. */
  peersKnown: number;
  /** Peers-protocol requests answered (bootstrap mode). */
  requestsServed: number;
  syncRequestsServed: number;
  statusRequestsServed: number;
  gossip: Record<ValidationResult, number>;
  banned: number;
}

export interface NetworkEvents {
  "peer:connect": [peerId: string];
  "peer:disconnect": [peerId: string];
  "peer:banned": [peerId: string, reason: string];
}

/**
 * Gossipsub's exported interface omits the call that completes async validation; the class has it
 * (checked at start-up in createNetwork).
 */
type ValidatingGossipSub = GossipSub & {
  reportMessageValidationResult(
    msgId: string,
    propagationSource: string,
    acceptance: TopicValidatorResult,
  ): void;
};

const silentLogger: NetworkLogger = { debug() {}, info() {}, warn() {} };

/** Violations of our framing by the remote side (as opposed to a dropped connection). */
const FRAMING_ERRORS = new Set([
  "InvalidDataLengthError",
  "InvalidMessageLengthError",
  "InvalidDataLengthLengthError",
]);

const textEncoder = new TextEncoder();

/** Content-addressed message id: the same bytes on the same topic are one message, whoever relays it. */
function messageId(topic: string, data: Uint8Array): Uint8Array {
  return createHash("sha256")
    .update(textEncoder.encode(topic))
    .update(new Uint8Array([0]))
    .update(data)
    .digest();
}

function peerIdOf(addr: Multiaddr): string | undefined {
  return addr.getComponents().find((c) => c.code === CODE_P2P)?.value;
}

/** Addresses worth telling others about: parseable, not the unspecified address, no /p2p suffix. */
function dialableAddrs(addrs: readonly (Multiaddr | string)[]): string[] {
  const out: string[] = [];
  for (const addr of addrs) {
    let ma: Multiaddr;
    try {
      ma = typeof addr === "string" ? multiaddr(addr) : addr;
    } catch {
      continue;
    }
    const components = ma.getComponents();
    if (components.some((c) => c.value === "0.0.0.0" || c.value === "::")) continue;
    const transport = components.filter((c) => c.code !== CODE_P2P);
    if (transport.length === 0) continue;
    out.push(ma.decapsulateCode(CODE_P2P).toString());
  }
  return [...new Set(out)].slice(0, MAX_ADDRS_PER_PEER);
}

/** Settles with `promise`, or rejects when `signal` aborts first (a hook that never returns). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : "";
}

interface RedialState {
  addr: Multiaddr;
  attempts: number;
  timer?: NodeJS.Timeout;
}

export class Network extends EventEmitter<NetworkEvents> {
  readonly peerId: string;
  readonly topics: Record<GossipKind, string>;
  readonly protocols: ProtocolIds;

  private readonly handlers = new Map<GossipKind, GossipHandler>();
  private readonly kindByTopic: Map<string, GossipKind>;
  private readonly scorer: PeerScorer;
  private readonly statuses = new Map<string, ChainStatus>();
  private readonly bootstrapTargets = new Map<string, RedialState>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly counters = {
    requestsServed: 0,
    syncRequestsServed: 0,
    statusRequestsServed: 0,
    gossip: { accept: 0, ignore: 0, reject: 0 } as Record<ValidationResult, number>,
  };
  private discovering = false;
  private stopped = false;

  /** @internal use createNetwork */
  constructor(
    readonly config: NetworkConfig,
    private readonly libp2p: Libp2p,
    private readonly pubsub: ValidatingGossipSub | undefined,
    private readonly registry: PeerRegistry | undefined,
    scorer: PeerScorer,
    private readonly hooks: NetworkHooks,
    private readonly log: NetworkLogger,
  ) {
    super();
    this.peerId = libp2p.peerId.toString();
    this.topics = gossipTopics(config.chainId);
    this.protocols = protocolIds(config.chainId);
    this.kindByTopic = new Map(GOSSIP_KINDS.map((kind) => [this.topics[kind], kind]));
    this.scorer = scorer;
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /** @internal called once by createNetwork after construction. */
  async init(): Promise<void> {
    const { libp2p, config } = this;
    libp2p.addEventListener("peer:connect", (evt) => this.onPeerConnect(evt.detail));
    libp2p.addEventListener("peer:disconnect", (evt) => this.onPeerDisconnect(evt.detail));
    libp2p.addEventListener("peer:identify", (evt) => this.onPeerIdentify(evt.detail));

    const streamOpts = { maxInboundStreams: config.sync.maxInboundStreams };
    if (config.bootstrap) {
      await libp2p.handle(this.protocols.peers, (s, c) => this.servePeers(s, c), streamOpts);
      this.every(config.registry.persistIntervalMs, () => this.sweepRegistry());
    } else {
      this.pubsub?.addEventListener("gossipsub:message", (evt) => void this.onGossip(evt.detail));
      if (this.hooks.serveBlocks) {
        await libp2p.handle(this.protocols.sync, (s, c) => this.serveSync(s, c), streamOpts);
      }
      if (this.hooks.getStatus) {
        await libp2p.handle(this.protocols.status, (s, c) => this.serveStatus(s, c), streamOpts);
      }
      if (config.bootstrapPeers.length > 0) {
        this.every(config.discoveryIntervalMs, () => void this.discover());
      }
    }
    this.every(60_000, () => this.scorer.prune());

    for (const text of config.bootstrapPeers) {
      const addr = multiaddr(text);
      const id = peerIdOf(addr);
      if (!id || id === this.peerId) continue;
      this.bootstrapTargets.set(id, { addr, attempts: 0 });
      this.dialBootstrap(id);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const target of this.bootstrapTargets.values()) clearTimeout(target.timer);
    this.touchConnected();
    await this.libp2p.stop();
    if (this.registry) {
      this.registry.dropStale();
      await this.registry.save();
    }
    this.removeAllListeners();
  }

  /** Our listen addresses, each ending in /p2p/<our peer id> (what others put in bootstrapPeers). */
  multiaddrs(): string[] {
    return this.libp2p.getMultiaddrs().map((ma) => ma.toString());
  }

  /** Dials a multiaddr (with /p2p/ id) or a known peer id; resolves to the remote peer id. */
  async dial(target: string): Promise<string> {
    this.assertRunning();
    let parsed: Multiaddr | PeerId;
    try {
      parsed = target.startsWith("/") ? multiaddr(target) : peerIdFromString(target);
    } catch {
      throw new InvalidRequestError(`not a multiaddr or peer id: ${target}`);
    }
    const conn = await this.libp2p.dial(parsed);
    return conn.remotePeer.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Gossip

  /** Registers the one handler of a topic and subscribes to it; returns an unsubscribe function. */
  subscribe(kind: GossipKind, handler: GossipHandler): () => void {
    const pubsub = this.requirePubsub();
    if (this.handlers.has(kind))
      throw new NetworkStateError(`topic ${this.topics[kind]} already has a handler`);
    this.handlers.set(kind, handler);
    pubsub.subscribe(this.topics[kind]);
    return () => {
      if (this.handlers.get(kind) !== handler) return;
      this.handlers.delete(kind);
      if (!this.stopped) pubsub.unsubscribe(this.topics[kind]);
    };
  }

  /**
   * Publishes a payload; resolves to the number of peers it was sent to. Publishing bytes already
   * seen on the topic is a no-op (0): gossip ids are content hashes.
   */
  async publish(kind: GossipKind, data: Uint8Array): Promise<number> {
    const pubsub = this.requirePubsub();
    const limit = this.config.gossip[kind];
    if (data.byteLength > limit) throw new PayloadTooLargeError(`${kind} message`, data.byteLength, limit);
    const result = await pubsub.publish(this.topics[kind], data);
    return result.recipients.length;
  }

  /** Peers known to be subscribed to the topic (the ones a publish reaches). */
  topicPeers(kind: GossipKind): string[] {
    return this.requirePubsub()
      .getSubscribers(this.topics[kind])
      .map((p) => p.toString());
  }

  private async onGossip({ propagationSource, msgId, msg }: GossipsubMessage): Promise<void> {
    const pubsub = this.pubsub;
    const kind = this.kindByTopic.get(msg.topic);
    const handler = kind && this.handlers.get(kind);
    const from = propagationSource.toString();
    let result: ValidationResult;
    if (!kind || !handler) {
      result = "ignore";
    } else if (msg.data.byteLength > this.config.gossip[kind]) {
      result = "reject";
    } else {
      try {
        result = await handler(msg.data, { kind, topic: msg.topic, from });
      } catch (err) {
        // A throwing handler is our bug, not the peer's fault: drop without blaming anyone.
        this.log.warn("gossip handler threw", { topic: msg.topic, error: String(err) });
        result = "ignore";
      }
    }
    if (this.stopped || !pubsub) return;
    this.counters.gossip[result]++;
    pubsub.reportMessageValidationResult(msgId, from, result as TopicValidatorResult);
    if (result === "reject") this.penalize(from, `invalid message on ${msg.topic}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Block sync and status

  /**
   * Asks a peer for blocks `fromHeight ..`; resolves to at most min(count, maxBlocksPerRequest)
   * payloads, fewer if the peer has fewer (or caps lower). A malformed answer scores the peer down
   * and throws PeerProtocolError; an unreachable peer or timeout throws PeerRequestError.
   */
  async requestBlocks(peerId: string, fromHeight: number, count: number): Promise<Uint8Array[]> {
    const request = syncRequestSchema.safeParse({ fromHeight, count });
    if (!request.success)
      throw new InvalidRequestError(
        `requestBlocks(${fromHeight}, ${count}): ${request.error.issues[0]?.message}`,
      );
    const { maxBlocksPerRequest, maxBlockBytes, maxResponseBytes } = this.config.sync;
    const wanted = Math.min(count, maxBlocksPerRequest);
    return this.request(
      peerId,
      this.protocols.sync,
      Math.max(maxBlockBytes, MAX_CONTROL_FRAME_BYTES),
      async (lp, signal, stream) => {
        await lp.write(encodeJson({ fromHeight, count: wanted }), { signal });
        await stream.close({ signal });
        const header = decodeJson(
          (await lp.read({ signal })).subarray(),
          syncResponseHeaderSchema,
          "sync response header",
        );
        if ("error" in header) throw new PeerRefusedError(peerId, this.protocols.sync, header.error);
        if (header.count > wanted)
          throw new WireFormatError(`announced ${header.count} blocks, asked for ${wanted}`);
        const blocks: Uint8Array[] = [];
        let total = 0;
        for (let i = 0; i < header.count; i++) {
          const block = (await lp.read({ signal })).subarray();
          if (block.byteLength > maxBlockBytes)
            throw new WireFormatError(`block of ${block.byteLength} bytes exceeds ${maxBlockBytes}`);
          total += block.byteLength;
          if (total > maxResponseBytes)
            throw new WireFormatError(`response exceeds ${maxResponseBytes} bytes`);
          blocks.push(block);
        }
        return blocks;
      },
    );
  }

  /** Asks a peer for its head; remembers the answer for `peers()`. */
  async requestStatus(peerId: string): Promise<ChainStatus> {
    const status = await this.request(
      peerId,
      this.protocols.status,
      MAX_CONTROL_FRAME_BYTES,
      async (lp, signal, stream) => {
        await stream.close({ signal });
        return decodeJson((await lp.read({ signal })).subarray(), chainStatusSchema, "status");
      },
    );
    this.statuses.set(peerId, status);
    return status;
  }

  /** The connected peer with the highest head (asks every peer that offers the status protocol). */
  async bestPeer(): Promise<({ peerId: string } & ChainStatus) | null> {
    const candidates: string[] = [];
    for (const peer of this.libp2p.getPeers()) {
      const info = await this.libp2p.peerStore.get(peer).catch(() => undefined);
      if (info?.protocols.includes(this.protocols.status)) candidates.push(peer.toString());
    }
    const answers = await Promise.allSettled(
      candidates.map(async (id) => ({ peerId: id, ...(await this.requestStatus(id)) })),
    );
    let best: ({ peerId: string } & ChainStatus) | null = null;
    for (const answer of answers) {
      if (answer.status === "fulfilled" && (!best || answer.value.height > best.height)) best = answer.value;
    }
    return best;
  }

  /** Height of the best connected peer's head, or null when no peer answered. */
  async bestPeerHeight(): Promise<number | null> {
    return (await this.bestPeer())?.height ?? null;
  }

  private async serveSync(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    const { maxBlocksPerRequest, maxBlockBytes, maxResponseBytes } = this.config.sync;
    await this.serve(stream, peer, this.protocols.sync, async (lp, signal) => {
      const request = decodeJson((await lp.read({ signal })).subarray(), syncRequestSchema, "sync request");
      const count = Math.min(request.count, maxBlocksPerRequest);
      let blocks: Uint8Array[];
      try {
        blocks = await untilAborted(
          Promise.resolve(this.hooks.serveBlocks!(request.fromHeight, count)),
          signal,
        );
      } catch (err) {
        this.log.warn("serveBlocks failed", { error: String(err) });
        await lp.write(encodeJson({ error: "internal error" }), { signal });
        return;
      }
      // Keep to our own limits even if the node hands us more: the asker enforces them too.
      const out: Uint8Array[] = [];
      let total = 0;
      for (const block of blocks.slice(0, count)) {
        if (block.byteLength > maxBlockBytes || total + block.byteLength > maxResponseBytes) break;
        total += block.byteLength;
        out.push(block);
      }
      await lp.write(encodeJson({ count: out.length }), { signal });
      for (const block of out) await lp.write(block, { signal });
      this.counters.syncRequestsServed++;
    });
  }

  private async serveStatus(stream: Stream, connection: Connection): Promise<void> {
    await this.serve(stream, connection.remotePeer.toString(), this.protocols.status, async (lp, signal) => {
      const status = chainStatusSchema.parse(
        await untilAborted(Promise.resolve(this.hooks.getStatus!()), signal),
      );
      await lp.write(encodeJson(status), { signal });
      this.counters.statusRequestsServed++;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Bootstrap registry and discovery

  /** Asks a bootstrap node for peers it knows (excluding us). */
  async requestPeers(peerId: string): Promise<PeerRecord[]> {
    const listenAddrs = dialableAddrs(this.libp2p.getMultiaddrs());
    return this.request(peerId, this.protocols.peers, MAX_PEERS_FRAME_BYTES, async (lp, signal, stream) => {
      await lp.write(encodeJson({ listenAddrs }), { signal });
      await stream.close({ signal });
      const { peers } = decodeJson(
        (await lp.read({ signal })).subarray(),
        peersResponseSchema,
        "peers response",
      );
      return peers;
    });
  }

  private async servePeers(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString();
    await this.serve(stream, peer, this.protocols.peers, async (lp, signal) => {
      const request = decodeJson((await lp.read({ signal })).subarray(), peersRequestSchema, "peers request");
      const registry = this.registry!;
      registry.upsert(peer, dialableAddrs(request.listenAddrs));
      const peers = registry.list(peer, this.config.registry.maxPeersPerResponse);
      await lp.write(encodeJson({ peers }), { signal });
      this.counters.requestsServed++;
    });
  }

  private sweepRegistry(): void {
    const registry = this.registry;
    if (!registry) return;
    this.touchConnected();
    const dropped = registry.dropStale();
    if (dropped > 0) this.log.debug("dropped stale peers", { dropped });
    registry
      .save()
      .catch((err: unknown) => this.log.warn("cannot persist peer registry", { error: String(err) }));
  }

  /** Connected peers are alive by definition: refresh their registry entries. */
  private touchConnected(): void {
    for (const peer of this.libp2p.getPeers()) this.registry?.touch(peer.toString());
  }

  /** Asks connected bootstrap nodes for peers and dials new ones while below the peer limit. */
  private async discover(): Promise<void> {
    if (this.discovering || this.stopped) return;
    this.discovering = true;
    try {
      const connected = new Set(this.libp2p.getPeers().map((p) => p.toString()));
      for (const bootstrapId of this.bootstrapTargets.keys()) {
        if (!connected.has(bootstrapId)) continue;
        let records: PeerRecord[];
        try {
          records = await this.requestPeers(bootstrapId);
        } catch (err) {
          this.log.debug("peer list request failed", { peer: bootstrapId, error: String(err) });
          continue;
        }
        for (const record of records) {
          if (this.stopped || this.libp2p.getPeers().length >= this.config.maxConnections) return;
          if (
            record.peerId === this.peerId ||
            connected.has(record.peerId) ||
            this.scorer.isBanned(record.peerId)
          )
            continue;
          connected.add(record.peerId);
          this.dialRecord(record);
        }
      }
    } finally {
      this.discovering = false;
    }
  }

  private dialRecord(record: PeerRecord): void {
    let addrs: Multiaddr[];
    try {
      addrs = record.addrs.map((a) =>
        multiaddr(a).decapsulateCode(CODE_P2P).encapsulate(`/p2p/${record.peerId}`),
      );
    } catch {
      this.log.debug("bootstrap sent an unparseable address", { peer: record.peerId });
      return;
    }
    this.libp2p.dial(addrs).catch((err: unknown) => {
      this.log.debug("dial to discovered peer failed", { peer: record.peerId, error: String(err) });
    });
  }

  private dialBootstrap(id: string): void {
    const target = this.bootstrapTargets.get(id);
    if (!target || this.stopped) return;
    target.timer = undefined;
    this.libp2p.dial(target.addr).catch((err: unknown) => {
      this.log.debug("bootstrap dial failed", { peer: id, error: String(err) });
      this.scheduleRedial(id);
    });
  }

  /** Exponential backoff with jitter, so a restarted bootstrap node is not hit by everyone at once. */
  private scheduleRedial(id: string): void {
    const target = this.bootstrapTargets.get(id);
    if (!target || target.timer || this.stopped) return;
    if (this.libp2p.getConnections(peerIdFromString(id)).length > 0) return;
    const base = Math.min(this.config.redialMaxMs, this.config.redialBaseMs * 2 ** target.attempts);
    target.attempts = Math.min(target.attempts + 1, 30);
    target.timer = setTimeout(() => this.dialBootstrap(id), base / 2 + Math.random() * (base / 2));
    target.timer.unref();
  }

  // ---------------------------------------------------------------------------------------------
  // Peers and scoring

  /** Lowers a peer's score for something the node found invalid (bad block in sync, bad tx...). */
  reportInvalid(peerId: string, reason: string): void {
    this.penalize(peerId, reason);
  }

  /** Connected peers with their scores and last reported status. */
  peers(): PeerSummary[] {
    const byPeer = new Map<string, Set<string>>();
    for (const conn of this.libp2p.getConnections()) {
      const id = conn.remotePeer.toString();
      const set = byPeer.get(id) ?? new Set<string>();
      set.add(conn.remoteAddr.toString());
      byPeer.set(id, set);
    }
    return [...byPeer].map(([peerId, addrs]) => ({
      peerId,
      addrs: [...addrs],
      ...this.scorer.info(peerId),
      bootstrap: this.bootstrapTargets.has(peerId),
      status: this.statuses.get(peerId),
    }));
  }

  /** Score of any peer, connected or not (0 for unknown peers). */
  peerScore(peerId: string): PeerScoreInfo {
    return this.scorer.info(peerId);
  }

  isBanned(peerId: string): boolean {
    return this.scorer.isBanned(peerId);
  }

  stats(): NetworkStats {
    return {
      mode: this.config.bootstrap ? "bootstrap" : "node",
      connectedPeers: this.libp2p.getPeers().length,
      peersKnown: this.registry?.size ?? 0,
      requestsServed: this.counters.requestsServed,
      syncRequestsServed: this.counters.syncRequestsServed,
      statusRequestsServed: this.counters.statusRequestsServed,
      gossip: { ...this.counters.gossip },
      banned: this.scorer.banned().length,
    };
  }

  /** Bootstrap mode: the registry's fresh peers with last-seen times (ms since epoch); [] otherwise. */
  knownPeers(): RegistryEntry[] {
    return this.registry?.snapshot() ?? [];
  }

  private penalize(peerId: string, reason: string): void {
    const outcome = this.scorer.penalize(peerId, reason);
    this.log.debug("peer penalized", { peer: peerId, reason, score: outcome.score });
    if (!outcome.banned) return;
    this.log.warn("peer banned", { peer: peerId, reason, banMs: this.config.scoring.banMs });
    this.emit("peer:banned", peerId, reason);
    if (!this.stopped) {
      this.libp2p.hangUp(peerIdFromString(peerId)).catch((err: unknown) => {
        this.log.debug("hang up failed", { peer: peerId, error: String(err) });
      });
    }
  }

  private onPeerConnect(peer: PeerId): void {
    const id = peer.toString();
    const target = this.bootstrapTargets.get(id);
    if (target) {
      target.attempts = 0;
      void this.discover();
    }
    this.emit("peer:connect", id);
  }

  private onPeerDisconnect(peer: PeerId): void {
    const id = peer.toString();
    this.statuses.delete(id);
    if (this.bootstrapTargets.has(id)) this.scheduleRedial(id);
    this.emit("peer:disconnect", id);
  }

  private onPeerIdentify(result: IdentifyResult): void {
    this.registry?.upsert(result.peerId.toString(), dialableAddrs(result.listenAddrs));
  }

  // ---------------------------------------------------------------------------------------------
  // Request/response plumbing

  /** Runs one client exchange on a fresh stream with the request timeout; classifies failures. */
  private async request<T>(
    peerId: string,
    protocol: string,
    maxFrameBytes: number,
    exchange: (lp: LengthPrefixedStream<Stream>, signal: AbortSignal, stream: Stream) => Promise<T>,
  ): Promise<T> {
    this.assertRunning();
    let peer: PeerId;
    try {
      peer = peerIdFromString(peerId);
    } catch {
      throw new InvalidRequestError(`not a peer id: ${peerId}`);
    }
    const signal = AbortSignal.timeout(this.config.sync.requestTimeoutMs);
    let stream: Stream;
    try {
      stream = await this.libp2p.dialProtocol(peer, protocol, { signal });
    } catch (err) {
      throw new PeerRequestError(peerId, protocol, `cannot open stream: ${(err as Error).message}`, err);
    }
    const lp = lpStream(stream, { maxDataLength: maxFrameBytes });
    try {
      const result = await exchange(lp, signal, stream);
      await stream.close({ signal }).catch(() => stream.abort(new Error("close failed")));
      return result;
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)));
      if (err instanceof PeerRefusedError) throw err;
      if (err instanceof WireFormatError || FRAMING_ERRORS.has(errorName(err))) {
        this.penalize(peerId, `${protocol}: ${(err as Error).message}`);
        throw new PeerProtocolError(peerId, protocol, (err as Error).message, err);
      }
      throw new PeerRequestError(peerId, protocol, (err as Error).message, err);
    }
  }

  /** Runs one server exchange with the request timeout; a malformed request scores the asker down. */
  private async serve(
    stream: Stream,
    peerId: string,
    protocol: string,
    exchange: (lp: LengthPrefixedStream<Stream>, signal: AbortSignal, stream: Stream) => Promise<void>,
  ): Promise<void> {
    const signal = AbortSignal.timeout(this.config.sync.requestTimeoutMs);
    const lp = lpStream(stream, { maxDataLength: MAX_CONTROL_FRAME_BYTES });
    try {
      await exchange(lp, signal, stream);
      await stream.close({ signal });
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)));
      if (err instanceof WireFormatError || FRAMING_ERRORS.has(errorName(err))) {
        this.penalize(peerId, `${protocol}: ${(err as Error).message}`);
      } else {
        this.log.debug("inbound request failed", { peer: peerId, protocol, error: String(err) });
      }
    }
  }

  private every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private requirePubsub(): GossipSub {
    this.assertRunning();
    if (!this.pubsub) throw new NetworkStateError("a bootstrap node does not take part in gossip");
    return this.pubsub;
  }

  private assertRunning(): void {
    if (this.stopped) throw new NetworkStateError("the network is stopped");
  }
}

/**
 * Builds and starts the node's network: loads (or creates) the node key in `dataDir`, listens on
 * `host:port`, starts dialling bootstrap peers in the background, and returns once listening.
 */
export async function createNetwork(input: NetworkConfigInput, hooks: NetworkHooks = {}): Promise<Network> {
  const config = parseNetworkConfig(input);
  const log = hooks.logger ?? silentLogger;
  const now = hooks.now ?? Date.now;
  const privateKey = await loadOrCreateNodeKey(config.dataDir);
  const scorer = new PeerScorer(config.scoring, now);
  const registry = config.bootstrap
    ? await PeerRegistry.open(config.dataDir, {
        ttlMs: config.registry.ttlMs,
        maxPeers: config.registry.maxPeers,
        now,
        onLoadError: (err) => log.warn(err.message),
      })
    : undefined;

  const topics = gossipTopics(config.chainId);
  const maxGossipBytes = Math.max(...GOSSIP_KINDS.map((k) => config.gossip[k]));
  const denied = (peer: PeerId): boolean => scorer.isBanned(peer.toString());
  const ip = config.host.includes(":") ? "ip6" : "ip4";

  const libp2p = await createLibp2p({
    privateKey,
    start: false,
    addresses: { listen: [`/${ip}/${config.host}/tcp/${config.port}`], announce: config.announce },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections: config.maxConnections,
      inboundConnectionThreshold: config.inboundConnectionThreshold,
    },
    // The deny list: a banned peer can neither be dialled nor get a connection upgraded.
    connectionGater: {
      denyDialPeer: denied,
      denyInboundEncryptedConnection: denied,
      denyOutboundEncryptedConnection: denied,
    },
    services: {
      identify: identify(),
      ping: ping(),
      ...(config.bootstrap
        ? {}
        : {
            pubsub: gossipsub({
              // Consensus messages carry their own signatures; content ids make re-publishing
              // the same bytes (a tx arriving from two RPC clients) a single gossip message.
              globalSignaturePolicy: "StrictNoSign",
              msgIdFn: (msg) => messageId(msg.topic, msg.data),
              asyncValidation: true,
              allowedTopics: Object.values(topics),
              allowPublishToZeroTopicPeers: true,
              ignoreDuplicatePublishError: true,
              fallbackToFloodsub: false,
              floodPublish: true,
              doPX: false,
              emitSelf: false,
              maxInboundDataLength: maxGossipBytes + 64 * 1024,
            }),
          }),
    },
  });
  const pubsub = (libp2p.services as { pubsub?: GossipSub }).pubsub as ValidatingGossipSub | undefined;
  if (pubsub && typeof pubsub.reportMessageValidationResult !== "function") {
    throw new NetworkStateError("this @libp2p/gossipsub version lacks reportMessageValidationResult");
  }
  const network = new Network(config, libp2p, pubsub, registry, scorer, hooks, log);
  try {
    await libp2p.start();
    await network.init();
  } catch (err) {
    await Promise.resolve(libp2p.stop()).catch(() => undefined);
    throw err;
  }
  return network;
}
