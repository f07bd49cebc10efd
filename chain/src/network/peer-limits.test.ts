// Peer limits on real libp2p nodes over loopback TCP: a node configured with maxConnections = N
// never holds more than N connections however many peers dial it, and the peers it already has
// keep their connections and keep being served (gossip, status).
import { describe, expect, it } from "vitest";
import { connectedIds, useTestNetworks, waitFor } from "../../test/helpers/networks.js";
import type { Network } from "./p2p.js";

const { start } = useTestNetworks();

const LIMIT = 3;
const EXTRA_DIALLERS = 4;
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const bytes = (s: string) => new TextEncoder().encode(s);

describe("peer limits", () => {
  it("accepts no more than maxConnections peers and keeps serving the ones it has", async () => {
    const status = { height: 7, headHash: `0x${"cd".repeat(32)}` };
    const limited = await start({ maxConnections: LIMIT }, { getStatus: () => status });
    const received: string[] = [];
    limited.subscribe("txs", (data) => {
      received.push(text(data));
      return "accept";
    });
    // The most connections the limited node ever held, sampled on every change.
    let most = 0;
    const sample = () => (most = Math.max(most, limited.peers().length));
    limited.on("peer:connect", sample);

    const first: Network[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const peer = await start();
      await peer.dial(limited.multiaddrs()[0]!);
      first.push(peer);
    }
    await waitFor("the first peers are connected", () =>
      first.every((p) => connectedIds(limited).includes(p.peerId)),
    );

    // More peers dial while the node is full: each dial is refused or the connection is dropped.
    const extra = await Promise.all(Array.from({ length: EXTRA_DIALLERS }, () => start()));
    await Promise.all(extra.map((p) => p.dial(limited.multiaddrs()[0]!).catch(() => undefined)));
    // Give any accepted-then-pruned connection time to be closed by the limited side.
    await waitFor("the extra diallers are not peers of the limited node", () =>
      extra.every((p) => !connectedIds(limited).includes(p.peerId)),
    );
    await waitFor("the extra diallers see no connection", () =>
      extra.every((p) => !connectedIds(p).includes(limited.peerId)),
    );
    sample();
    expect(most).toBeLessThanOrEqual(LIMIT);
    expect(limited.stats().connectedPeers).toBeLessThanOrEqual(LIMIT);

    // The peers it had are still connected and still served.
    expect(connectedIds(limited).sort()).toEqual(first.map((p) => p.peerId).sort());
    for (const [i, peer] of first.entries()) {
      expect(await peer.requestStatus(limited.peerId)).toEqual(status);
      await waitFor(`peer ${i} sees the txs subscription`, () =>
        peer.topicPeers("txs").includes(limited.peerId),
      );
      expect(await peer.publish("txs", bytes(`tx from peer ${i}`))).toBeGreaterThanOrEqual(1);
    }
    await waitFor("gossip from every existing peer delivered", () => received.length === LIMIT);
    expect(received.sort()).toEqual(first.map((_, i) => `tx from peer ${i}`));

    // Once a peer leaves there is room again: a waiting dialler gets in.
    await first[0]!.stop();
    await waitFor("the departed peer is gone", () => !connectedIds(limited).includes(first[0]!.peerId));
    await extra[0]!.dial(limited.multiaddrs()[0]!);
    await waitFor("a new peer fills the free slot", () => connectedIds(limited).includes(extra[0]!.peerId));
    sample();
    expect(most).toBeLessThanOrEqual(LIMIT);
  });
});
