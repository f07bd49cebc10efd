// Protocol state beyond the happy path: pruning a full subnet, axon/model publication, gas
// and static-call rules of the precompiles, emission conservation from a subnet's first block,
// storage packing, and the tensorchain_* RPC methods over a read-only store.
import { encodeFunctionData, keccak256, toHex, type Abi, type Address, type Hex } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { iMetagraphAbi } from "../../../../contracts/abi/IMetagraph.js";
import { iNeuronsAbi } from "../../../../contracts/abi/INeurons.js";
import { iStakingAbi } from "../../../../contracts/abi/IStaking.js";
import { iSubnetsAbi } from "../../../../contracts/abi/ISubnets.js";
import { ProtocolTestChain } from "../../execution/precompiles/test-chain.js";
import { DEV_PROTOCOL_PARAMS, PRECOMPILES, TEN, type ProtocolParams } from "../params.js";
import { applyPunishment } from "./block-end.js";
import { readOnlyProtocolStore } from "./hook.js";
import { createProtocolRpcMethods } from "./rpc.js";
import { ProtocolStore, type StoragePort } from "./store.js";
import { dataSlot, field, mapSlot, pack } from "./slots.js";

const STAKING = PRECOMPILES.staking as Address;
const METAGRAPH = PRECOMPILES.metagraph as Address;
const SUBNETS = PRECOMPILES.subnets as Address;
const NEURONS = PRECOMPILES.neurons as Address;
const neuronsAbi = iNeuronsAbi as Abi;
const subnetsAbi = iSubnetsAbi as Abi;
const stakingAbi = iStakingAbi as Abi;
const metagraphAbi = iMetagraphAbi as Abi;

const PARAMS: ProtocolParams = {
  ...DEV_PROTOCOL_PARAMS,
  subnetDefaults: { ...DEV_PROTOCOL_PARAMS.subnetDefaults, tempo: 10, maxUids: 2, immunityPeriod: 3 },
};
const SPEC = {
  taskType: 1,
  metric: "rmse",
  inputSignature: "float32[1,8]",
  outputSignature: "float32[1,1]",
  datasetHash: `0x${"cd".repeat(32)}` as Hex,
  datasetURI: "https://data.example/ds",
};

class MemoryPort implements StoragePort {
  readonly slots = new Map<string, bigint>();
  readonly balances = new Map<string, bigint>();
  async getStorage(a: Address, s: bigint) {
    return this.slots.get(`${a}:${s}`) ?? 0n;
  }
  async putStorage(a: Address, s: bigint, v: bigint) {
    this.slots.set(`${a}:${s}`, v);
  }
  async getBalance(a: Address) {
    return this.balances.get(a.toLowerCase()) ?? 0n;
  }
  async addBalance(a: Address, d: bigint) {
    this.balances.set(a.toLowerCase(), (await this.getBalance(a)) + d);
  }
}

describe("slot helpers", () => {
  it("derive mapping slots like Solidity and pack fields low bits first", () => {
    // keccak256(abi.encode(uint256(1), uint256(0))) — Solidity's slot of m[1] for a mapping at slot 0.
    expect(mapSlot(0n, 1n)).toBe(BigInt(keccak256(`0x${"0".repeat(63)}1${"0".repeat(64)}`)));
    expect(dataSlot(3n)).toBe(BigInt(keccak256(`0x${"0".repeat(63)}3`)));
    const w = pack([
      [0xabcn, 16],
      [true, 1],
      [5, 64],
    ]);
    expect(field(w, 0, 16)).toBe(0xabcn);
    expect(field(w, 16, 1)).toBe(1n);
    expect(field(w, 17, 64)).toBe(5n);
    expect(() => pack([[70000, 16]])).toThrow(RangeError);
  });

  it("stores a weight row as u16 pairs, 8 per slot", async () => {
    const port = new MemoryPort();
    const store = new ProtocolStore(port, PARAMS, 1);
    const uids = Array.from({ length: 17 }, (_, i) => i);
    const values = uids.map((u) => 1000 + u);
    await store.putBonds(1, 0, uids, values);
    expect(await store.getBonds(1, 0)).toEqual({ uids, values });
    // 1 length slot + ⌈17/8⌉ = 3 data slots.
    expect(port.slots.size).toBe(4);
    await store.putBonds(1, 0, [2], [9]);
    expect(await store.getBonds(1, 0)).toEqual({ uids: [2], values: [9] });
  });
});

describe("protocol state in a real EVM", () => {
  let chain: ProtocolTestChain;
  let owner: ProtocolTestChain["accounts"][number];
  const send = (
    from: typeof owner,
    to: Address,
    abi: Abi,
    fn: string,
    args: readonly unknown[],
    value = 0n,
    gasLimit?: bigint,
  ) =>
    chain.send({
      from,
      to,
      data: encodeFunctionData({ abi, functionName: fn, args } as never),
      value,
      gasLimit,
    });

  beforeAll(async () => {
    chain = await ProtocolTestChain.create(PARAMS, 6);
    owner = chain.accounts[0]!;
  });

  it("conserves emission from the subnet's first block and prunes the lowest-emission UID when full", async () => {
    await chain.write(
      owner,
      SUBNETS,
      subnetsAbi,
      "registerNetwork",
      ["regress", "ipfs://spec", SPEC],
      PARAMS.networkLockStart,
    );
    const netuid = 1;
    const [, a, b, c] = chain.accounts as [typeof owner, typeof owner, typeof owner, typeof owner];
    await chain.write(a, NEURONS, neuronsAbi, "burnedRegister", [netuid, a.address], 10n * TEN);
    await chain.write(b, NEURONS, neuronsAbi, "burnedRegister", [netuid, b.address], 10n * TEN);
    await chain.write(a, STAKING, stakingAbi, "addStake", [a.address], 5n * TEN);
    const ownerBefore = await chain.balance(owner.address);
    const stakingBefore = await chain.balance(STAKING);
    let blocks = 0n;
    let minted = 0n;
    for (let i = 0; i < 12; i++) {
      minted += (await chain.endBlock()).minted;
      blocks++;
    }
    const pending = (await chain.store().getSubnet(netuid))!.pendingEmission;
    expect(minted).toBeGreaterThan(0n);
    expect(minted + pending).toBe(blocks * PARAMS.blockEmission);
    const gained =
      (await chain.balance(owner.address)) - ownerBefore + ((await chain.balance(STAKING)) - stakingBefore);
    expect(gained).toBe(minted);

    // Full (maxUids 2), both past immunity: the UID with the lower emission is replaced.
    const mg = await chain.read<{ emission: bigint[] }>(METAGRAPH, metagraphAbi, "getMetagraph", [netuid]);
    const loser = mg.emission[0]! <= mg.emission[1]! ? 0 : 1;
    const r = await chain.write(c, NEURONS, neuronsAbi, "burnedRegister", [netuid, c.address], 10n * TEN);
    expect(r.logs).toHaveLength(2); // HotkeyBound, NeuronRegistered
    expect(await chain.read(METAGRAPH, metagraphAbi, "getUid", [netuid, c.address])).toBe(loser);
    expect(await chain.read(METAGRAPH, metagraphAbi, "isRegistered", [netuid, [a, b][loser]!.address])).toBe(
      false,
    );
    expect(await chain.read(METAGRAPH, metagraphAbi, "getNeuronCount", [netuid])).toBe(2);
  });

  it("publishes axons and models, validating them", async () => {
    const netuid = 1;
    // After the pruning above one of accounts 1 and 2 still holds a UID.
    const store = chain.store();
    const who =
      (await store.getUid(netuid, chain.accounts[1]!.address)) !== null
        ? chain.accounts[1]!
        : chain.accounts[2]!;
    const me = (await store.getUid(netuid, who.address))!;
    expect((await send(who, NEURONS, neuronsAbi, "serveAxon", [netuid, "not a url"])).error?.errorName).toBe(
      "InvalidEndpoint",
    );
    await chain.write(who, NEURONS, neuronsAbi, "serveAxon", [netuid, "https://miner.example:8443"]);
    const zero = `0x${"00".repeat(32)}` as Hex;
    expect(
      (await send(who, NEURONS, neuronsAbi, "publishModel", [netuid, zero, "ipfs://m", zero])).error
        ?.errorName,
    ).toBe("InvalidModelHash");
    const hash = keccak256(toHex("model"));
    await chain.write(who, NEURONS, neuronsAbi, "publishModel", [netuid, hash, "ipfs://model", zero]);
    const n = await chain.read<{ axon: string; modelHash: Hex; modelURI: string }>(
      METAGRAPH,
      metagraphAbi,
      "getNeuron",
      [netuid, me],
    );
    expect(n).toMatchObject({
      axon: "https://miner.example:8443",
      modelHash: hash,
      modelURI: "ipfs://model",
    });
    const stranger = chain.accounts[5]!;
    expect(
      (await send(stranger, NEURONS, neuronsAbi, "serveAxon", [netuid, "https://x.example"])).error,
    ).toEqual({
      errorName: "NotRegistered",
      args: [netuid, stranger.address],
    });
  });

  it("charges gas per slot and fails out of gas without side effects", async () => {
    const d = chain.accounts[5]!;
    const ok = await send(d, STAKING, stakingAbi, "addStake", [d.address], TEN);
    expect(ok.success).toBe(true);
    expect(ok.gasUsed).toBeGreaterThan(21_000n + 5_000n * 4n);
    const oog = await send(d, STAKING, stakingAbi, "addStake", [d.address], TEN, 40_000n);
    expect(oog.success).toBe(false);
    expect(await chain.read(STAKING, stakingAbi, "getStake", [d.address, d.address])).toBe(TEN);
    expect((await send(d, SUBNETS, subnetsAbi, "getLockCost", [])).success).toBe(true);
    expect(
      (
        await send(
          d,
          STAKING,
          [{ type: "function", name: "nope", inputs: [], outputs: [], stateMutability: "nonpayable" }] as Abi,
          "nope",
          [],
        )
      ).success,
    ).toBe(false);
  });

  it("applies downtime and double-sign punishments with the genesis slashing parameters", async () => {
    const d = chain.accounts[5]!;
    await chain.write(d, STAKING, stakingAbi, "registerValidator", [`0x03${"22".repeat(32)}`]);
    const store = chain.store();
    const before = await store.getTotalStake(d.address);
    expect(await applyPunishment(store, { hotkey: d.address, kind: "downtime" })).toBe(
      (before * BigInt(PARAMS.downtimeSlashPercent)) / 100n,
    );
    expect((await store.getValidator(d.address))!.jailedUntil).toBe(
      store.timestamp + BigInt(PARAMS.downtimeJailSeconds),
    );
    const mid = await store.getTotalStake(d.address);
    expect(await applyPunishment(store, { hotkey: d.address, kind: "doubleSign" })).toBe(
      (mid * BigInt(PARAMS.doubleSignSlashPercent)) / 100n,
    );
    expect((await store.getValidator(d.address))!.tombstoned).toBe(true);
    expect(await applyPunishment(store, { hotkey: d.address, kind: "doubleSign" })).toBe(0n);
    expect(store.events.map((e) => e.eventName)).toEqual([
      "ValidatorSlashed",
      "ValidatorJailedUntil",
      "ValidatorSlashed",
      "ValidatorTombstoned",
    ]);
    expect((await send(d, STAKING, stakingAbi, "unjail", [])).error?.errorName).toBe("Tombstoned");
    expect(
      (await send(d, STAKING, stakingAbi, "registerValidator", [`0x03${"33".repeat(32)}`])).error?.errorName,
    ).toBe("Tombstoned");
  });

  it("serves tensorchain_* RPC methods from a read-only store", async () => {
    const methods = createProtocolRpcMethods({
      openStore: async (ref) =>
        ref === "latest" ? readOnlyProtocolStore(chain.vm.stateManager, PARAMS, chain.number, 0n) : null,
    });
    const subnets = (await methods.tensorchain_getSubnets!([])) as {
      netuid: number;
      lockedAmount: string;
      name: string;
    }[];
    expect(subnets.map((s) => s.netuid)).toEqual([0, 1]);
    expect(subnets[1]).toMatchObject({ name: "regress", lockedAmount: PARAMS.networkLockStart.toString() });
    const mg = (await methods.tensorchain_getMetagraph!([1])) as {
      n: number;
      hotkeys: Address[];
      stakes: string[];
      blockNumber: string;
    };
    expect(mg.n).toBe(2);
    expect(mg.hotkeys).toHaveLength(2);
    expect(mg.blockNumber).toBe(`0x${chain.number.toString(16)}`);
    const n = (await methods.tensorchain_getNeuron!(["0x1", 0])) as { uid: number; hotkey: Address };
    expect(n.hotkey).toBe(mg.hotkeys[0]);
    const d = chain.accounts[5]!;
    const st = (await methods.tensorchain_getStake!([d.address])) as {
      totalStake: string;
      positions: unknown[];
      owner: Address;
    };
    // 1 TEN staked, then slashed 1% and 5% by the punishments above.
    const total = ((TEN * 99n) / 100n - (TEN * 99n) / 100n / 20n).toString();
    expect(st).toMatchObject({
      totalStake: total,
      owner: d.address,
      positions: [{ coldkey: d.address, stake: total }],
    });
    await expect(methods.tensorchain_getMetagraph!([7])).rejects.toThrow(/SubnetNotFound/);
    await expect(methods.tensorchain_getNeuron!([1, 70000])).rejects.toThrow(/u16/);
    await expect(methods.tensorchain_getSubnets!(["0x1"])).rejects.toThrow(/block not found/);
    const ro = readOnlyProtocolStore(chain.vm.stateManager, PARAMS, chain.number, 0n);
    await expect(ro.addStake({ sender: d.address, value: TEN }, d.address)).rejects.toThrow(/read-only/);
  });
});
