// Test helper: a real multi-validator network, each validator its own process on loopback
// (validator-main.ts through prepareTestnet/spawnValidator), in a temp dir with free ports.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { prepareTestnet, spawnValidator } from "../../src/cli/testnet.js";
import type { TestnetPlan } from "../../src/cli/testnet.js";
import type { ProtocolParams } from "../../src/protocol/params.js";
import { freePort, trackProcess } from "../helpers/processes.js";



export class TestNode {
  proc: ChildProcess | null = null;
  log = "";
  constructor(
    readonly index: number,
    readonly rpcUrl: string,
    private readonly args: string[],
  ) {}

  start(extra: string[] = []): void {
    const p = spawnValidator(this.args, extra);
    trackProcess(p);
    p.stdout!.on("data", (d: Buffer) => (this.log += d.toString()));
    p.stderr!.on("data", (d: Buffer) => (this.log += d.toString()));
    this.proc = p;
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const p = this.proc;
    if (!p || !this.running) return;
    const exited = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill(signal);
    await exited;
    this.proc = null;
  }

  signal(sig: "SIGSTOP" | "SIGCONT"): void {
    this.proc?.kill(sig);
  }

  async rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    const res = await fetch(this.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  }

  async height(): Promise<number> {
    return Number(await this.rpc<string>("eth_blockNumber"));
  }

  /** Height, or -1 while the process is starting or unreachable. */
  async heightOrNone(): Promise<number> {
    try {
      return await this.height();
    } catch {
      return -1;
    }
  }

  async hashAt(h: number): Promise<string | null> {
    const b = await this.rpc<{ hash: string } | null>("eth_getBlockByNumber", [`0x${h.toString(16)}`, false]);
    return b?.hash ?? null;
  }
}

export interface TestNetwork {
  plan: TestnetPlan;
  nodes: TestNode[];
  dir: string;
  close(): Promise<void>;
}

export async function startTestNetwork(
  n: number,
  blockTimeMs = 300,
  opts: {
    protocol?: ProtocolParams;
    /** Extra flags per node index (e.g. the test-only double-sign flag). */
    args?: Record<number, string[]>;
    /** Base propose timeout of every node (default 1000 ms: quick rounds for the fault tests). */
    timeoutProposeMs?: number;
  } = {},
): Promise<TestNetwork> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tc-bft-"));
  const rpcPorts: number[] = [];
  const p2pPorts: number[] = [];
  for (let i = 0; i < n; i++) {
    rpcPorts.push(await freePort());
    p2pPorts.push(await freePort());
  }
  const plan = await prepareTestnet({
    validators: n,
    dataDir: dir,
    rpcPorts,
    p2pPorts,
    blockTimeMs,
    timeoutProposeMs: opts.timeoutProposeMs ?? 1000,
    protocol: opts.protocol,
  });
  const nodes = plan.nodes.map((p) => new TestNode(p.index, `http://127.0.0.1:${p.rpcPort}`, p.args));
  for (const node of nodes) node.start(opts.args?.[node.index] ?? []);
  return {
    plan,
    nodes,
    dir,
    async close() {
      await Promise.all(nodes.map((x) => x.kill("SIGKILL")));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll until `cond` holds (the test's own timeout bounds the wait; nothing asserts how long it took). */
export async function until(cond: () => Promise<boolean>, what: string, limitMs = 150_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (await cond().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function minHeight(nodes: TestNode[]): Promise<number> {
  const hs = await Promise.all(nodes.map((x) => x.heightOrNone()));
  return Math.min(...hs);
}

/** Every height 1..upTo has one hash across these nodes. */
export async function expectSameChain(nodes: TestNode[], upTo: number): Promise<void> {
  for (let h = 1; h <= upTo; h++) {
    const hashes = await Promise.all(nodes.map((x) => x.hashAt(h)));
    if (new Set(hashes).size !== 1 || hashes[0] === null)
      throw new Error(`height ${h}: nodes disagree or miss the block: ${hashes.join(", ")}`);
  }
}
