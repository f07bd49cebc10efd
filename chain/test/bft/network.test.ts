// A 4-validator network of real processes on loopback: agreement, liveness with one validator
// down, safety (no progress, no fork) with two down, pause/resume, kill -9 and restart with WAL
// replay plus catch-up sync. One network for the whole file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSameChain, minHeight, sleep, startTestNetwork, until } from "./helpers.js";
import type { TestNetwork } from "./helpers.js";

let net: TestNetwork;

beforeAll(async () => {
  net = await startTestNetwork(4);
  await until(async () => (await minHeight(net.nodes)) >= 2, "4 validators to commit 2 blocks");
}, 240_000);

afterAll(async () => {
  await net?.close();
});

describe("BFT network of 4 validator processes", () => {
  it("agrees on one hash at every height and serves the commit certificates", async () => {
    const [a, ...rest] = net.nodes;
    const h = await minHeight(net.nodes);
    await expectSameChain(net.nodes, h);
    const cert = await a!.rpc<{ blockHash: string; signatures: { validator: string }[] }>(
      "tensorchain_getCommit",
      [h],
    );
    expect(cert.blockHash).toBe(await a!.hashAt(h));
    expect(cert.signatures.length).toBeGreaterThanOrEqual(3); // > 2/3 of 4 equal stakes
    const vals = await rest[0]!.rpc<{ validators: unknown[] }>("tensorchain_getValidators");
    expect(vals.validators).toHaveLength(4);
  });

  it("keeps committing with one validator killed (-9), which restarts from its WAL and syncs to head", async () => {
    const [n0, n1, n2, n3] = net.nodes as [
      (typeof net.nodes)[0],
      (typeof net.nodes)[0],
      (typeof net.nodes)[0],
      (typeof net.nodes)[0],
    ];
    await n3.kill("SIGKILL");
    const start = await minHeight([n0, n1, n2]);
    await until(async () => (await minHeight([n0, n1, n2])) >= start + 3, "3 validators to make progress");
    // Restart (WAL replay of the interrupted height) as a late node. (A double-signing validator
    // is slashed, tombstoned and removed from the set: slashing.test.ts.)
    n3.start();
    const target = await minHeight([n0, n1, n2]);
    await until(async () => (await n3.heightOrNone()) >= target, "the restarted node to sync to head");
    await expectSameChain(net.nodes, target);
  }, 240_000);

  it("commits nothing and does not fork with two validators down; resumes when one returns", async () => {
    const [n0, n1, n2, n3] = net.nodes as [
      (typeof net.nodes)[0],
      (typeof net.nodes)[0],
      (typeof net.nodes)[0],
      (typeof net.nodes)[0],
    ];
    // Down: one killed, one frozen (a paused process is a validator that stopped voting).
    await n2.kill("SIGKILL");
    n3.signal("SIGSTOP");
    // A commit already under way when they went down may still land; after that, nothing can.
    await sleep(4000);
    const stuck = Math.max(await n0.height(), await n1.height());
    await sleep(6000);
    expect(await n0.height()).toBeLessThanOrEqual(stuck);
    expect(await n1.height()).toBeLessThanOrEqual(stuck);
    await expectSameChain([n0, n1], Math.min(await n0.height(), await n1.height()));
    n3.signal("SIGCONT");
    await until(async () => (await minHeight([n0, n1, n3])) >= stuck + 2, "progress with 3 of 4 again");
    // The killed one restarts honest (WAL replay) and catches up.
    n2.start();
    await until(async () => (await n2.heightOrNone()) >= stuck + 2, "the fourth node to catch up");
    await expectSameChain(net.nodes, await minHeight(net.nodes));
  }, 240_000);

  it("survives SIGSTOP/SIGCONT of one validator", async () => {
    const [n0, n1, n2, n3] = net.nodes as [
      (typeof net.nodes)[0],
      (typeof net.nodes)[0],
      (typeof net.nodes)[0],
      (typeof net.nodes)[0],
    ];
    n1.signal("SIGSTOP");
    const start = await minHeight([n0, n2, n3]);
    await until(async () => (await minHeight([n0, n2, n3])) >= start + 2, "progress while one is paused");
    n1.signal("SIGCONT");
    const target = await minHeight([n0, n2, n3]);
    await until(async () => (await n1.heightOrNone()) >= target, "the resumed node to catch up");
    await expectSameChain(net.nodes, target);
  });
});
