// Validators, subnets and neurons derived from precompile events, through indexNewBlocks() with
// a scripted JSON-RPC source (jails and slashes cannot be provoked on a one-validator dev node;
// lib/indexer/indexer.test.ts covers the events a dev node serves), into the
// embedded PGlite server; re-indexing must not apply an event twice.
import {
  encodeAbiParameters,
  encodeEventTopics,
  encodeFunctionResult,
  type Abi,
  type AbiEvent,
  type Hex,
} from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRECOMPILES } from "@/chain/src/protocol/params";
import { iNeuronsAbi } from "@/contracts/abi/INeurons";
import { iStakingAbi } from "@/contracts/abi/IStaking";
import { iSubnetsAbi } from "@/contracts/abi/ISubnets";
import { indexNewBlocks } from "./index-blocks";
import type { IndexerRpcClient } from "./rpc";
import { startTestPglite, type TestDatabase } from "./test-db";

const h = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const a = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Hex;
const q = (n: number | bigint) => `0x${n.toString(16)}`;
const HOT = a(0x11);
const COLD = a(0x12);
const MINER = a(0x21);

interface Ev {
  address: string;
  abi: Abi;
  name: string;
  args: Record<string, unknown>;
}

function encode(ev: Ev) {
  const def = ev.abi.find((x): x is AbiEvent => x.type === "event" && x.name === ev.name)!;
  const topics = encodeEventTopics({ abi: [def], eventName: ev.name, args: ev.args } as never) as Hex[];
  const data = def.inputs.filter((i) => !i.indexed);
  return {
    address: ev.address,
    topics,
    data: encodeAbiParameters(data, data.map((i) => ev.args[i.name!]) as never),
  };
}

const staking = (name: string, args: Record<string, unknown>): Ev => ({
  address: PRECOMPILES.staking,
  abi: iStakingAbi as Abi,
  name,
  args,
});
const subnets = (name: string, args: Record<string, unknown>): Ev => ({
  address: PRECOMPILES.subnets,
  abi: iSubnetsAbi as Abi,
  name,
  args,
});
const neurons = (name: string, args: Record<string, unknown>): Ev => ({
  address: PRECOMPILES.neurons,
  abi: iNeuronsAbi as Abi,
  name,
  args,
});

/** Block n's transactions, each with its events. */
const CHAIN: Ev[][][] = [
  [],
  [
    [
      staking("ValidatorRegistered", { hotkey: HOT, coldkey: COLD, consensusKey: "0x1234" }),
      staking("StakeAdded", { coldkey: COLD, hotkey: HOT, amount: 1000n, newStake: 1000n }),
    ],
    [subnets("NetworkRegistered", { netuid: 1, owner: COLD, name: "mnist", lockedAmount: 5n })],
  ],
  [
    [
      neurons("NeuronRegistered", {
        netuid: 1,
        uid: 0,
        hotkey: MINER,
        coldkey: COLD,
        burned: 10n,
        replacedHotkey: a(0),
      }),
    ],
    [
      neurons("AxonServed", { netuid: 1, uid: 0, hotkey: MINER, endpoint: "http://miner:8080" }),
      staking("StakeRemoved", { coldkey: COLD, hotkey: HOT, amount: 300n, releaseBlock: 99n }),
    ],
    [staking("ValidatorJailedUntil", { hotkey: HOT, until: 12345n })],
  ],
  [[staking("ValidatorSlashed", { hotkey: HOT, reason: 1, amount: 100n })]],
];

const scripted: IndexerRpcClient = {
  request: (async ({ method, params }: { method: string; params: unknown[] }) => {
    if (method === "eth_blockNumber") return q(CHAIN.length - 1);
    // The state reads of protocol-state.ts: no validator set or subnet beyond what the events say.
    if (method === "eth_call")
      return encodeFunctionResult({ abi: iStakingAbi, functionName: "getValidators", result: [] });
    if (method === "tensorchain_getSubnets" || method === "eth_getLogs") return [];
    if (method === "tensorchain_getGenesis") throw new Error("method not found");
    const n = Number(BigInt(params[0] as string));
    const txs = CHAIN[n]!;
    const txHash = (i: number) => h(n * 100 + i);
    if (method === "eth_getBlockByNumber") {
      return {
        number: q(n),
        hash: h(1000 + n),
        parentHash: n === 0 ? h(0) : h(999 + n),
        timestamp: q(1_700_000_000 + n),
        miner: a(1),
        gasUsed: "0x0",
        gasLimit: q(30_000_000),
        baseFeePerGas: "0x1",
        stateRoot: h(7),
        size: "0x100",
        transactions: txs.map((_, i) => ({
          hash: txHash(i),
          from: COLD,
          to: PRECOMPILES.staking,
          value: "0x0",
          nonce: q(i),
          type: "0x2",
          gas: q(100_000),
          maxFeePerGas: "0x2",
          maxPriorityFeePerGas: "0x1",
          input: "0x12345678",
          transactionIndex: q(i),
        })),
      };
    }
    let logIndex = 0;
    return txs.map((evs, i) => ({
      transactionHash: txHash(i),
      transactionIndex: q(i),
      status: "0x1",
      gasUsed: q(50_000),
      cumulativeGasUsed: q(50_000 * (i + 1)),
      effectiveGasPrice: "0x2",
      contractAddress: null,
      logs: evs.map((ev) => ({
        ...encode(ev),
        logIndex: q(logIndex++),
        transactionIndex: q(i),
        transactionHash: txHash(i),
      })),
    }));
  }) as never,
};

describe("protocol state from precompile events", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await startTestPglite();
  });
  afterAll(async () => {
    await db?.stop();
  });

  async function state() {
    const [validators, slashes, subnets, neurons] = await Promise.all([
      db.prisma.validator.findMany({ omit: { updatedAt: true } }),
      db.prisma.slashingEvent.findMany({ omit: { createdAt: true, id: true } }),
      db.prisma.subnet.findMany({ omit: { updatedAt: true } }),
      db.prisma.neuron.findMany({ omit: { updatedAt: true } }),
    ]);
    return JSON.parse(
      JSON.stringify({ validators, slashes, subnets, neurons }, (_k, v) =>
        typeof v === "bigint" ? v.toString() : v,
      ),
    );
  }

  it("derives validators, slashing, subnets and neurons, and re-indexing applies nothing twice", async () => {
    const res = await indexNewBlocks({ prisma: db.prisma, client: scripted, batchSize: 2 });
    expect(res.toBlock).toBe(3n);
    const v = await db.prisma.validator.findUniqueOrThrow({ where: { hotkey: HOT } });
    expect(v).toMatchObject({
      coldkey: COLD,
      consensusKey: "0x1234",
      status: "jailed",
      jailedUntil: 12345n,
      firstSeenBlock: 1n,
      updatedAtBlock: 3n,
    });
    expect(v.stake.toFixed(0)).toBe("600"); // 1000 staked - 300 removed - 100 slashed
    const slash = await db.prisma.slashingEvent.findFirstOrThrow();
    expect(slash).toMatchObject({
      validatorHotkey: HOT,
      blockNumber: 3n,
      kind: "downtime",
      jailedUntil: 12345n,
    });
    expect(slash.amount.toFixed(0)).toBe("100");
    expect(await db.prisma.subnet.findUniqueOrThrow({ where: { netuid: 1 } })).toMatchObject({
      owner: COLD,
      name: "mnist",
      registeredAt: 1n,
      registeredTxHash: h(101),
    });
    expect(
      await db.prisma.neuron.findUniqueOrThrow({ where: { netuid_uid: { netuid: 1, uid: 0 } } }),
    ).toMatchObject({ hotkey: MINER, coldkey: COLD, axon: "http://miner:8080", registeredAt: 2n });
    const logs = await db.prisma.log.findMany({ orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }] });
    expect(logs.map((l) => l.eventName)).toEqual([
      "ValidatorRegistered",
      "StakeAdded",
      "NetworkRegistered",
      "NeuronRegistered",
      "AxonServed",
      "StakeRemoved",
      "ValidatorJailedUntil",
      "ValidatorSlashed",
    ]);

    const before = await state();
    await indexNewBlocks({ prisma: db.prisma, client: scripted, batchSize: 3, fromBlock: 0n, toBlock: 3n });
    expect(await state()).toEqual(before);
  });
});
