// Integration tests of the network layer: real libp2p nodes in this process on loopback with
// ephemeral ports, talking TCP + noise + yamux + gossipsub exactly as deployed nodes do.
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { tcp } from "@libp2p/tcp";
import { lpStream } from "@libp2p/utils";
import { multiaddr } from "@multiformats/multiaddr";
import { createLibp2p } from "libp2p";
import { describe, expect, it } from "vitest";
import {
  connectedIds,
  TEST_CHAIN_ID as CHAIN_ID,
  useTestNetworks,
  waitFor,
} from "../../test/helpers/networks.js";
import { InvalidRequestError, PayloadTooLargeError, PeerProtocolError, PeerRequestError } from "./errors.js";
import { createNetwork, type GossipKind, type NetworkHooks } from "./p2p.js";
import { GOSSIP_KINDS } from "./topics.js";

const { start, stopOne, freshDir } = useTestNetworks();

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe("discovery and gossip", () => {
  it("connects 4 nodes through a bootstrap node and delivers gossip on every topic", async () => {
    const boot = await start({ bootstrap: true });
    const bootAddr = boot.multiaddrs()[0]!;
    const nodes = await Promise.all([0, 1, 2, 3].map(() => start({ bootstrapPeers: [bootAddr] })));
    const received = new Map<string, string[]>(); // `${peerId}/${kind}` → payloads
    for (const node of nodes) {
      for (const kind of GOSSIP_KINDS) {
        node.subscribe(kind, (data, info) => {
          expect(info.kind).toBe(kind);
          const key = `${node.peerId}/${kind}`;
          received.set(key, [...(received.get(key) ?? []), text(data)]);
          return "accept";
        });
      }
    }

    // Nobody was told about anyone but the bootstrap node: the full mesh comes from its registry.
    for (const node of nodes) {
      const others = nodes.filter((n) => n !== node).map((n) => n.peerId);
      await waitFor(`${node.peerId} connected to all others`, () =>
        others.every((id) => connectedIds(node).includes(id)),
      );
      await waitFor(`${node.peerId} sees subscribers`, () =>
        GOSSIP_KINDS.every((kind) => others.every((id) => node.topicPeers(kind).includes(id))),
      );
      expect(node.peers().find((p) => p.peerId === boot.peerId)?.bootstrap).toBe(true);
    }
    expect(boot.stats()).toMatchObject({ mode: "bootstrap", peersKnown: 4 });
    expect(boot.stats().requestsServed).toBeGreaterThanOrEqual(4);

    for (const [i, kind] of GOSSIP_KINDS.entries()) {
      const sender = nodes[i]!;
      expect(await sender.publish(kind, bytes(`${kind} from node ${i}`))).toBe(3);
    }
    for (const [i, kind] of GOSSIP_KINDS.entries()) {
      for (const [j, node] of nodes.entries()) {
        const key = `${node.peerId}/${kind}`;
        if (i === j) continue;
        await waitFor(`${kind} reaches node ${j}`, () => (received.get(key)?.length ?? 0) > 0);
        expect(received.get(key)).toEqual([`${kind} from node ${i}`]);
      }
      expect(received.get(`${nodes[i]!.peerId}/${kind}`)).toBeUndefined(); // no echo to the author
    }

    // Gossip ids are content hashes: the same tx published again (here by another node) is a duplicate.
    expect(await nodes[1]!.publish("txs", bytes("txs from node 0"))).toBe(0);
    await nodes[2]!.publish("txs", bytes("second tx"));
    await waitFor(
      "second tx reaches node 3",
      () => (received.get(`${nodes[3]!.peerId}/txs`)?.length ?? 0) === 2,
    );
    expect(received.get(`${nodes[3]!.peerId}/txs`)).toEqual(["txs from node 0", "second tx"]);

    // Per-topic size limits apply at publish time.
    await expect(nodes[0]!.publish("votes", new Uint8Array(4 * 1024 + 1))).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    expect(() => boot.subscribe("txs", () => "accept")).toThrow(/bootstrap/);
  });
});

describe("peer scoring", () => {
  it("scores down a peer whose gossip is rejected and disconnects and denies it once below the threshold", async () => {
    const scoring = { invalidPenalty: 10, banThreshold: -30, banMs: 60_000 };
    const victim = await start({ scoring });
    const attacker = await start();
    const accepted: string[] = [];
    // The node's rule for this test: votes starting with 0xff are invalid.
    victim.subscribe("votes", (data) => {
      if (data[0] === 0xff) return "reject";
      accepted.push(text(data));
      return "accept";
    });
    const banned: string[] = [];
    victim.on("peer:banned", (peerId) => banned.push(peerId));

    await attacker.dial(victim.multiaddrs()[0]!);
    await waitFor("attacker sees victim's subscription", () =>
      attacker.topicPeers("votes").includes(victim.peerId),
    );
    await attacker.publish("votes", bytes("good vote"));
    await waitFor("good vote accepted", () => accepted.length === 1);
    expect(victim.peerScore(attacker.peerId).score).toBe(0);

    await attacker.publish("votes", new Uint8Array([0xff, 1]));
    await waitFor("first rejection scored", () => victim.peerScore(attacker.peerId).score === -10);
    expect(victim.peers().find((p) => p.peerId === attacker.peerId)?.score).toBe(-10);
    expect(victim.stats().gossip.reject).toBe(1);

    // The node can report misbehaviour it found itself (e.g. an invalid block from sync).
    victim.reportInvalid(attacker.peerId, "invalid block from sync");
    expect(victim.peerScore(attacker.peerId)).toMatchObject({
      score: -20,
      lastReason: "invalid block from sync",
    });

    await attacker.publish("votes", new Uint8Array([0xff, 2]));
    await waitFor("attacker disconnected", () => !connectedIds(victim).includes(attacker.peerId));
    expect(banned).toEqual([attacker.peerId]);
    expect(victim.isBanned(attacker.peerId)).toBe(true);
    expect(victim.stats().banned).toBe(1);
    expect(accepted).toEqual(["good vote"]);

    // The deny list refuses the peer in both directions during the cool-down. Noise settles the
    // muxer inside its handshake, so the dialler may see a connection for an instant before the
    // victim's gater drops it: what counts is that it never becomes a peer of the victim.
    const reconnects: string[] = [];
    victim.on("peer:connect", (peerId) => reconnects.push(peerId));
    await attacker.dial(victim.multiaddrs()[0]!).catch(() => undefined);
    await waitFor("attacker's redial dropped", () => !connectedIds(attacker).includes(victim.peerId));
    await expect(victim.dial(attacker.multiaddrs()[0]!)).rejects.toThrow();
    expect(reconnects).toEqual([]);
    expect(connectedIds(victim)).not.toContain(attacker.peerId);
  });
});

describe("block sync and status", () => {
  const CHAIN_HEIGHT = 20;
  const headHash = `0x${"ab".repeat(32)}`;
  // Block payloads are opaque to the network; height 19 is oversized for strict clients.
  const block = (h: number) => (h === 19 ? new Uint8Array(2_000).fill(19) : bytes(`block ${h}`));
  const chainHooks: NetworkHooks = {
    serveBlocks: (from, count) => {
      if (from === 1_000) return new Promise<Uint8Array[]>(() => {}); // a stuck store
      const out: Uint8Array[] = [];
      for (let h = from; h < Math.min(from + count, CHAIN_HEIGHT); h++) out.push(block(h));
      return out;
    },
    getStatus: () => ({ height: CHAIN_HEIGHT - 1, headHash }),
  };

  it("serves blocks within the limits of both sides and reports status", async () => {
    const server = await start({ sync: { maxBlocksPerRequest: 4 } }, chainHooks);
    const client = await start(
      { sync: { maxBlocksPerRequest: 100, maxBlockBytes: 1_024, requestTimeoutMs: 2_500 } },
      { getStatus: () => ({ height: 3, headHash }) },
    );
    await client.dial(server.multiaddrs()[0]!);

    expect((await client.requestBlocks(server.peerId, 0, 3)).map(text)).toEqual([
      "block 0",
      "block 1",
      "block 2",
    ]);
    // The server caps a request at its own limit, and the asker's limit caps what it asks for.
    expect((await client.requestBlocks(server.peerId, 2, 10)).map(text)).toEqual([
      "block 2",
      "block 3",
      "block 4",
      "block 5",
    ]);
    expect(await server.requestBlocks(client.peerId, 0, 10).catch((e: Error) => e.name)).toBe(
      "PeerRequestError",
    ); // client serves no blocks
    expect((await client.requestBlocks(server.peerId, 16, 3)).map(text)).toEqual([
      "block 16",
      "block 17",
      "block 18",
    ]);
    expect(await client.requestBlocks(server.peerId, 500, 2)).toEqual([]);
    expect(server.stats().syncRequestsServed).toBe(4);
    expect(client.peerScore(server.peerId).score).toBe(0);

    await expect(client.requestBlocks(server.peerId, -1, 1)).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(client.requestBlocks(server.peerId, 0, 0)).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(client.requestBlocks(server.peerId, 1_000, 1)).rejects.toBeInstanceOf(PeerRequestError); // timeout

    // An oversized block is a protocol violation: rejected, and the server is scored down.
    await expect(client.requestBlocks(server.peerId, 19, 1)).rejects.toBeInstanceOf(PeerProtocolError);
    expect(client.peerScore(server.peerId).score).toBeLessThan(0);

    expect(await client.requestStatus(server.peerId)).toEqual({ height: 19, headHash });
    expect(await server.requestStatus(client.peerId)).toEqual({ height: 3, headHash });
    expect(await client.bestPeerHeight()).toBe(19);
    expect(await server.bestPeer()).toEqual({ peerId: client.peerId, height: 3, headHash });
    expect(client.peers().find((p) => p.peerId === server.peerId)?.status).toEqual({ height: 19, headHash });
  });

  it("scores down a peer that sends malformed or oversized sync requests", async () => {
    const server = await start({}, chainHooks);
    const raw = await createLibp2p({
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
    });
    try {
      const target = multiaddr(server.multiaddrs()[0]!);
      const rawId = raw.peerId.toString();

      const garbage = lpStream(await raw.dialProtocol(target, server.protocols.sync));
      await garbage.write(bytes('{"fromHeight":"zero"}'));
      await expect(garbage.read()).rejects.toThrow();
      await waitFor("malformed request scored", () => server.peerScore(rawId).score === -10);
      expect(server.peerScore(rawId).lastReason).toMatch(/invalid sync request at fromHeight/);

      const huge = lpStream(await raw.dialProtocol(target, server.protocols.sync));
      await huge.write(new Uint8Array(64 * 1024));
      await waitFor("oversized request scored", () => server.peerScore(rawId).score === -20);
      expect(server.stats().syncRequestsServed).toBe(0);
    } finally {
      await raw.stop();
    }
  });
});

describe("bootstrap registry", () => {
  it("persists across restart, excludes the asker, drops stale peers, and is redialled", async () => {
    let now = 1_700_000_000_000;
    const clock = { now: () => now };
    const bootDir = freshDir();
    const ttlMs = 60_000;
    const bootConfig = { bootstrap: true, dataDir: bootDir, registry: { ttlMs, persistIntervalMs: 100 } };
    let boot = await start(bootConfig, clock);
    const bootAddr = boot.multiaddrs()[0]!;
    const bootPort = Number(
      multiaddr(bootAddr)
        .getComponents()
        .find((c) => c.name === "tcp")!.value,
    );

    const first = await start({ bootstrapPeers: [bootAddr] });
    await waitFor("first node registered", () => boot.stats().peersKnown === 1);
    expect(await first.requestPeers(boot.peerId)).toEqual([]); // itself excluded

    // Restart on the same port: same identity (key file), same registry (JSON file).
    const bootId = boot.peerId;
    await stopOne(boot);
    boot = await start({ ...bootConfig, port: bootPort }, clock);
    expect(boot.peerId).toBe(bootId);
    expect(boot.stats().peersKnown).toBe(1);

    const second = await start({ bootstrapPeers: [bootAddr] });
    await waitFor("second node connected to bootstrap", () => connectedIds(second).includes(bootId));
    const seen = await second.requestPeers(bootId);
    expect(seen.map((p) => p.peerId)).toEqual([first.peerId]);
    expect(seen[0]!.addrs).toEqual(first.multiaddrs().map((a) => a.replace(`/p2p/${first.peerId}`, "")));
    // The first node redials the restarted bootstrap node with backoff and learns about the second.
    await waitFor("first node reconnected to bootstrap", () => connectedIds(first).includes(bootId));
    await waitFor("first and second meet", () => connectedIds(first).includes(second.peerId));
    expect((await first.requestPeers(bootId)).map((p) => p.peerId)).toEqual([second.peerId]);

    // The first node leaves; once its entry is older than the TTL nobody is told about it.
    await stopOne(first);
    await waitFor("first node gone", () => !connectedIds(boot).includes(first.peerId));
    now += ttlMs + 1;
    expect((await second.requestPeers(bootId)).map((p) => p.peerId)).toEqual([]);
    await stopOne(boot);
    boot = await start({ ...bootConfig, port: bootPort }, clock);
    expect(boot.stats().peersKnown).toBe(1); // only the second node, refreshed while connected
  });
});

describe("configuration", () => {
  it("rejects invalid settings with a clear error", async () => {
    await expect(createNetwork({ chainId: 1, dataDir: freshDir(), port: 70_000 })).rejects.toThrow(
      /invalid network config: port/,
    );
    await expect(createNetwork({ chainId: "bad chain id", dataDir: freshDir() })).rejects.toThrow(/chainId/);
    await expect(
      createNetwork({ chainId: 1, dataDir: freshDir(), bootstrapPeers: ["/ip4/127.0.0.1/tcp/1"] }),
    ).rejects.toThrow(/bootstrapPeers.0: a bootstrap peer must end in \/p2p\/<peer id>/);
    await expect(createNetwork({ chainId: 1, dataDir: freshDir(), host: "localhost" })).rejects.toThrow(
      /host must be an IP address/,
    );
  });

  it("names topics and protocols after the chain id", async () => {
    const node = await start();
    const kinds: GossipKind[] = [...GOSSIP_KINDS];
    expect(kinds.map((k) => node.topics[k])).toEqual(kinds.map((k) => `tensorchain/${CHAIN_ID}/${k}`));
    expect(node.protocols.sync).toBe(`/tensorchain/${CHAIN_ID}/sync/1.0.0`);
    expect(node.protocols.status).toBe(`/tensorchain/${CHAIN_ID}/status/1.0.0`);
  });
});
