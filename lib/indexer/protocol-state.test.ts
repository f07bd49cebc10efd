// Protocol state the indexer reads from a real dev node: the genesis (prefunded accounts, the
// genesis validator, the root subnet), a subnet and neuron registered through the precompiles,
// the metagraph snapshot of every epoch that ran (which leaves no log: it is found by schedule
// and read with tensorchain_getMetagraph at the epoch block), uptime windows; re-indexing a
// range with another batch size changes nothing; the neuron and subnet pages chart the snapshots;
// each neuron's validator permit comes from the latest epoch's metagraph.
import type { PrismaClient } from "@prisma/client";
import { createPublicClient, encodeFunctionResult, http, type Address, type Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_ACCOUNT_BALANCE } from "@/chain/src/genesis/schema";
import { TEN } from "@/chain/src/protocol/params";
import { isEpochBlock } from "@/chain/src/protocol/schedule";
import { startDevNode, type DevNode } from "@/chain/test/helpers/devnode";
import { readLiveAccount } from "@/lib/explorer/live";
import { loadNeuronPage, loadSubnetPage, loadValidatorsPage } from "@/lib/explorer/queries";
import { indexNewBlocks } from "./index-blocks";
import { neuronsPrecompile, stakingPrecompile } from "@/contracts/system-contracts";
import { findUnloggedSlashes, UPTIME_WINDOW, type ProtocolState } from "./protocol-state";
import { createIndexerClient, type IndexerRpcClient } from "./rpc";
import { startTestPglite, type TestDatabase } from "./test-db";
import { driveProtocol, protocolSender, SUBNET_TEMPO as TEMPO } from "./test-protocol";

/** The protocol tables, minus write timestamps and generated ids: equal dumps mean equal content. */
async function dump(prisma: PrismaClient) {
  const [accounts, validators, uptime, slashing, subnets, neurons, snapshots, epochs] = await Promise.all([
    prisma.account.findMany({ orderBy: { address: "asc" }, omit: { updatedAt: true } }),
    prisma.validator.findMany({ orderBy: { hotkey: "asc" }, omit: { updatedAt: true } }),
    prisma.validatorUptime.findMany({
      orderBy: [{ validatorHotkey: "asc" }, { fromBlock: "asc" }],
      omit: { id: true },
    }),
    prisma.slashingEvent.findMany({ orderBy: { blockNumber: "asc" }, omit: { id: true, createdAt: true } }),
    prisma.subnet.findMany({ orderBy: { netuid: "asc" }, omit: { updatedAt: true } }),
    prisma.neuron.findMany({ orderBy: [{ netuid: "asc" }, { uid: "asc" }], omit: { updatedAt: true } }),
    prisma.metagraphSnapshot.findMany({
      orderBy: [{ netuid: "asc" }, { blockNumber: "asc" }],
      omit: { id: true, createdAt: true },
    }),
    prisma.neuronEpoch.findMany({
      orderBy: [{ blockNumber: "asc" }, { uid: "asc" }],
      omit: { snapshotId: true },
    }),
  ]);
  return JSON.parse(
    JSON.stringify(
      { accounts, validators, uptime, slashing, subnets, neurons, snapshots, epochs },
      (_k, v) => (typeof v === "bigint" ? v.toString() : v),
    ),
  );
}

describe("protocol state from a dev node", () => {
  let node: DevNode;
  let db: TestDatabase;
  let head: bigint;
  let registeredAt: bigint;
  const netuid = 1;

  beforeAll(async () => {
    [node, db] = await Promise.all([
      startDevNode({ blockTimeMs: 200, startTimeoutMs: 150_000 }),
      startTestPglite(),
    ]);
    ({ registeredAt, head } = await driveProtocol(node, 2));
  });

  afterAll(async () => {
    await Promise.all([node?.stop(), db?.stop()]);
  });

  it("indexes the genesis, the validator set, subnets, epoch snapshots and uptime", async () => {
    const client = createIndexerClient(node.rpcUrl);
    await indexNewBlocks({ prisma: db.prisma, client, batchSize: 7, toBlock: head });

    // Genesis: the ten dev accounts, prefunded, seen from block 0.
    for (const a of node.accounts.slice(2, 10)) {
      const acc = await db.prisma.account.findUniqueOrThrow({ where: { address: a.address.toLowerCase() } });
      expect(acc).toMatchObject({ firstSeenBlock: 0n, balanceBlock: 0n, txCount: 0 });
      expect(acc.balance.toFixed(0)).toBe(DEV_ACCOUNT_BALANCE.toString());
    }
    const validators = await db.prisma.validator.findMany();
    expect(validators).toHaveLength(1);
    expect(validators[0]).toMatchObject({ firstSeenBlock: 0n, status: "active", votingPower: 1000n });
    expect(validators[0]!.stake.toFixed(0)).toBe((1000n * TEN).toString());
    // The address page's live stake of the validator's coldkey (IStaking.getColdkeyStakes).
    const live = await readLiveAccount(
      createPublicClient({ transport: http(node.rpcUrl) }),
      validators[0]!.coldkey as Address,
    );
    expect(live.ok && live.value.stakes).toEqual([{ hotkey: validators[0]!.hotkey, amount: 1000n * TEN }]);

    const subnets = await db.prisma.subnet.findMany({ orderBy: { netuid: "asc" } });
    expect(subnets.map((s) => s.netuid)).toEqual([0, 1]);
    expect(subnets[1]).toMatchObject({ name: "mnist" });
    expect((subnets[1]!.hyperparams as { tempo: number }).tempo).toBe(TEMPO);

    const snaps = await db.prisma.metagraphSnapshot.findMany({
      where: { netuid },
      orderBy: { blockNumber: "asc" },
    });
    const expected: bigint[] = [];
    for (let b = registeredAt; b <= head; b++) if (isEpochBlock(netuid, TEMPO, Number(b))) expected.push(b);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(snaps.map((s) => s.blockNumber)).toEqual(expected);
    expect(snaps.every((s) => s.neuronCount === 1)).toBe(true);
    const rows = await db.prisma.neuronEpoch.findMany({
      where: { netuid, uid: 0 },
      orderBy: { blockNumber: "asc" },
    });
    expect(rows.map((r) => r.blockNumber)).toEqual(expected);
    const miner = node.accounts[1]!.address.toLowerCase();
    expect(rows.every((r) => r.hotkey === miner)).toBe(true);
    // The snapshot's total emission is the sum of its UIDs' emission.
    for (const s of snaps) {
      const ne = rows.find((r) => r.blockNumber === s.blockNumber)!;
      expect(ne.emission.toFixed(0)).toBe(s.emission.toFixed(0));
    }

    // Uptime: the dev node's single validator proposed (and so signed) every block after genesis.
    const up = await db.prisma.validatorUptime.findMany({ orderBy: { fromBlock: "asc" } });
    expect(up.reduce((s, u) => s + u.proposedBlocks, 0)).toBe(Number(head));
    expect(up[0]).toMatchObject({ fromBlock: 0n, toBlock: UPTIME_WINDOW - 1n, missedBlocks: 0 });
    const page = await loadValidatorsPage(db.prisma);
    expect(page.validators[0]!.uptime).toBe(1);
  });

  it("re-indexing a range changes nothing", async () => {
    const before = await dump(db.prisma);
    const client = createIndexerClient(node.rpcUrl);
    await indexNewBlocks({ prisma: db.prisma, client, batchSize: 5, fromBlock: 0n, toBlock: head });
    await indexNewBlocks({
      prisma: db.prisma,
      client,
      batchSize: 3,
      fromBlock: registeredAt - 2n,
      toBlock: head - 4n,
    });
    expect(await dump(db.prisma)).toEqual(before);
  });

  it("feeds the neuron page's incentive and emission history and the subnet page's emission per tempo", async () => {
    const neuron = await loadNeuronPage(db.prisma, netuid, 0);
    const snaps = await db.prisma.metagraphSnapshot.count({ where: { netuid } });
    expect(neuron?.history).toHaveLength(snaps);
    expect(neuron?.history.every((p) => p.incentive >= 0 && p.incentive <= 1)).toBe(true);
    const subnet = await loadSubnetPage(db.prisma, netuid);
    expect(subnet?.emissionHistory).toHaveLength(snaps);
    expect(subnet?.emissionHistory.map((p) => p.epoch)).toEqual(
      [...subnet!.emissionHistory.map((p) => p.epoch)].sort((x, y) => x - y),
    );
  });

  it("records each neuron's validator permit from the epoch's metagraph, also when the neuron changed later in the batch", async () => {
    const client = createIndexerClient(node.rpcUrl);
    const miner = node.accounts[1]!;
    const minerRow = () => db.prisma.neuron.findUniqueOrThrow({ where: { netuid_uid: { netuid, uid: 0 } } });
    // Unstaked, the miner holds no permit (zero stake never does).
    expect((await minerRow()).isValidator).toBe(false);
    const send = protocolSender(node);
    // Stake on the miner's hotkey; the next epoch gives it a permit. Then, after that epoch and
    // in the same indexed batch, the miner serves an axon (which moves its row's updatedAtBlock).
    const staked = (
      await send(node.accounts[2]!.privateKey, stakingPrecompile, "addStake", [miner.address], 5n * TEN)
    ).blockNumber;
    let epochBlock = staked + 1n;
    while (!isEpochBlock(netuid, TEMPO, Number(epochBlock))) epochBlock++;
    while ((await client.getBlockNumber({ cacheTime: 0 })) <= epochBlock)
      await new Promise((r) => setTimeout(r, 100));
    const served = (
      await send(miner.privateKey, neuronsPrecompile, "serveAxon", [netuid, "http://127.0.0.1:9/axon"])
    ).blockNumber;
    expect(served).toBeGreaterThan(epochBlock);
    const metagraph = (await client.request({
      method: "tensorchain_getMetagraph" as never,
      params: [netuid, `0x${epochBlock.toString(16)}`] as never,
    })) as { validatorPermit: boolean[] };
    expect(metagraph.validatorPermit[0]).toBe(true);

    await indexNewBlocks({ prisma: db.prisma, client, batchSize: 1_000, toBlock: served });
    const row = await minerRow();
    expect(row).toMatchObject({ isValidator: true, axon: "http://127.0.0.1:9/axon" });
    const epoch = await db.prisma.neuronEpoch.findFirstOrThrow({
      where: { netuid, uid: 0, blockNumber: epochBlock },
    });
    expect(epoch.validatorPermit).toBe(true);
    // Re-indexing an older range (an epoch without the permit) leaves the latest permit in place.
    await indexNewBlocks({
      prisma: db.prisma,
      client,
      batchSize: 5,
      fromBlock: registeredAt,
      toBlock: staked,
    });
    expect((await minerRow()).isValidator).toBe(true);
  });
});

// A dev node has one validator and cannot be made to miss blocks, so the state-diff path of
// slashing (a node that serves no block-end logs) runs against a scripted validator history:
// jailed at block 13 with 1% of its stake slashed; the batch covers blocks 10..17.
describe("slashing found from the validator set when no block-end log reports it", () => {
  const HOT = "0x00000000000000000000000000000000000000aa";
  const validatorAt = (block: bigint) => ({
    hotkey: HOT as Address,
    coldkey: HOT as Address,
    consensusKey: "0x02" as Hex,
    votingPower: block >= 13n ? 990n * TEN : 1000n * TEN,
    selfStake: 0n,
    jailedUntil: block >= 13n ? 1_800_000_000n : 0n,
    tombstoned: false,
    active: block < 13n,
  });
  const client: IndexerRpcClient = {
    request: (async ({ method, params }: { method: string; params: unknown[] }) => {
      if (method !== "eth_call") throw new Error(`unexpected ${method}`);
      const block = BigInt(params[1] as string);
      return encodeFunctionResult({
        abi: stakingPrecompile.abi,
        functionName: "getValidators",
        result: [validatorAt(block)],
      });
    }) as never,
  };

  it("bisects the jail to its block and takes the stake drop as the amount", async () => {
    const state: ProtocolState = {
      first: 10n,
      block: 17n,
      blockTime: 1_700_000_000n,
      genesis: null,
      validators: [{ ...validatorAt(17n), hotkey: HOT, coldkey: HOT, consensusKey: "0x02" }],
      subnets: [],
      snapshots: [],
      slashes: [],
    };
    await findUnloggedSlashes(
      client,
      state,
      new Map([[HOT, { hotkey: HOT, jailedUntil: null, tombstoned: false }]]),
    );
    expect(state.slashes).toEqual([
      {
        hotkey: HOT,
        blockNumber: 13n,
        kind: "downtime",
        amount: 10n * TEN,
        jailedUntil: 1_800_000_000n,
        tombstoned: false,
      },
    ]);
    // Already known to the database: nothing new.
    const again: ProtocolState = { ...state, slashes: [] };
    await findUnloggedSlashes(
      client,
      again,
      new Map([[HOT, { hotkey: HOT, jailedUntil: 1_800_000_000n, tombstoned: false }]]),
    );
    expect(again.slashes).toEqual([]);
  });
});
