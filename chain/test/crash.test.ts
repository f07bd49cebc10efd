// Crash safety: kill -9 the node while it is committing blocks under load, restart it on the
// same data dir, and check that every block seen before the crash is still there unchanged,
// that the state matches the blocks (no half-applied block), and that the node carries on.
import { afterAll, describe, expect, it } from "vitest";
import { createPublicClient, http, parseGwei } from "viem";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { RPC_OPTS, startDevNode } from "./helpers/devnode.js";
import type { DevNode } from "./helpers/devnode.js";

let node: DevNode | undefined;

afterAll(async () => {
  await node?.stop();
});

describe("kill -9 and restart", () => {
  it("keeps every committed block and a state consistent with them", async () => {
    node = await startDevNode({ blockTimeMs: 200 });
    const pub = createPublicClient({ transport: http(node.rpcUrl, RPC_OPTS) });
    const senders = node.accounts.slice(0, 3).map((a) => privateKeyToAccount(a.privateKey));
    const recipient = privateKeyToAccount(generatePrivateKey()).address;

    // Sign a backlog up front, then stream it in while blocks are being committed.
    const raws: Hex[] = [];
    for (let n = 0; n < 100; n++) {
      for (const s of senders) {
        raws.push(
          await s.signTransaction({
            chainId: node.chainId,
            nonce: n,
            to: recipient,
            value: 1000n + BigInt(n),
            gas: 21000n,
            maxFeePerGas: parseGwei("2"),
            maxPriorityFeePerGas: 1n,
          }),
        );
      }
    }
    const seen = new Map<bigint, { hash: Hex; stateRoot: Hex }>();
    let sent = 0;
    let headAtKill = 0n;
    for (; sent < raws.length; sent++) {
      await pub.sendRawTransaction({ serializedTransaction: raws[sent]! });
      if (sent % 30 === 29) {
        const b = await pub.getBlock();
        seen.set(b.number, { hash: b.hash, stateRoot: b.stateRoot });
        headAtKill = b.number;
        if (seen.size >= 4 && b.transactions.length > 0) break;
      }
    }
    await node.kill9();
    await node.restart();

    const head = await pub.getBlockNumber();
    expect(head).toBeGreaterThanOrEqual(headAtKill);
    for (const [n, want] of seen) {
      const b = await pub.getBlock({ blockNumber: n });
      expect({ hash: b.hash, stateRoot: b.stateRoot }).toEqual(want);
    }

    // The state at the head matches the transactions of blocks 1..head exactly.
    let received = 0n;
    const perSender = new Map<string, number>();
    let parent = (await pub.getBlock({ blockNumber: 0n })).hash;
    for (let n = 1n; n <= head; n++) {
      const b = await pub.getBlock({ blockNumber: n, includeTransactions: true });
      expect(b.parentHash).toBe(parent);
      parent = b.hash;
      for (const tx of b.transactions) {
        received += tx.value;
        perSender.set(tx.from.toLowerCase(), (perSender.get(tx.from.toLowerCase()) ?? 0) + 1);
      }
    }
    expect(await pub.getBalance({ address: recipient, blockNumber: head })).toBe(received);
    for (const s of senders) {
      expect(await pub.getTransactionCount({ address: s.address, blockNumber: head })).toBe(
        perSender.get(s.address.toLowerCase()) ?? 0,
      );
    }

    // The node carries on: it accepts the next transaction of a sender and mines it.
    const next = await pub.getTransactionCount({ address: senders[0]!.address });
    const raw = await senders[0]!.signTransaction({
      chainId: node.chainId,
      nonce: next,
      to: recipient,
      value: 1n,
      gas: 21000n,
      maxFeePerGas: parseGwei("2"),
      maxPriorityFeePerGas: 1n,
    });
    const hash = await pub.sendRawTransaction({ serializedTransaction: raw });
    const r = await pub.waitForTransactionReceipt({ hash, pollingInterval: 100 });
    expect(r.status).toBe("success");
    expect(r.blockNumber).toBeGreaterThan(head);
  });
});
