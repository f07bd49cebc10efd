// The subnet protocol end to end against a devnet of 4 validators (real processes on loopback,
// BFT consensus; chain/test/bft/helpers.ts) with short protocol periods in its genesis (tempo 10
// blocks), driven with viem as a dApp or worker would: subnet registration and hyperparameters,
// neuron registration, staking and delegation, axons and models, commit-reveal weights, and the
// epochs that turn them into incentive, dividends and stake. Epoch results are checked to the wei
// against the pure protocol functions (epoch.ts runEpoch, staking.ts splitDividends) fed with the
// metagraph read back from the chain before the epoch; the epoch's block-end log is found by
// eth_getLogs; a reverted call is checked to leave protocol storage (eth_getProof storage roots),
// the metagraph and balances untouched; protocol state is part of the state root (eth_getProof);
// and all 4 nodes report the same metagraph and stakes.
//
// The steps share one chain and run in order; each `it` depends on the ones before it.
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  decodeEventLog,
  http,
  hexToBytes,
  keccak256,
  toHex,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weightsCommitHash } from "../../../contracts/commit-hash.js";
import {
  metagraphPrecompile,
  neuronsPrecompile,
  stakingPrecompile,
  subnetsPrecompile,
} from "../../../contracts/system-contracts.js";
import { deriveAccounts } from "../../src/crypto/dev-accounts.js";
import { blockEndTxHash } from "../../src/node/format.js";
import { runEpoch, type EpochNeuronInput } from "../../src/protocol/epoch.js";
import { fixedToU16, u16ToFixed } from "../../src/protocol/fixed.js";
import {
  DEV_PROTOCOL_PARAMS,
  HYPERPARAM_BOUNDS,
  PRECOMPILES,
  TEN,
  type ProtocolParams,
} from "../../src/protocol/params.js";
import { currentBurn } from "../../src/protocol/registration.js";
import { nextEpochBlock } from "../../src/protocol/schedule.js";
import { STAKING_SLOT, addressKey, mapSlot } from "../../src/protocol/state/slots.js";
import { splitDividends } from "../../src/protocol/staking.js";
import { normalizeWeightsU16 } from "../../src/protocol/weights.js";
import { verifyAccountProof } from "../../src/settlement/light-client.js";
import { minHeight, startTestNetwork, until, type TestNetwork } from "../bft/helpers.js";
import { RPC_OPTS, testChain } from "../helpers/devnode.js";
import { MNIST_TASK_SPEC as SPEC } from "../helpers/task-spec.js";

/** The test genesis: devnet parameters with periods of a few blocks. */
const PARAMS: ProtocolParams = {
  ...DEV_PROTOCOL_PARAMS,
  unbondingBlocks: 5,
  rootTempo: 10,
  subnetDefaults: { ...DEV_PROTOCOL_PARAMS.subnetDefaults, tempo: 10 },
};
const STAKING = PRECOMPILES.staking as Address;

interface StakeJson {
  hotkey: Address;
  owner: Address | null;
  take: number;
  totalStake: string;
  positions: { coldkey: Address; stake: string }[];
}

interface MetagraphJson {
  netuid: number;
  blockNumber: Hex;
  lastEpochBlock: Hex;
  n: number;
  hotkeys: Address[];
  coldkeys: Address[];
  stakes: string[];
  ranks: number[];
  trust: number[];
  consensus: number[];
  incentive: number[];
  dividends: number[];
  emission: string[];
  lastUpdate: Hex[];
  registeredAt: Hex[];
  active: boolean[];
  validatorPermit: boolean[];
  axons: string[];
  modelHashes: Hex[];
  modelURIs: string[];
  parentModelHashes: Hex[];
}

let net: TestNetwork;
let rpcUrl: string;
let client: PublicClient;
let chain: Chain;
let owner: Account; // subnet owner
let valCold: Account;
let valHot: Account;
let minerCold: Account;
let miner1: Account; // hotkeys of two miners of minerCold
let miner2: Account;
let delegator: Account;
let outsider: Account;
let netuid: number;

const uid = { val: 0, miner1: 1, miner2: 2 } as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hex = (n: number | bigint) => toHex(n);

async function rpc<T>(method: string, params: unknown[]): Promise<T> {
  return (await client.request({ method: method as never, params: params as never })) as T;
}

async function waitForBlock(n: number | bigint): Promise<void> {
  while ((await client.getBlockNumber({ cacheTime: 0 })) < BigInt(n)) await sleep(100);
}

/** Sends a contract call from `from` and waits for its receipt (success unless `gas` forces a mined revert). */
async function send(
  from: Account,
  contract: { address: Address; abi: Abi },
  functionName: string,
  args: readonly unknown[],
  opts: { value?: bigint; gas?: bigint } = {},
): Promise<TransactionReceipt> {
  const wallet = createWalletClient({ chain, account: from, transport: http(rpcUrl, RPC_OPTS) });
  const hash = await wallet.writeContract({
    address: contract.address,
    abi: contract.abi,
    functionName,
    args,
    value: opts.value,
    gas: opts.gas,
    account: from,
    chain,
  } as never);
  // Generous: 4 validator processes on a shared, loaded machine can be slow to commit.
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 200_000 });
  if (opts.gas === undefined) expect(receipt.status).toBe("success");
  return receipt;
}

function read<T>(
  contract: { address: Address; abi: Abi },
  functionName: string,
  args: readonly unknown[] = [],
  blockNumber?: bigint,
): Promise<T> {
  return client.readContract({ ...contract, functionName, args, blockNumber } as never) as Promise<T>;
}

/**
 * Simulates the call from `from` (on the latest state, or on the state of `blockNumber` where the
 * outcome depends on the block number), expects a revert with custom error `errorName` and
 * returns the error's args.
 */
async function expectRevert(
  from: Account,
  contract: { address: Address; abi: Abi },
  functionName: string,
  args: readonly unknown[],
  errorName: string,
  opts: { value?: bigint; blockNumber?: bigint } = {},
): Promise<readonly unknown[]> {
  let err: unknown;
  try {
    await client.simulateContract({ ...contract, functionName, args, account: from, ...opts } as never);
  } catch (e) {
    err = e;
  }
  expect(err, `${functionName} should revert with ${errorName}`).toBeInstanceOf(BaseError);
  const reverted = (err as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
  expect(reverted).toBeInstanceOf(ContractFunctionRevertedError);
  const data = (reverted as ContractFunctionRevertedError).data;
  expect(data?.errorName).toBe(errorName);
  return data?.args ?? [];
}

interface DecodedEvent {
  eventName: string;
  args: Record<string, unknown>;
}

function events(receipt: TransactionReceipt, contract: { address: Address; abi: Abi }): DecodedEvent[] {
  return receipt.logs
    .filter((l) => l.address.toLowerCase() === contract.address.toLowerCase())
    .map(
      (l) => decodeEventLog({ abi: contract.abi, data: l.data, topics: l.topics }) as unknown as DecodedEvent,
    );
}

const fee = (r: TransactionReceipt) => r.gasUsed * r.effectiveGasPrice;

async function balanceAt(a: Account | Address, block: bigint): Promise<bigint> {
  return client.getBalance({ address: typeof a === "string" ? a : a.address, blockNumber: block });
}

function stakeOf(hotkey: Address, block?: bigint, coldkey?: Address): Promise<StakeJson> {
  return rpc<StakeJson>("tensorchain_getStake", [
    hotkey,
    coldkey ?? null,
    block === undefined ? "latest" : hex(block),
  ]);
}

function positionsMap(s: StakeJson): Map<string, bigint> {
  return new Map(s.positions.map((p) => [p.coldkey.toLowerCase(), BigInt(p.stake)]));
}

/** Waits until every node has block `n` and returns its hash and state root on each. */
async function onEveryNode(n: bigint): Promise<{ hash: string; stateRoot: string }[]> {
  await until(
    async () => (await Promise.all(net.nodes.map((x) => x.height()))).every((h) => h >= Number(n)),
    `all nodes at block ${n}`,
  );
  return Promise.all(
    net.nodes.map(async (x) => {
      const b = await x.rpc<{ hash: string; stateRoot: string }>("eth_getBlockByNumber", [hex(n), false]);
      return { hash: b.hash, stateRoot: b.stateRoot };
    }),
  );
}

/** Storage root of a precompile account at `block` (eth_getProof), i.e. all of its protocol storage. */
async function storageRoot(address: Address, block: bigint): Promise<Hex> {
  return (await rpc<{ storageHash: Hex }>("eth_getProof", [address, [], hex(block)])).storageHash;
}

/**
 * The staking slots that addStake/removeStake of the delegator on valHot write (eth_getProof
 * values, each proof checked against the block's state root).
 */
async function stakingSlots(block: bigint): Promise<bigint[]> {
  const h = addressKey(valHot.address);
  const c = addressKey(delegator.address);
  const slots = [
    mapSlot(STAKING_SLOT.hotkey, h),
    mapSlot(STAKING_SLOT.totalStake, h),
    mapSlot(mapSlot(STAKING_SLOT.stake, h), c),
    mapSlot(STAKING_SLOT.delegators, h),
    mapSlot(STAKING_SLOT.coldkeyHotkeys, c),
    mapSlot(STAKING_SLOT.unbonding, c),
  ].map((x) => toHex(x, { size: 32 }));
  const proof = await rpc<unknown>("eth_getProof", [STAKING, slots, hex(block)]);
  const { stateRoot } = await client.getBlock({ blockNumber: block });
  const account = verifyAccountProof(stateRoot, proof);
  return slots.map((x) => account.storage.get(x) ?? 0n);
}

beforeAll(async () => {
  net = await startTestNetwork(4, 300, { protocol: PARAMS });
  rpcUrl = net.nodes[0]!.rpcUrl;
  await until(async () => (await minHeight(net.nodes)) >= 2, "4 validators to commit 2 blocks");
  chain = testChain(net.plan.chainId, rpcUrl, "tensorchain-testnet");
  client = createPublicClient({ chain, transport: http(rpcUrl, RPC_OPTS), pollingInterval: 50 });
  const acc = deriveAccounts(10).map((a) => privateKeyToAccount(a.privateKey));
  [owner, valCold, valHot, minerCold, miner1, miner2, delegator, outsider] = acc as [
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
    Account,
  ];
}, 240_000);

afterAll(async () => {
  await net?.close();
});

describe("subnet protocol on a devnet of 4 validator processes", { timeout: 300_000 }, () => {
  it("registers a subnet, paying the lock cost, and decodes NetworkRegistered", async () => {
    const cost = await read<bigint>(subnetsPrecompile, "getLockCost");
    expect(cost).toBe(PARAMS.networkLockStart);
    const r = await send(owner, subnetsPrecompile, "registerNetwork", ["mnist", "ipfs://mnist-spec", SPEC], {
      value: cost + 3n * TEN,
    });
    const paid = (await balanceAt(owner, r.blockNumber - 1n)) - (await balanceAt(owner, r.blockNumber));
    expect(paid).toBe(cost + fee(r)); // the excess came back
    const ev = events(r, subnetsPrecompile);
    const registered = ev.find((e) => e.eventName === "NetworkRegistered");
    expect(registered?.args).toMatchObject({ owner: owner.address, name: "mnist", lockedAmount: cost });
    netuid = Number((registered!.args as { netuid: number }).netuid);
    expect(netuid).toBe(1);
    expect(ev.map((e) => e.eventName)).toContain("TaskSpecSet");

    const hp = await read<Record<string, unknown>>(subnetsPrecompile, "getHyperparameters", [netuid]);
    expect(hp).toMatchObject({
      tempo: PARAMS.subnetDefaults.tempo,
      maxValidators: PARAMS.subnetDefaults.maxValidators,
      kappa: PARAMS.subnetDefaults.kappa,
      commitRevealEnabled: true,
      burnStart: PARAMS.subnetDefaults.burnStart,
      weightsVersionKey: 0n,
    });
    const [uri, spec] = await read<[string, Record<string, unknown>]>(subnetsPrecompile, "getTaskSpec", [
      netuid,
    ]);
    expect(uri).toBe("ipfs://mnist-spec");
    expect(spec).toMatchObject(SPEC);
    const subnets = await rpc<{ netuid: number; owner: Address; name: string; lockedAmount: string }[]>(
      "tensorchain_getSubnets",
      [],
    );
    expect(subnets.map((s) => s.netuid)).toEqual([0, netuid]);
    expect(subnets[1]).toMatchObject({ owner: owner.address, name: "mnist", lockedAmount: cost.toString() });
  });

  it("lets only the owner change hyperparameters, within bounds", async () => {
    const hp = await read<Record<string, unknown>>(subnetsPrecompile, "getHyperparameters", [netuid]);
    await expectRevert(outsider, subnetsPrecompile, "setHyperparameters", [netuid, hp], "NotSubnetOwner");
    const [, max] = HYPERPARAM_BOUNDS.tempo!;
    const args = await expectRevert(
      owner,
      subnetsPrecompile,
      "setHyperparameters",
      [netuid, { ...hp, tempo: max + 1 }],
      "HyperparameterOutOfBounds",
    );
    expect(args).toEqual(["tempo", BigInt(HYPERPARAM_BOUNDS.tempo![0]), BigInt(max)]);
    // A valid change by the owner lands and is read back (tempo untouched: the test relies on it).
    const r = await send(owner, subnetsPrecompile, "setHyperparameters", [
      netuid,
      { ...hp, immunityPeriod: 200 },
    ]);
    expect(events(r, subnetsPrecompile)[0]?.eventName).toBe("HyperparametersSet");
    const after = await read<Record<string, unknown>>(subnetsPrecompile, "getHyperparameters", [netuid]);
    expect(after).toEqual({ ...hp, immunityPeriod: 200 });
  });

  it("stakes, delegates and sets the take", async () => {
    let r = await send(valCold, stakingPrecompile, "addStake", [valHot.address], { value: 100n * TEN });
    expect(events(r, stakingPrecompile).map((e) => e.eventName)).toEqual(["HotkeyBound", "StakeAdded"]);
    r = await send(delegator, stakingPrecompile, "addStake", [valHot.address], { value: 50n * TEN });
    const added = events(r, stakingPrecompile);
    expect(added.map((e) => e.eventName)).toEqual(["StakeAdded"]);
    expect(added[0]?.args).toMatchObject({
      coldkey: delegator.address,
      hotkey: valHot.address,
      newStake: 50n * TEN,
    });
    expect(await read<Address>(stakingPrecompile, "getHotkeyOwner", [valHot.address])).toBe(valCold.address);

    // A third party cannot set the take; the owner may lower it at once.
    await expectRevert(delegator, stakingPrecompile, "setTake", [valHot.address, 9000], "NotHotkeyOwner");
    await expectRevert(
      valCold,
      stakingPrecompile,
      "setTake",
      [valHot.address, PARAMS.maxTake + 1],
      "TakeTooHigh",
    );
    r = await send(valCold, stakingPrecompile, "setTake", [valHot.address, 9000]);
    expect(events(r, stakingPrecompile)[0]?.args).toEqual({ hotkey: valHot.address, take: 9000 });

    const s = await stakeOf(valHot.address);
    expect(s).toMatchObject({ owner: valCold.address, take: 9000, totalStake: (150n * TEN).toString() });
    expect(positionsMap(s)).toEqual(
      new Map([
        [valCold.address.toLowerCase(), 100n * TEN],
        [delegator.address.toLowerCase(), 50n * TEN],
      ]),
    );
    expect(await read<bigint>(stakingPrecompile, "getTotalStake", [valHot.address])).toBe(150n * TEN);
  });

  it("mined, reverted transactions change nothing but the sender's fee", async () => {
    // The hotkey is on no subnet yet, so no epoch can touch its stake between the two reads.
    // (1) A revert with a custom error before any write; (2) addStake out of gas after its
    // writes: the EVM journal must undo them and return the value.
    const reverted = [
      await send(delegator, stakingPrecompile, "removeStake", [valHot.address, 1000n * TEN], {
        gas: 300_000n,
      }),
      await send(delegator, stakingPrecompile, "addStake", [valHot.address], {
        value: 5n * TEN,
        gas: 30_000n,
      }),
    ];
    const others = [owner, valCold, valHot, minerCold, miner1, miner2, outsider];
    for (const r of reverted) {
      expect(r.status).toBe("reverted");
      expect(r.logs).toEqual([]);
      const before = r.blockNumber - 1n;
      const block = await client.getBlock({ blockNumber: r.blockNumber });
      expect(block.transactions).toEqual([r.transactionHash]); // nothing else touched this block
      expect((await balanceAt(delegator, before)) - (await balanceAt(delegator, r.blockNumber))).toBe(fee(r));
      for (const a of others) expect(await balanceAt(a, r.blockNumber)).toBe(await balanceAt(a, before));
      expect(await stakeOf(valHot.address, r.blockNumber)).toEqual(await stakeOf(valHot.address, before));
      expect(await balanceAt(STAKING, r.blockNumber)).toBe(await balanceAt(STAKING, before));
      // Neuron storage is as it was, and so is every staking slot these calls write (the rest of
      // the staking account holds per-block validator signing records, and the subnets account
      // the per-block emission accrual: those are compared through the metagraph instead).
      for (const a of [PRECOMPILES.neurons, PRECOMPILES.metagraph] as Address[])
        expect(await storageRoot(a, r.blockNumber)).toBe(await storageRoot(a, before));
      expect(await stakingSlots(r.blockNumber)).toEqual(await stakingSlots(before));
      const mg = (b: bigint) =>
        rpc<MetagraphJson>("tensorchain_getMetagraph", [netuid, hex(b)]).then(
          ({ blockNumber: _, ...m }) => m,
        );
      expect(await mg(r.blockNumber)).toEqual(await mg(before));
    }
    const args = await expectRevert(
      delegator,
      stakingPrecompile,
      "removeStake",
      [valHot.address, 1000n * TEN],
      "InsufficientStake",
    );
    expect(args).toEqual([50n * TEN, 1000n * TEN]);
  });

  it("registers a validator and two miners with burnedRegister; the burn rises ×1.26", async () => {
    const hp = PARAMS.subnetDefaults;
    const burn0 = await read<bigint>(neuronsPrecompile, "getBurn", [netuid]);
    expect(burn0).toBeLessThanOrEqual(hp.burnStart);
    expect(burn0).toBeGreaterThan(hp.burnStart / 2n); // decays with a 360-block half-life
    await expectRevert(valCold, neuronsPrecompile, "burnedRegister", [netuid, valHot.address], "BurnTooLow", {
      value: 1n,
    });

    const registered: { block: number; burned: bigint }[] = [];
    const regs: [Account, Account][] = [
      [valCold, valHot],
      [minerCold, miner1],
      [minerCold, miner2],
    ];
    for (const [cold, hot] of regs) {
      const r = await send(cold, neuronsPrecompile, "burnedRegister", [netuid, hot.address], {
        value: 2n * TEN,
      });
      const ev = events(r, neuronsPrecompile)[0]!;
      expect(ev.eventName).toBe("NeuronRegistered");
      const a = ev.args as { uid: number; hotkey: Address; coldkey: Address; burned: bigint };
      expect(a).toMatchObject({ uid: registered.length, hotkey: hot.address, coldkey: cold.address });
      // Exactly the burn was taken; the excess came back.
      const spent = (await balanceAt(cold, r.blockNumber - 1n)) - (await balanceAt(cold, r.blockNumber));
      expect(spent).toBe(a.burned + fee(r));
      if (registered.length > 0) {
        // ×1.26 after the previous registration, then the half-life decay until this block.
        const prev = registered[registered.length - 1]!;
        const risen = (prev.burned * BigInt(hp.burnIncreasePermille)) / 1000n;
        expect(a.burned).toBe(currentBurn({ burn: risen, block: prev.block }, hp, Number(r.blockNumber)));
        expect(a.burned).toBeGreaterThan(prev.burned);
      }
      registered.push({ block: Number(r.blockNumber), burned: a.burned });
    }
    await expectRevert(
      minerCold,
      neuronsPrecompile,
      "burnedRegister",
      [netuid, miner1.address],
      "AlreadyRegistered",
      { value: 2n * TEN },
    );
    expect(await read<number>(metagraphPrecompile, "getNeuronCount", [netuid])).toBe(3);
    expect(await read<number>(metagraphPrecompile, "getUid", [netuid, miner2.address])).toBe(uid.miner2);
  });

  it("miners publish models and serve axons", async () => {
    const models = [
      {
        hot: miner1,
        hash: keccak256(toHex("model-1")),
        uri: "ipfs://model-1",
        axon: "http://127.0.0.1:9101",
      },
      {
        hot: miner2,
        hash: keccak256(toHex("model-2")),
        uri: "ipfs://model-2",
        axon: "http://127.0.0.1:9102",
      },
    ];
    for (const m of models) {
      let r = await send(m.hot, neuronsPrecompile, "publishModel", [
        netuid,
        m.hash,
        m.uri,
        `0x${"00".repeat(32)}`,
      ]);
      expect(events(r, neuronsPrecompile)[0]).toMatchObject({
        eventName: "ModelPublished",
        args: { netuid, hotkey: m.hot.address, modelHash: m.hash, uri: m.uri },
      });
      r = await send(m.hot, neuronsPrecompile, "serveAxon", [netuid, m.axon]);
      expect(events(r, neuronsPrecompile)[0]?.eventName).toBe("AxonServed");
    }
    await expectRevert(miner1, neuronsPrecompile, "serveAxon", [netuid, "not a url"], "InvalidEndpoint");
    await expectRevert(outsider, neuronsPrecompile, "serveAxon", [netuid, "http://x.test"], "NotRegistered");
    const mg = await rpc<MetagraphJson>("tensorchain_getMetagraph", [netuid]);
    expect(mg.axons).toEqual(["", models[0]!.axon, models[1]!.axon]);
    expect(mg.modelHashes.slice(1)).toEqual(models.map((m) => m.hash));
    expect(mg.modelURIs.slice(1)).toEqual(models.map((m) => m.uri));
  });

  let revealBlock: bigint;
  const weights = { uids: [uid.miner1, uid.miner2], values: [60000, 20000] };

  it("after an epoch hands out permits, commits weights and reveals them in the next tempo", async () => {
    const tempo = PARAMS.subnetDefaults.tempo;
    const commitArgs = (h: Hex) => [netuid, h, keccak256(toHex("receipts"))];
    const latest = await client.getBlockNumber({ cacheTime: 0 });
    await waitForBlock(nextEpochBlock(netuid, tempo, Number(latest)));
    const mg = await rpc<MetagraphJson>("tensorchain_getMetagraph", [netuid]);
    // Permits go to staked UIDs only: the miners have no stake.
    expect(mg.validatorPermit).toEqual([true, false, false]);
    // Without a permit, weights are refused.
    await expectRevert(
      miner1,
      neuronsPrecompile,
      "commitWeights",
      commitArgs(keccak256("0x01")),
      "NoValidatorPermit",
    );

    const salt = keccak256(toHex("salt"));
    const hash = weightsCommitHash({ hotkey: valHot.address, netuid, ...weights, salt, versionKey: 0n });
    const c = await send(valHot, neuronsPrecompile, "commitWeights", commitArgs(hash));
    expect(events(c, neuronsPrecompile)[0]).toMatchObject({
      eventName: "WeightsCommitted",
      args: { commitHash: hash },
    });
    const commit = await read<{ commitHash: Hex; revealFromBlock: bigint; revealUntilBlock: bigint }>(
      neuronsPrecompile,
      "getCommit",
      [netuid, valHot.address],
    );
    expect(commit.commitHash).toBe(hash);
    expect(commit.revealFromBlock).toBe(BigInt(nextEpochBlock(netuid, tempo, Number(c.blockNumber)) + 1));
    const revealArgs = (s: Hex) => [netuid, weights.uids, weights.values, s, 0n];
    // Pinned to the commit's block: on a slow machine "latest" may already be in the next tempo.
    expect(
      await expectRevert(valHot, neuronsPrecompile, "revealWeights", revealArgs(salt), "RevealTooEarly", {
        blockNumber: c.blockNumber,
      }),
    ).toEqual([commit.revealFromBlock]);

    await waitForBlock(commit.revealFromBlock);
    const mismatch = await expectRevert(
      valHot,
      neuronsPrecompile,
      "revealWeights",
      revealArgs(keccak256(toHex("wrong salt"))),
      "RevealHashMismatch",
    );
    expect(mismatch[0]).toBe(hash);
    const r = await send(valHot, neuronsPrecompile, "revealWeights", revealArgs(salt));
    expect(r.blockNumber).toBeLessThanOrEqual(commit.revealUntilBlock);
    expect(events(r, neuronsPrecompile)[0]).toMatchObject({
      eventName: "WeightsRevealed",
      args: { uids: weights.uids, values: weights.values, commitHash: hash },
    });
    revealBlock = r.blockNumber;
    const [wu, wv] = await read<[number[], number[]]>(metagraphPrecompile, "getWeights", [netuid, uid.val]);
    // Stored as the chain normalizes them (max scaled to 65535).
    expect({ uids: wu, values: wv }).toEqual({
      uids: weights.uids,
      values: normalizeWeightsU16(weights.values),
    });
    expect(wv).toEqual([65535, 21845]);
    await expectRevert(valHot, neuronsPrecompile, "getCommit", [netuid, valHot.address], "CommitNotFound");
  });

  it("the next epoch pays exactly what runEpoch and splitDividends predict, conserving emission", async () => {
    const hp = PARAMS.subnetDefaults;
    // Nothing is sent until this epoch has run, so block `epoch` holds no transaction and its
    // block-end step sees exactly the state of block `epoch − 1`.
    const epoch = BigInt(nextEpochBlock(netuid, hp.tempo, Number(revealBlock) + 1));
    const pre = epoch - 1n;
    await waitForBlock(epoch);
    expect((await client.getBlock({ blockNumber: epoch })).transactions).toEqual([]);

    // The metagraph as of the block before the epoch (tensorchain_getMetagraph), plus the
    // weight and bond rows (IMetagraph), are the epoch's whole input.
    const mgPre = await rpc<MetagraphJson>("tensorchain_getMetagraph", [netuid, hex(pre)]);
    const subnet = await read<{ emissionPerBlock: bigint }>(subnetsPrecompile, "getSubnet", [netuid], pre);
    const E = (epoch - BigInt(mgPre.lastEpochBlock)) * subnet.emissionPerBlock;
    expect(subnet.emissionPerBlock).toBe(PARAMS.blockEmission); // the only subnet: the whole block emission
    const hotkeys = [valHot.address, miner1.address, miner2.address];
    expect(mgPre.hotkeys).toEqual(hotkeys);

    const stakesPre = await Promise.all(hotkeys.map((h) => stakeOf(h, pre)));
    expect(mgPre.stakes).toEqual(stakesPre.map((x) => x.totalStake));
    const inputs: EpochNeuronInput[] = [];
    for (let u = 0; u < mgPre.n; u++) {
      const [wu, wv] = await read<[number[], number[]]>(metagraphPrecompile, "getWeights", [netuid, u], pre);
      const [bu, bv] = await read<[number[], number[]]>(metagraphPrecompile, "getBonds", [netuid, u], pre);
      inputs.push({
        stake: BigInt(mgPre.stakes[u]!),
        registeredAt: Number(mgPre.registeredAt[u]!),
        lastUpdate: Number(mgPre.lastUpdate[u]!),
        validatorPermit: mgPre.validatorPermit[u]!,
        weights: { uids: wu, values: wv },
        bonds: { uids: bu, values: bv.map(u16ToFixed) },
      });
    }
    expect(inputs[uid.val]!.lastUpdate).toBe(Number(revealBlock));
    const predicted = runEpoch({
      currentBlock: Number(epoch),
      lastEpochBlock: Number(BigInt(mgPre.lastEpochBlock)),
      emission: E,
      params: {
        kappa: hp.kappa,
        bondsMovingAverage: hp.bondsMovingAverage,
        maxValidators: hp.maxValidators,
        activityCutoff: hp.activityCutoff,
        stakeThreshold: PARAMS.stakeThreshold,
        ownerCutPercent: PARAMS.ownerCutPercent,
      },
      neurons: inputs,
    });
    expect(predicted.unminted).toBe(0n);
    const em = predicted.neurons.map((n) => n.emission);

    // Both views of the metagraph after the epoch, identical.
    const rpcMg = await rpc<MetagraphJson>("tensorchain_getMetagraph", [netuid, hex(epoch)]);
    const evmMg = await read<Record<string, unknown>>(metagraphPrecompile, "getMetagraph", [netuid], epoch);
    expect(BigInt(rpcMg.lastEpochBlock)).toBe(epoch);
    expect(evmMg).toMatchObject({
      netuid,
      n: rpcMg.n,
      lastEpochBlock: epoch,
      hotkeys: rpcMg.hotkeys,
      coldkeys: rpcMg.coldkeys,
      stakes: rpcMg.stakes.map(BigInt),
      ranks: rpcMg.ranks,
      trust: rpcMg.trust,
      consensus: rpcMg.consensus,
      incentive: rpcMg.incentive,
      dividends: rpcMg.dividends,
      emission: rpcMg.emission.map(BigInt),
      lastUpdate: rpcMg.lastUpdate.map(BigInt),
      registeredAt: rpcMg.registeredAt.map(BigInt),
      active: rpcMg.active,
      validatorPermit: rpcMg.validatorPermit,
      axons: rpcMg.axons,
      modelHashes: rpcMg.modelHashes,
      modelURIs: rpcMg.modelURIs,
    });

    // Incentive follows the weights: miner 1 (60000) over miner 2 (20000); the validator earns dividends.
    expect(rpcMg.incentive[uid.miner1]!).toBeGreaterThan(rpcMg.incentive[uid.miner2]!);
    expect(rpcMg.incentive[uid.miner2]!).toBeGreaterThan(0);
    expect(rpcMg.ranks).toEqual([3, 1, 2]);
    expect(rpcMg.dividends[uid.val]!).toBe(65535);
    expect(rpcMg.emission.map(BigInt)).toEqual(em);
    expect(em[uid.miner1]!).toBeGreaterThan(em[uid.miner2]!);
    // Every stored score is the predicted fixed-point value as a u16 fraction.
    const u16 = (f: (n: (typeof predicted.neurons)[number]) => number) =>
      predicted.neurons.map((n) => fixedToU16(f(n)));
    expect(rpcMg.incentive).toEqual(u16((n) => n.incentive));
    expect(rpcMg.dividends).toEqual(u16((n) => n.dividends));
    expect(rpcMg.consensus).toEqual(u16((n) => n.consensus));
    expect(rpcMg.trust).toEqual(u16((n) => n.validatorTrust));
    expect(rpcMg.validatorPermit).toEqual(predicted.neurons.map((n) => n.validatorPermit));
    expect(rpcMg.active).toEqual(predicted.neurons.map((n) => n.active));

    // Conservation to the wei: per-UID emission + owner cut = E, and that is exactly what
    // block-end minted (staking account for the UIDs, the owner's balance for the cut).
    const sumUids = em.reduce((a, b) => a + b, 0n);
    const ownerCut = (E * BigInt(PARAMS.ownerCutPercent)) / 100n;
    expect(predicted.ownerEmission).toBe(ownerCut);
    expect(sumUids + ownerCut).toBe(E);
    expect((await balanceAt(owner, epoch)) - (await balanceAt(owner, pre))).toBe(ownerCut);
    expect((await balanceAt(STAKING, epoch)) - (await balanceAt(STAKING, pre))).toBe(sumUids);

    // Stakes moved exactly as predicted: miners' emission staked for their coldkey, the
    // validator's split by take and pro rata between its owner and the delegator.
    const split = splitDividends(
      em[uid.val]!,
      stakesPre[uid.val]!.take,
      valCold.address.toLowerCase(),
      stakesPre[uid.val]!.positions.map((p) => ({
        coldkey: p.coldkey.toLowerCase(),
        stake: BigInt(p.stake),
      })),
    );
    expect(split.get(delegator.address.toLowerCase())).toBeGreaterThan(0n);
    const stakesPost = await Promise.all(hotkeys.map((h) => stakeOf(h, epoch)));
    const delta = (u: number) => {
      const before = positionsMap(stakesPre[u]!);
      const after = positionsMap(stakesPost[u]!);
      return new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0n)]));
    };
    expect(delta(uid.val)).toEqual(split);
    expect(delta(uid.miner1)).toEqual(new Map([[minerCold.address.toLowerCase(), em[uid.miner1]!]]));
    expect(delta(uid.miner2)).toEqual(new Map([[minerCold.address.toLowerCase(), em[uid.miner2]!]]));
    expect(rpcMg.stakes.map(BigInt)).toEqual(stakesPre.map((x, u) => BigInt(x.totalStake) + em[u]!));

    // The epoch's block-end event is a log of the epoch block: eth_getLogs finds it by block
    // hash and by range + topic, under the block's block-end pseudo-transaction.
    const epochBlock = await client.getBlock({ blockNumber: epoch });
    const byHash = await client.getLogs({
      blockHash: epochBlock.hash,
      address: PRECOMPILES.metagraph as Address,
    });
    const byRange = await client.getContractEvents({
      ...metagraphPrecompile,
      eventName: "EpochCompleted",
      args: { netuid },
      fromBlock: pre,
      toBlock: epoch,
    } as never);
    for (const logs of [byHash, byRange]) {
      expect(logs).toHaveLength(1);
      const log = logs[0]!;
      expect(log.blockNumber).toBe(epoch);
      expect(log.transactionIndex).toBe(0); // after the block's (zero) transactions
      expect(log.transactionHash).toBe(toHex(blockEndTxHash(hexToBytes(epochBlock.hash))));
      expect(
        decodeEventLog({ abi: metagraphPrecompile.abi as Abi, data: log.data, topics: log.topics }),
      ).toEqual({
        eventName: "EpochCompleted",
        args: { netuid, blockNumber: epoch, emission: sumUids + ownerCut },
      });
    }

    // All 4 validators hold the same block, state root, metagraph and stakes.
    const heads = await onEveryNode(epoch);
    expect(new Set(heads.map((h) => h.hash)).size).toBe(1);
    expect(new Set(heads.map((h) => h.stateRoot)).size).toBe(1);
    for (const x of net.nodes) {
      expect(await x.rpc<MetagraphJson>("tensorchain_getMetagraph", [netuid, hex(epoch)])).toEqual(rpcMg);
      expect(await x.rpc<StakeJson>("tensorchain_getStake", [valHot.address, null, hex(epoch)])).toEqual(
        stakesPost[uid.val],
      );
    }
  });

  it("removeStake unbonds; claimUnbonded pays out only after unbondingBlocks", async () => {
    const amount = 20n * TEN;
    const r = await send(delegator, stakingPrecompile, "removeStake", [valHot.address, amount]);
    const ev = events(r, stakingPrecompile)[0]!;
    expect(ev.eventName).toBe("StakeRemoved");
    const { releaseBlock } = ev.args as { releaseBlock: bigint; amount: bigint };
    expect(releaseBlock).toBe(r.blockNumber + BigInt(PARAMS.unbondingBlocks));
    expect(ev.args).toMatchObject({ coldkey: delegator.address, hotkey: valHot.address, amount });
    const unbonding = await read<{ amount: bigint; releaseBlock: bigint }[]>(
      stakingPrecompile,
      "getUnbonding",
      [delegator.address],
    );
    expect(unbonding).toEqual([{ hotkey: valHot.address, amount, releaseBlock }]);
    expect(
      await expectRevert(delegator, stakingPrecompile, "claimUnbonded", [], "UnbondingNotFinished", {
        blockNumber: r.blockNumber,
      }),
    ).toEqual([releaseBlock]);
    await expectRevert(outsider, stakingPrecompile, "claimUnbonded", [], "NothingToClaim");

    await waitForBlock(releaseBlock);
    const c = await send(delegator, stakingPrecompile, "claimUnbonded", []);
    expect(events(c, stakingPrecompile)[0]).toMatchObject({
      eventName: "UnbondedClaimed",
      args: { coldkey: delegator.address, amount },
    });
    const gained =
      (await balanceAt(delegator, c.blockNumber)) - (await balanceAt(delegator, c.blockNumber - 1n));
    expect(gained).toBe(amount - fee(c));
    expect(await read<unknown[]>(stakingPrecompile, "getUnbonding", [delegator.address])).toEqual([]);
  });

  it("protocol state is in the state root: eth_getProof of the staking precompile verifies", async () => {
    const block = await client.getBlock({ blockTag: "latest" });
    const slot = toHex(mapSlot(STAKING_SLOT.totalStake, addressKey(valHot.address)), { size: 32 });
    const proof = await rpc<unknown>("eth_getProof", [STAKING, [slot], hex(block.number)]);
    const account = verifyAccountProof(block.stateRoot, proof);
    expect(account.balance).toBe(await balanceAt(STAKING, block.number));
    const total = BigInt((await stakeOf(valHot.address, block.number)).totalStake);
    expect(total).toBeGreaterThan(0n);
    expect(account.storage.get(slot)).toBe(total);
    // A proof of the same account against another block's root does not verify.
    const parent = await client.getBlock({ blockNumber: block.number - 1n });
    if (parent.stateRoot !== block.stateRoot)
      expect(() => verifyAccountProof(parent.stateRoot, proof)).toThrow();
  });
});
