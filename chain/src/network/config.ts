// Configuration of the network layer: one zod schema with production defaults. The node's config
// module feeds it (from flags / config file); tests override the timings. Everything here is
// plain data; the callbacks the node supplies live in `NetworkHooks` (p2p.ts).
import { isIP } from "node:net";
import { CODE_P2P, multiaddr } from "@multiformats/multiaddr";
import { z } from "zod";
import { NetworkConfigError } from "./errors.js";
import { parsesAsMultiaddr } from "./wire.js";

const KiB = 1024;
const MiB = 1024 * KiB;

const port = z.number().int().min(0).max(65_535);
const positiveInt = z.number().int().positive();
const durationMs = z.number().int().positive();

/** Per-topic gossip payload limits, in bytes. A larger message is rejected and its sender scored down. */
const gossipLimitsSchema = z
  .object({
    txs: positiveInt.default(128 * KiB),
    proposals: positiveInt.default(4 * MiB),
    votes: positiveInt.default(4 * KiB),
    evidence: positiveInt.default(64 * KiB),
  })
  .strict();

const syncLimitsSchema = z
  .object({
    /** Most blocks served per request; larger requests are capped, not refused. */
    maxBlocksPerRequest: positiveInt.default(64),
    /** Largest single block+certificate payload accepted or served. */
    maxBlockBytes: positiveInt.default(4 * MiB),
    /** Stop adding blocks to a response once it would exceed this many bytes. */
    maxResponseBytes: positiveInt.default(32 * MiB),
    /** Whole request (open stream, send, receive everything) must finish within this. */
    requestTimeoutMs: durationMs.default(10_000),
    /** Concurrent inbound sync/status/peers streams per connection. */
    maxInboundStreams: positiveInt.default(8),
  })
  .strict();

const scoringSchema = z
  .object({
    /** Score lost per invalid message or response (peers start at 0). */
    invalidPenalty: z.number().positive().default(10),
    /** At or below this score the peer is disconnected and denied for `banMs`. */
    banThreshold: z.number().negative().default(-50),
    banMs: durationMs.default(10 * 60_000),
    /** Points recovered per minute, so occasional faults do not add up to a ban over days. */
    recoveryPerMinute: z.number().nonnegative().default(5),
  })
  .strict();

const registrySchema = z
  .object({
    /** A registry entry not seen for this long is dropped. */
    ttlMs: durationMs.default(24 * 60 * 60_000),
    maxPeers: positiveInt.default(5_000),
    maxPeersPerResponse: positiveInt.default(64),
    persistIntervalMs: durationMs.default(10_000),
  })
  .strict();

const multiaddrString = z.string().min(1).max(512).refine(parsesAsMultiaddr, "not a valid multiaddr");
const bootstrapPeerString = multiaddrString.refine(
  (text) =>
    multiaddr(text)
      .getComponents()
      .some((c) => c.code === CODE_P2P),
  "a bootstrap peer must end in /p2p/<peer id>",
);

export const networkConfigSchema = z
  .object({
    /** The chain's id; it namespaces every topic and protocol so chains never cross-talk. */
    chainId: z.union([positiveInt, z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)]).transform(String),
    /** Directory for the node key and (bootstrap mode) the peer registry. */
    dataDir: z.string().min(1),
    /** IP address to listen on (0.0.0.0 for all interfaces). */
    host: z
      .string()
      .refine((h) => isIP(h) !== 0, "host must be an IP address")
      .default("0.0.0.0"),
    port: port.default(26656),
    /** Addresses to advertise instead of the listen addresses (public IP behind NAT). */
    announce: z.array(multiaddrString).default([]),
    /** Bootstrap peers: multiaddrs ending in /p2p/<peer id>. */
    bootstrapPeers: z.array(bootstrapPeerString).default([]),
    /** Run as a bootstrap node: peer registry + peers protocol, no gossip or sync. */
    bootstrap: z.boolean().default(false),
    maxConnections: positiveInt.default(50),
    /** Inbound connection attempts per second per remote host before libp2p refuses more. */
    inboundConnectionThreshold: positiveInt.default(5),
    /** How often a node asks its bootstrap peers for more peers. */
    discoveryIntervalMs: durationMs.default(30_000),
    redialBaseMs: durationMs.default(1_000),
    redialMaxMs: durationMs.default(60_000),
    gossip: gossipLimitsSchema.prefault({}),
    sync: syncLimitsSchema.prefault({}),
    scoring: scoringSchema.prefault({}),
    registry: registrySchema.prefault({}),
  })
  .strict();

export type NetworkConfigInput = z.input<typeof networkConfigSchema>;
export type NetworkConfig = z.output<typeof networkConfigSchema>;
export type GossipLimits = NetworkConfig["gossip"];

export function parseNetworkConfig(input: unknown): NetworkConfig {
  const parsed = networkConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new NetworkConfigError(`${where}${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}
