// End-to-end JSON-RPC transfer throughput: signed transfers from several senders, submitted with
// eth_sendRawTransaction over keep-alive HTTP (one request stream per sender, concurrently), until
// every receipt is available. Our dev node and Hardhat's EDR node (automine) run the same signed
// workload in the same invocation, so the ratio is meaningful on a noisy machine.

import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import type { BenchContext, BenchFigure } from "../../scripts/bench-types.js";
import { DEV_MNEMONIC, deriveAccounts, type DevAccount } from "../src/crypto/dev-accounts.js";
import type { Hex } from "../src/rpc/backend.js";
import { startDevNode } from "../test/helpers/devnode.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const TARGET_RATIO = 3;
const OUR_BLOCK_TIME_MS = 250;

interface JsonRpcReply {
  id: number;
  result?: unknown;
  error?: { code: number; message: string };
}

/** A minimal keep-alive JSON-RPC client: the figure should measure the node, not a client library. */
export class RpcClient {
  private readonly agent: Agent;
  private readonly url: URL;
  private nextId = 1;

  constructor(url: string, sockets: number) {
    this.url = new URL(url);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  post(body: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          path: "/",
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    const reply = JSON.parse(
      await this.post(JSON.stringify({ jsonrpc: "2.0", id: this.nextId++, method, params })),
    ) as JsonRpcReply;
    if (reply.error) throw new Error(`${method}: ${reply.error.message} (${reply.error.code})`);
    return reply.result as T;
  }

  async batch(method: string, paramsList: unknown[][]): Promise<JsonRpcReply[]> {
    const body = paramsList.map((params, i) => ({ jsonrpc: "2.0", id: i, method, params }));
    const replies = JSON.parse(await this.post(JSON.stringify(body))) as JsonRpcReply[];
    return replies.sort((a, b) => a.id - b.id);
  }

  close(): void {
    this.agent.destroy();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForRpc(client: RpcClient, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited with code ${child.exitCode}`);
    try {
      await client.call("eth_chainId");
      return;
    } catch {
      if (Date.now() > deadline) throw new Error("hardhat node did not answer in time");
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** One sender's signed transfers, nonce order. */
interface SenderWork {
  address: Hex;
  raws: Hex[];
}

export async function signWorkload(
  client: RpcClient,
  senders: DevAccount[],
  perSender: number,
  chainId: number,
  round = 0,
): Promise<SenderWork[]> {
  const gasPrice = BigInt(await client.call<Hex>("eth_gasPrice"));
  const maxFeePerGas = gasPrice * 4n + 1_000_000_000n;
  const out: SenderWork[] = [];
  for (const [s, sender] of senders.entries()) {
    const account = privateKeyToAccount(sender.privateKey);
    const nonce = Number(
      BigInt(await client.call<Hex>("eth_getTransactionCount", [account.address, "pending"])),
    );
    const raws: Hex[] = [];
    for (let i = 0; i < perSender; i++) {
      // Distinct fresh recipients: every transfer creates an account, the costlier common case.
      const to =
        `0x${(0xbe00 + s).toString(16)}${round.toString(16).padStart(4, "0")}${i.toString(16).padStart(32, "0")}` as Hex;
      raws.push(
        await account.signTransaction({
          chainId,
          type: "eip1559",
          nonce: nonce + i,
          to,
          value: 1n,
          gas: 21_000n,
          maxFeePerGas,
          maxPriorityFeePerGas: 1_000_000_000n,
        }),
      );
    }
    out.push({ address: account.address, raws });
  }
  return out;
}

/** Sends every sender's transfers (one request stream per sender) and waits for all receipts. */
export async function runWorkload(
  client: RpcClient,
  work: SenderWork[],
): Promise<{ seconds: number; sendSeconds: number; count: number }> {
  const started = performance.now();
  const hashes = await Promise.all(
    work.map(async (w) => {
      const hs: Hex[] = [];
      for (const raw of w.raws) hs.push(await client.call<Hex>("eth_sendRawTransaction", [raw]));
      return hs;
    }),
  );
  const sendSeconds = (performance.now() - started) / 1000;
  // The last transfer of each sender is mined after all of its earlier ones (nonce order). One
  // small batch per tick keeps the polling load on the node low while it mines the backlog.
  let waiting = hashes.map((hs) => hs[hs.length - 1] as Hex);
  while (waiting.length > 0) {
    const replies = await client.batch(
      "eth_getTransactionReceipt",
      waiting.map((h) => [h]),
    );
    waiting = waiting.filter((_, i) => !replies[i]?.result);
    if (waiting.length > 0) await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  const all = hashes.flat();
  for (let i = 0; i < all.length; i += 500) {
    const replies = await client.batch(
      "eth_getTransactionReceipt",
      all.slice(i, i + 500).map((h) => [h]),
    );
    for (const r of replies) {
      const receipt = r.result as { status?: string } | null;
      if (!receipt || receipt.status !== "0x1")
        throw new Error(`transfer not executed: ${JSON.stringify(r)}`);
    }
  }
  return { seconds, sendSeconds, count: all.length };
}

interface Peer {
  name: string;
  client: RpcClient;
  chainId: number;
  stop(): Promise<void>;
}

async function startOurNode(sockets: number): Promise<Peer> {
  // Blocks every 250 ms (the dev helper's default; 100 ms measured no better: more commits).
  const node = await startDevNode({ blockTimeMs: OUR_BLOCK_TIME_MS });
  const client = new RpcClient(node.rpcUrl, sockets);
  return {
    name: "tensorchain",
    client,
    chainId: Number(BigInt(await client.call<Hex>("eth_chainId"))),
    async stop() {
      client.close();
      await node.stop();
    },
  };
}

async function startEdr(sockets: number): Promise<Peer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tensorchain-edr-"));
  const config = path.join(dir, "hardhat.config.cjs");
  await writeFile(
    config,
    `module.exports = { networks: { hardhat: { chainId: 31337, mining: { auto: true }, ` +
      `accounts: { mnemonic: ${JSON.stringify(DEV_MNEMONIC)}, count: 20 } } } };\n`,
  );
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, "node_modules/hardhat/internal/cli/bootstrap.js"),
      "node",
      "--config",
      config,
      "--hostname",
      "127.0.0.1",
      "--port",
      String(port),
    ],
    {
      cwd: repoRoot,
      stdio: "ignore",
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true", CI: "true" },
    },
  );
  const client = new RpcClient(`http://127.0.0.1:${port}`, sockets);
  const stop = async () => {
    client.close();
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForRpc(client, child, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { name: "hardhat-edr", client, chainId: 31337, stop };
}

async function measure(
  peer: Peer,
  senders: DevAccount[],
  perSender: number,
  round: number,
  ctx: BenchContext,
) {
  const work = await signWorkload(peer.client, senders, perSender, peer.chainId, round);
  const { seconds, sendSeconds, count } = await runWorkload(peer.client, work);
  ctx.log(
    `round ${round} ${peer.name}: ${count} transfers in ${seconds.toFixed(2)} s ` +
      `(${(count / seconds).toFixed(0)} tx/s; all accepted after ${sendSeconds.toFixed(2)} s)`,
  );
  return count / seconds;
}

export default async function rpcThroughput(ctx: BenchContext): Promise<BenchFigure[]> {
  const senderCount = 8;
  const perSender = ctx.quick ? 25 : 250;
  // Rounds alternate between the two nodes (both kept running), and the best round of each
  // counts: on a shared, noisy machine the best round is the least disturbed one.
  const rounds = ctx.quick ? 1 : 3;
  // The first dev accounts of the well-known mnemonic: funded by both nodes' dev genesis.
  const senders = deriveAccounts(senderCount);
  ctx.log(`${senderCount} senders x ${perSender} transfers, ${rounds} round(s) per node`);
  const edr = await startEdr(senderCount + 1);
  let ours: Peer | undefined;
  try {
    ours = await startOurNode(senderCount + 1);
    const best = { ours: 0, edr: 0 };
    for (let round = 0; round < rounds; round++) {
      const order: ["ours" | "edr", Peer][] = [
        ["edr", edr],
        ["ours", ours],
      ];
      if (round % 2 === 1) order.reverse();
      for (const [key, peer] of order) {
        best[key] = Math.max(best[key], await measure(peer, senders, perSender, round, ctx));
      }
    }
    return [
      {
        name: "rpc.transfers_per_s",
        value: best.ours,
        unit: "tx/s",
        better: "higher",
        peer: { name: "hardhat-edr", value: best.edr },
        target: best.edr * TARGET_RATIO,
        notes:
          `${senderCount} senders x ${perSender} signed EIP-1559 transfers via eth_sendRawTransaction ` +
          `(one keep-alive HTTP stream per sender) until every receipt is available; best of ${rounds} ` +
          `alternating rounds; EDR automines, our dev node produces a block every ${OUR_BLOCK_TIME_MS} ms`,
      },
    ];
  } finally {
    await ours?.stop();
    await edr.stop();
  }
}
