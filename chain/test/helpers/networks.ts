// Test helper: real libp2p networks (createNetwork) in the test process, on loopback with
// ephemeral ports and quick discovery/redial timings, each with its own data dir under one temp
// dir. `useTestNetworks()` registers the vitest hooks that stop every node after each test and
// remove the temp dir at the end.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { NetworkConfigInput } from "../../src/network/config.js";
import { createNetwork, type Network, type NetworkHooks } from "../../src/network/p2p.js";

export const TEST_CHAIN_ID = 31337;

export interface TestNetworks {
  /** Starts a node on 127.0.0.1:0 with test timings; `config` overrides any of them. */
  start(config?: Partial<NetworkConfigInput>, hooks?: NetworkHooks): Promise<Network>;
  /** Stops one node before the end of the test. */
  stopOne(network: Network): Promise<void>;
  /** A data dir no node has used yet. */
  freshDir(): string;
}

export function useTestNetworks(): TestNetworks {
  let root = "";
  let dirCount = 0;
  const running: Network[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "tensorchain-p2p-"));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((n) => n.stop()));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const freshDir = () => path.join(root, `node-${dirCount++}`);
  return {
    freshDir,
    async start(config = {}, hooks = {}) {
      const network = await createNetwork(
        {
          chainId: TEST_CHAIN_ID,
          dataDir: freshDir(),
          host: "127.0.0.1",
          port: 0,
          // Every node in a test dials from 127.0.0.1: libp2p's per-host inbound rate limit would trip.
          inboundConnectionThreshold: 1_000,
          discoveryIntervalMs: 200,
          redialBaseMs: 100,
          redialMaxMs: 500,
          ...config,
        },
        hooks,
      );
      running.push(network);
      return network;
    },
    async stopOne(network) {
      running.splice(running.indexOf(network), 1);
      await network.stop();
    },
  };
}

/** Polls `condition` until it holds; throws naming `what` after `timeoutMs` (a bound, not an assertion on speed). */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const connectedIds = (n: Network): string[] => n.peers().map((p) => p.peerId);
