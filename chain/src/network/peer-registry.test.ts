import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PEER_REGISTRY_FILE, PeerRegistry } from "./peer-registry.js";

// Syntactically valid base58 peer ids (the registry does not dial them).
const A = "12D3KooWA1111111111111111111111111111111111111111111";
const B = "12D3KooWB2222222222222222222222222222222222222222222";
const C = "12D3KooWC3333333333333333333333333333333333333333333";

let dir: string;
let now: number;
const options = () => ({ ttlMs: 1_000, maxPeers: 2, now: () => now });

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "tensorchain-registry-"));
  now = 10_000;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("PeerRegistry", () => {
  it("lists fresh peers newest first, without the asker, and evicts the least recently seen", async () => {
    const registry = await PeerRegistry.open(dir, options());
    registry.upsert(A, ["/ip4/10.0.0.1/tcp/1"]);
    now += 1;
    registry.upsert(B, ["/ip4/10.0.0.2/tcp/1", "/ip4/10.0.0.2/tcp/1"]);
    registry.upsert(C); // no known address: nothing to introduce
    expect(registry.list(undefined, 10)).toEqual([
      { peerId: B, addrs: ["/ip4/10.0.0.2/tcp/1"] },
      { peerId: A, addrs: ["/ip4/10.0.0.1/tcp/1"] },
    ]);
    expect(registry.list(B, 10).map((p) => p.peerId)).toEqual([A]);
    expect(registry.list(undefined, 1).map((p) => p.peerId)).toEqual([B]);

    registry.touch(A); // A seen again: now B is the oldest
    registry.upsert(C, ["/ip4/10.0.0.3/tcp/1"]);
    expect(registry.size).toBe(2);
    expect(registry.list(undefined, 10).map((p) => p.peerId)).toEqual([C, A]);
  });

  it("persists across reopen and drops entries older than the TTL", async () => {
    const registry = await PeerRegistry.open(dir, options());
    registry.upsert(A, ["/ip4/10.0.0.1/tcp/1"]);
    now += 600;
    registry.upsert(B, ["/ip4/10.0.0.2/tcp/1"]);
    // A periodic save and the shutdown save may overlap: they must not trip over each other.
    await Promise.all([registry.save(), registry.save()]);

    const reopened = await PeerRegistry.open(dir, options());
    expect(reopened.get(A)).toEqual({ peerId: A, addrs: ["/ip4/10.0.0.1/tcp/1"], lastSeen: 10_000 });
    expect(reopened.size).toBe(2);

    now += 500; // A is 1,100 ms old: stale; B is 500 ms old
    expect(reopened.list(undefined, 10).map((p) => p.peerId)).toEqual([B]);
    expect(reopened.dropStale()).toBe(1);
    await reopened.save();
    const file = JSON.parse(await readFile(path.join(dir, PEER_REGISTRY_FILE), "utf8"));
    expect(file.peers.map((p: { peerId: string }) => p.peerId)).toEqual([B]);

    now += 10_000;
    expect((await PeerRegistry.open(dir, options())).size).toBe(0); // stale on load
  });

  it("starts empty, and says so, when the file is corrupt", async () => {
    await writeFile(path.join(dir, PEER_REGISTRY_FILE), '{"version":1,"peers":[{"peerId":"nope"}]}');
    const errors: string[] = [];
    const registry = await PeerRegistry.open(dir, {
      ...options(),
      onLoadError: (e) => errors.push(e.message),
    });
    expect(registry.size).toBe(0);
    expect(errors).toEqual([expect.stringMatching(/corrupt; starting empty/)]);
  });
});
