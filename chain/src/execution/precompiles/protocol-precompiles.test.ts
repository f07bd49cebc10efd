// The protocol precompiles in a real EVM: signed transactions from the test mnemonic's
// accounts, a contract calling a precompile, and block-end epochs checked against runEpoch.
import {
  decodeEventLog,
  encodeFunctionData,
  getAddress,
  keccak256,
  toHex,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { iMetagraphAbi } from "../../../../contracts/abi/IMetagraph.js";
import { iNeuronsAbi } from "../../../../contracts/abi/INeurons.js";
import { iStakingAbi } from "../../../../contracts/abi/IStaking.js";
import { iSubnetsAbi } from "../../../../contracts/abi/ISubnets.js";
import { splitBlockEmission, subnetEmissionShares } from "../../protocol/emission.js";
import { runEpoch } from "../../protocol/epoch.js";
import { u16ToFixed } from "../../protocol/fixed.js";
import { DEV_PROTOCOL_PARAMS, PRECOMPILES, TEN, type ProtocolParams } from "../../protocol/params.js";
import { isEpochBlock } from "../../protocol/schedule.js";
import { splitDividends } from "../../protocol/staking.js";
import { commitHash } from "../../protocol/weights.js";
import { ProtocolTestChain } from "./test-chain.js";

const STAKING = PRECOMPILES.staking as Address;
const METAGRAPH = PRECOMPILES.metagraph as Address;
const SUBNETS = PRECOMPILES.subnets as Address;
const NEURONS = PRECOMPILES.neurons as Address;
const stakingAbi = iStakingAbi as Abi;
const subnetsAbi = iSubnetsAbi as Abi;
const neuronsAbi = iNeuronsAbi as Abi;
const metagraphAbi = iMetagraphAbi as Abi;

const PARAMS: ProtocolParams = {
  ...DEV_PROTOCOL_PARAMS,
  unbondingBlocks: 5,
  subnetDefaults: {
    ...DEV_PROTOCOL_PARAMS.subnetDefaults,
    tempo: 10,
    weightsRateLimit: 2,
    activityCutoff: 1000,
  },
};

const SPEC = {
  taskType: 0,
  metric: "accuracy",
  inputSignature: "float32[1,784]",
  outputSignature: "float32[1,10]",
  datasetHash: `0x${"ab".repeat(32)}` as Hex,
  datasetURI: "ipfs://dataset",
};

// Runtime code of a forwarder: calldata = word0 (flag << 160 | target) ++ inner calldata. It
// CALLs target with the inner calldata and msg.value, then returns the result, or — flag set —
// reverts after a successful inner call (so the inner call's effects must be undone).
const FORWARDER: Hex =
  "0x60203603806020600037600060008260003460003573ffffffffffffffffffffffffffffffffffffffff165af13d600060003e60003560a01c604957156044573d6000f35b3d6000fd5b60006000fd";
// The same with STATICCALL (no value).
const STATIC_FORWARDER: Hex =
  "0x602036038060206000376000600082600060003573ffffffffffffffffffffffffffffffffffffffff165afa3d600060003e60003560a01c604857156043573d6000f35b3d6000fd5b60006000fd";
const STATIC_FORWARDER_ADDRESS: Address = getAddress("0x00000000000000000000000000000000000f0f10");
const FORWARDER_ADDRESS: Address = getAddress("0x00000000000000000000000000000000000f0f0f");

function forward(target: Address, inner: Hex, revertAfter: boolean): Hex {
  const word = (BigInt(revertAfter ? 1 : 0) << 160n) | BigInt(target);
  return `0x${word.toString(16).padStart(64, "0")}${inner.slice(2)}`;
}

describe("protocol precompiles in a real EVM", () => {
  let chain: ProtocolTestChain;
  let owner: ProtocolTestChain["accounts"][number];
  let valCold: typeof owner;
  let valHot: typeof owner;
  let minerCold: typeof owner;
  let minerHot: typeof owner;
  let delegator: typeof owner;
  let netuid: number;

  beforeAll(async () => {
    chain = await ProtocolTestChain.create(PARAMS, 8);
    [owner, valCold, valHot, minerCold, minerHot, delegator] = chain.accounts as [
      typeof owner,
      typeof owner,
      typeof owner,
      typeof owner,
      typeof owner,
      typeof owner,
    ];
  });

  it("registers a subnet, locking the lock cost and refunding the excess", async () => {
    const cost = await chain.read<bigint>(SUBNETS, subnetsAbi, "getLockCost");
    expect(cost).toBe(PARAMS.networkLockStart);
    const before = await chain.balance(owner.address);
    const r = await chain.write(
      owner,
      SUBNETS,
      subnetsAbi,
      "registerNetwork",
      ["mnist", "ipfs://spec", SPEC],
      cost + 5n * TEN,
    );
    expect(before - (await chain.balance(owner.address))).toBe(cost + r.fee);
    expect(await chain.balance(SUBNETS)).toBe(cost);
    const ev = decodeEventLog({
      abi: subnetsAbi,
      ...r.logs[0]!,
      topics: r.logs[0]!.topics as [Hex, ...Hex[]],
    });
    expect(ev.eventName).toBe("NetworkRegistered");
    netuid = Number((ev.args as unknown as { netuid: number }).netuid);
    expect(netuid).toBe(1);
    expect(await chain.read<bigint>(SUBNETS, subnetsAbi, "getLockCost")).toBe(cost * 2n);
    const low = await chain.send({
      from: owner,
      to: SUBNETS,
      data: encode(subnetsAbi, "registerNetwork", ["b", "u", SPEC]),
      value: 1n,
    });
    expect(low.error).toEqual({ errorName: "LockCostTooLow", args: [cost * 2n] });
  });

  it("burns the registration cost, which rises ×1.26 per registration", async () => {
    const burn0 = await chain.read<bigint>(NEURONS, neuronsAbi, "getBurn", [netuid]);
    expect(burn0).toBe(TEN);
    const supplyBefore = await chain.balance(valCold.address);
    const r = await chain.write(
      valCold,
      NEURONS,
      neuronsAbi,
      "burnedRegister",
      [netuid, valHot.address],
      burn0 + TEN,
    );
    expect(supplyBefore - (await chain.balance(valCold.address))).toBe(burn0 + r.fee);
    expect(await chain.balance(NEURONS)).toBe(0n);
    const burn1 = await chain.read<bigint>(NEURONS, neuronsAbi, "getBurn", [netuid]);
    expect(burn1).toBe((burn0 * 1260n) / 1000n);
    await chain.write(minerCold, NEURONS, neuronsAbi, "burnedRegister", [netuid, minerHot.address], burn1);
    expect(await chain.read(METAGRAPH, metagraphAbi, "getUid", [netuid, minerHot.address])).toBe(1);
    const again = await chain.send({
      from: valCold,
      to: NEURONS,
      data: encode(neuronsAbi, "burnedRegister", [netuid, valHot.address]),
      value: 10n * TEN,
    });
    expect(again.error?.errorName).toBe("AlreadyRegistered");
    const stolen = await chain.send({
      from: owner,
      to: NEURONS,
      data: encode(neuronsAbi, "burnedRegister", [netuid, minerHot.address]),
      value: 10n * TEN,
    });
    expect(stolen.error?.errorName).toBe("NotHotkeyOwner");
  });

  it("stakes, delegates and sets the take", async () => {
    await chain.write(valCold, STAKING, stakingAbi, "addStake", [valHot.address], 100n * TEN);
    await chain.write(delegator, STAKING, stakingAbi, "addStake", [valHot.address], 50n * TEN);
    expect(await chain.read(STAKING, stakingAbi, "getStake", [valHot.address, delegator.address])).toBe(
      50n * TEN,
    );
    expect(await chain.read(STAKING, stakingAbi, "getTotalStake", [valHot.address])).toBe(150n * TEN);
    expect(await chain.read(STAKING, stakingAbi, "getHotkeyOwner", [valHot.address])).toBe(valCold.address);
    expect(await chain.balance(STAKING)).toBe(150n * TEN);
    const tiny = await chain.send({
      from: delegator,
      to: STAKING,
      data: encode(stakingAbi, "addStake", [minerHot.address]),
      value: 1n,
    });
    expect(tiny.error).toEqual({ errorName: "BelowMinStake", args: [PARAMS.minStake] });
    const notOwner = await chain.send({
      from: delegator,
      to: STAKING,
      data: encode(stakingAbi, "setTake", [valHot.address, 100]),
    });
    expect(notOwner.error).toEqual({ errorName: "NotHotkeyOwner", args: [valHot.address, valCold.address] });
    const high = await chain.send({
      from: valCold,
      to: STAKING,
      data: encode(stakingAbi, "setTake", [valHot.address, 20000]),
    });
    expect(high.error).toEqual({ errorName: "TakeTooHigh", args: [PARAMS.maxTake] });
    await chain.write(valCold, STAKING, stakingAbi, "setTake", [valHot.address, 5000]);
    await chain.write(valCold, STAKING, stakingAbi, "setTake", [valHot.address, 6000]);
    const raise = await chain.send({
      from: valCold,
      to: STAKING,
      data: encode(stakingAbi, "setTake", [valHot.address, 6553]),
    });
    expect(raise.error).toEqual({
      errorName: "TakeRateLimited",
      args: [chain.number + BigInt(PARAMS.takeIncreaseRateLimit)],
    });
    expect(await chain.read(STAKING, stakingAbi, "getTake", [valHot.address])).toBe(6000);
    const nonPayable = await chain.send({
      from: valCold,
      to: STAKING,
      data: encode(stakingAbi, "setTake", [valHot.address, 10]),
      value: 1n,
    });
    expect(nonPayable.success).toBe(false);
  });

  it("knows msg.sender when a contract calls, and a revert of the caller undoes the precompile's writes", async () => {
    await chain.setCode(FORWARDER_ADDRESS, FORWARDER);
    const hotkey = chain.accounts[6]!.address;
    const inner = encode(stakingAbi, "addStake", [hotkey]);
    const stakingBalance = await chain.balance(STAKING);
    const reverted = await chain.send({
      from: delegator,
      to: FORWARDER_ADDRESS,
      data: forward(STAKING, inner, true),
      value: TEN,
    });
    expect(reverted.success).toBe(false);
    expect(await chain.read(STAKING, stakingAbi, "getHotkeyOwner", [hotkey])).toBe(
      "0x0000000000000000000000000000000000000000",
    );
    expect(await chain.read(STAKING, stakingAbi, "getTotalStake", [hotkey])).toBe(0n);
    expect(await chain.balance(STAKING)).toBe(stakingBalance);
    const ok = await chain.send({
      from: delegator,
      to: FORWARDER_ADDRESS,
      data: forward(STAKING, inner, false),
      value: TEN,
    });
    expect(ok.success).toBe(true);
    // The forwarder, not the transaction's sender, is the coldkey.
    expect(await chain.read(STAKING, stakingAbi, "getHotkeyOwner", [hotkey])).toBe(FORWARDER_ADDRESS);
    expect(await chain.read(STAKING, stakingAbi, "getStake", [hotkey, FORWARDER_ADDRESS])).toBe(TEN);
    expect(ok.logs.map((l) => l.address)).toEqual([STAKING, STAKING]);
  });

  it("refuses state changes under STATICCALL but answers views", async () => {
    await chain.setCode(STATIC_FORWARDER_ADDRESS, STATIC_FORWARDER);
    const view = await chain.send({
      from: valCold,
      to: STATIC_FORWARDER_ADDRESS,
      data: forward(STAKING, encode(stakingAbi, "getTake", [valHot.address]), false),
    });
    expect(view.success).toBe(true);
    expect(BigInt(view.returnData)).toBe(6000n);
    const write = await chain.send({
      from: valCold,
      to: STATIC_FORWARDER_ADDRESS,
      data: forward(STAKING, encode(stakingAbi, "setTake", [valHot.address, 10]), false),
    });
    expect(write.success).toBe(false);
    // Refused before any rule runs (otherwise this would be NotHotkeyOwner: the forwarder is msg.sender).
    expect(write.returnData).toBe("0x");
    const direct = await chain.send({
      from: valCold,
      to: FORWARDER_ADDRESS,
      data: forward(STAKING, encode(stakingAbi, "setTake", [valHot.address, 10]), false),
    });
    expect(direct.error?.errorName).toBe("NotHotkeyOwner");
    expect(await chain.read(STAKING, stakingAbi, "getTake", [valHot.address])).toBe(6000);
  });

  it("commit-reveal: too early, wrong salt, then the reveal stores the weights", async () => {
    // Run to the first epoch: it hands the staked validator its permit.
    while (!isEpochBlock(netuid, 10, Number(chain.number))) await chain.endBlock();
    await chain.endBlock();
    const mg = await chain.read<{ validatorPermit: boolean[] }>(METAGRAPH, metagraphAbi, "getMetagraph", [
      netuid,
    ]);
    expect(mg.validatorPermit).toEqual([true, false]);

    const direct = await chain.send({
      from: valHot,
      to: NEURONS,
      data: encode(neuronsAbi, "setWeights", [netuid, [1], [100], 0n]),
    });
    expect(direct.error?.errorName).toBe("CommitRevealRequired");
    const salt = keccak256(toHex("salt"));
    const hash = commitHash(valHot.address, netuid, [1], [100], salt, 0n);
    const root = keccak256(toHex("receipts"));
    await chain.write(valHot, NEURONS, neuronsAbi, "commitWeights", [netuid, hash, root]);
    const commit = await chain.read<{ revealFromBlock: bigint; revealUntilBlock: bigint }>(
      NEURONS,
      neuronsAbi,
      "getCommit",
      [netuid, valHot.address],
    );
    const early = await chain.send({
      from: valHot,
      to: NEURONS,
      data: encode(neuronsAbi, "revealWeights", [netuid, [1], [100], salt, 0n]),
    });
    expect(early.error).toEqual({ errorName: "RevealTooEarly", args: [commit.revealFromBlock] });
    while (chain.number < commit.revealFromBlock) await chain.endBlock();
    const wrong = await chain.send({
      from: valHot,
      to: NEURONS,
      data: encode(neuronsAbi, "revealWeights", [netuid, [1], [100], keccak256(toHex("x")), 0n]),
    });
    expect(wrong.error?.errorName).toBe("RevealHashMismatch");
    expect(wrong.error?.args[0]).toBe(hash);
    const r = await chain.write(valHot, NEURONS, neuronsAbi, "revealWeights", [netuid, [1], [100], salt, 0n]);
    expect(r.logs).toHaveLength(1);
    expect(await chain.read(METAGRAPH, metagraphAbi, "getWeights", [netuid, 0])).toEqual([[1], [65535]]);
    const none = await chain.send({
      from: valHot,
      to: NEURONS,
      data: encode(neuronsAbi, "revealWeights", [netuid, [1], [100], salt, 0n]),
    });
    expect(none.error?.errorName).toBe("CommitNotFound");
  });

  it("owner-only hyperparameters; setWeights rate limit decodes as WeightsRateLimited(nextBlock)", async () => {
    const hp = await chain.read<Record<string, unknown>>(SUBNETS, subnetsAbi, "getHyperparameters", [netuid]);
    const next = { ...hp, commitRevealEnabled: false, weightsRateLimit: 5 };
    const stranger = await chain.send({
      from: delegator,
      to: SUBNETS,
      data: encode(subnetsAbi, "setHyperparameters", [netuid, next]),
    });
    expect(stranger.error?.errorName).toBe("NotSubnetOwner");
    const bad = await chain.send({
      from: owner,
      to: SUBNETS,
      data: encode(subnetsAbi, "setHyperparameters", [netuid, { ...next, tempo: 5 }]),
    });
    expect(bad.error).toEqual({ errorName: "HyperparameterOutOfBounds", args: ["tempo", 10n, 7200n] });
    await chain.write(owner, SUBNETS, subnetsAbi, "setHyperparameters", [netuid, next]);
    await chain.endBlock();
    await chain.endBlock();
    await chain.endBlock();
    await chain.endBlock();
    await chain.endBlock();
    await chain.write(valHot, NEURONS, neuronsAbi, "setWeights", [netuid, [1], [7], 0n]);
    const limited = await chain.send({
      from: valHot,
      to: NEURONS,
      data: encode(neuronsAbi, "setWeights", [netuid, [1], [9], 0n]),
    });
    expect(limited.error).toEqual({ errorName: "WeightsRateLimited", args: [chain.number + 5n] });
    const badUid = await chain.send({
      from: valHot,
      to: NEURONS,
      data: encode(neuronsAbi, "setWeights", [netuid, [7], [9], 0n]),
    });
    expect(badUid.success).toBe(false);
  });

  it("block-end epochs pay exactly what runEpoch predicts, conserving emission to the wei", async () => {
    const store = chain.store();
    const s = (await store.getSubnet(netuid))!;
    // Predict the next epoch from the state as stored, independently of the block-end code.
    let blocks = 0n;
    const startPending = s.pendingEmission;
    while (!isEpochBlock(netuid, 10, Number(chain.number) + Number(blocks))) blocks++;
    blocks++;
    const E = startPending + blocks * PARAMS.blockEmission;
    const hotkeys = [valHot.address, minerHot.address];
    const inputs = [];
    for (let uid = 0; uid < 2; uid++) {
      const n = await store.getNeuron(netuid, uid);
      const b = await store.getBonds(netuid, uid);
      inputs.push({
        stake: await store.getTotalStake(hotkeys[uid]!),
        registeredAt: n.registeredAt,
        lastUpdate: n.lastUpdate,
        validatorPermit: n.validatorPermit,
        weights: await store.getWeights(netuid, uid),
        bonds: { uids: b.uids, values: b.values.map(u16ToFixed) },
      });
    }
    const epochBlock = Number(chain.number) + Number(blocks) - 1;
    const predicted = runEpoch({
      currentBlock: epochBlock,
      lastEpochBlock: s.lastEpochBlock,
      emission: E,
      params: {
        kappa: s.hyperparams.kappa,
        bondsMovingAverage: s.hyperparams.bondsMovingAverage,
        maxValidators: s.hyperparams.maxValidators,
        activityCutoff: s.hyperparams.activityCutoff,
        stakeThreshold: PARAMS.stakeThreshold,
        ownerCutPercent: PARAMS.ownerCutPercent,
      },
      neurons: inputs,
    });
    const [val, miner] = predicted.neurons as [(typeof predicted.neurons)[0], (typeof predicted.neurons)[0]];
    expect(val.emission).toBeGreaterThan(0n);
    expect(miner.emission).toBeGreaterThan(0n);
    const split = splitDividends(val.emission, 6000, valCold.address, [
      { coldkey: valCold.address, stake: await store.getStake(valHot.address, valCold.address) },
      { coldkey: delegator.address, stake: await store.getStake(valHot.address, delegator.address) },
    ]);

    const before = {
      valCold: await store.getStake(valHot.address, valCold.address),
      delegator: await store.getStake(valHot.address, delegator.address),
      miner: await store.getStake(minerHot.address, minerCold.address),
      owner: await chain.balance(owner.address),
      staking: await chain.balance(STAKING),
    };
    let minted = 0n;
    for (let k = 0n; k < blocks; k++) minted += (await chain.endBlock()).minted;
    const after = chain.store();
    expect(minted).toBe(E);
    expect(predicted.unminted).toBe(0n);
    expect((await after.getStake(valHot.address, valCold.address)) - before.valCold).toBe(
      split.get(valCold.address),
    );
    expect((await after.getStake(valHot.address, delegator.address)) - before.delegator).toBe(
      split.get(delegator.address),
    );
    expect((await after.getStake(minerHot.address, minerCold.address)) - before.miner).toBe(miner.emission);
    expect((await chain.balance(owner.address)) - before.owner).toBe(predicted.ownerEmission);
    expect((await chain.balance(STAKING)) - before.staking).toBe(val.emission + miner.emission);
    expect(val.emission + miner.emission + predicted.ownerEmission).toBe(E);

    const mg = await chain.read<Record<string, unknown[]>>(METAGRAPH, metagraphAbi, "getMetagraph", [netuid]);
    expect(mg.n).toBe(2);
    expect(mg.hotkeys).toEqual(hotkeys);
    expect(mg.emission).toEqual([val.emission, miner.emission]);
    expect(mg.ranks).toEqual(miner.incentive > val.incentive ? [2, 1] : [1, 2]);
    const neuron = await chain.read<{ emission: bigint; coldkey: Address }>(
      METAGRAPH,
      metagraphAbi,
      "getNeuron",
      [netuid, 1],
    );
    expect(neuron.emission).toBe(miner.emission);
    expect(neuron.coldkey).toBe(minerCold.address);
  });

  it("removeStake unbonds; claimUnbonded pays out after the unbonding period", async () => {
    const r = await chain.write(delegator, STAKING, stakingAbi, "removeStake", [valHot.address, 10n * TEN]);
    expect(r.logs).toHaveLength(1);
    const early = await chain.send({
      from: delegator,
      to: STAKING,
      data: encode(stakingAbi, "claimUnbonded", []),
    });
    expect(early.error).toEqual({
      errorName: "UnbondingNotFinished",
      args: [chain.number + BigInt(PARAMS.unbondingBlocks)],
    });
    for (let i = 0; i < PARAMS.unbondingBlocks; i++) await chain.endBlock();
    const before = await chain.balance(delegator.address);
    const c = await chain.write(delegator, STAKING, stakingAbi, "claimUnbonded", []);
    expect((await chain.balance(delegator.address)) - before).toBe(10n * TEN - c.fee);
    const none = await chain.send({
      from: delegator,
      to: STAKING,
      data: encode(stakingAbi, "claimUnbonded", []),
    });
    expect(none.error?.errorName).toBe("NothingToClaim");
  });

  it("validators: registration, consensus set, slash, jail and unjail", async () => {
    const key = `0x02${"11".repeat(32)}` as Hex;
    const noStake = await chain.send({
      from: minerCold,
      to: STAKING,
      data: encode(stakingAbi, "registerValidator", [key]),
    });
    expect(noStake.error).toEqual({ errorName: "HotkeyNotBound", args: [minerCold.address] });
    await chain.write(valHot, STAKING, stakingAbi, "registerValidator", [key]);
    const dup = await chain.send({
      from: minerHot,
      to: STAKING,
      data: encode(stakingAbi, "registerValidator", [key]),
    });
    expect(dup.error?.errorName).toBe("ConsensusKeyInUse");
    const set = await chain.store().topValidators(4);
    expect(set.map((v) => v.hotkey)).toEqual([valHot.address]);
    const vs = await chain.read<{ hotkey: Address }[]>(STAKING, stakingAbi, "getValidators");
    expect(vs.map((v) => v.hotkey)).toEqual([valHot.address]);

    const store = chain.store();
    const total = await store.getTotalStake(valHot.address);
    const stakingBalance = await chain.balance(STAKING);
    const slashed = await store.slash(valHot.address, 1, 1);
    expect(slashed).toBe(total / 100n);
    expect(await store.getTotalStake(valHot.address)).toBe(total - slashed);
    expect(await chain.balance(STAKING)).toBe(stakingBalance - slashed);
    const until = 1_700_000_000n + chain.number * 2n + 4n;
    await store.jail(valHot.address, until);
    expect(await chain.store().topValidators(4)).toEqual([]);
    const jailed = await chain.send({ from: valHot, to: STAKING, data: encode(stakingAbi, "unjail", []) });
    expect(jailed.error).toEqual({ errorName: "ValidatorJailed", args: [until] });
    await chain.endBlock();
    await chain.endBlock();
    await chain.write(valHot, STAKING, stakingAbi, "unjail", []);
    expect((await chain.store().topValidators(4)).map((v) => v.hotkey)).toEqual([valHot.address]);
  });

  it("root weights of the consensus set split the block emission across subnets", async () => {
    const cost = await chain.read<bigint>(SUBNETS, subnetsAbi, "getLockCost");
    await chain.write(owner, SUBNETS, subnetsAbi, "registerNetwork", ["second", "ipfs://spec2", SPEC], cost);
    const outsider = await chain.send({
      from: minerHot,
      to: NEURONS,
      data: encode(neuronsAbi, "setWeights", [0, [1, 2], [1, 3], 0n]),
    });
    expect(outsider.error?.errorName).toBe("NoValidatorPermit");
    const bad = await chain.send({
      from: valHot,
      to: NEURONS,
      data: encode(neuronsAbi, "setWeights", [0, [1, 9], [1, 3], 0n]),
    });
    expect(bad.error).toEqual({ errorName: "InvalidUid", args: [9] });
    await chain.write(valHot, NEURONS, neuronsAbi, "setWeights", [0, [1, 2], [1, 3], 0n]);
    const stake = await chain.store().getTotalStake(valHot.address);
    const expected = splitBlockEmission(
      PARAMS.blockEmission,
      subnetEmissionShares({
        netuids: [1, 2],
        validators: [{ stake, weights: { uids: [1, 2], values: [1, 3] } }],
        kappa: PARAMS.subnetDefaults.kappa,
      }),
    );
    const { accrued } = await chain.endBlock();
    expect(accrued).toEqual(expected);
    expect(expected.get(2)!).toBeGreaterThan(2n * expected.get(1)!);
    expect(expected.get(1)! + expected.get(2)!).toBe(PARAMS.blockEmission);
    const info = await chain.read<{ emissionPerBlock: bigint }>(SUBNETS, subnetsAbi, "getSubnet", [2]);
    expect(info.emissionPerBlock).toBe(expected.get(2));
  });
  it("answers every view as eth_call, ABI-encoded", async () => {
    expect(await chain.read(SUBNETS, subnetsAbi, "getNetuids")).toEqual([0, 1, 2]);
    const subnets = await chain.read<{ netuid: number; name: string; owner: Address }[]>(
      SUBNETS,
      subnetsAbi,
      "getSubnets",
    );
    expect(subnets.map((s) => [s.netuid, s.name])).toEqual([
      [0, "root"],
      [1, "mnist"],
      [2, "second"],
    ]);
    expect(subnets[1]!.owner).toBe(owner.address);
    const [uri, spec] = await chain.read<[string, { metric: string }]>(
      SUBNETS,
      subnetsAbi,
      "getTaskSpec",
      [1],
    );
    expect([uri, spec.metric]).toEqual(["ipfs://spec", "accuracy"]);
    expect(await chain.read(SUBNETS, subnetsAbi, "subnetExists", [9])).toBe(false);
    await expect(chain.read(SUBNETS, subnetsAbi, "getSubnet", [9])).rejects.toThrow(/SubnetNotFound/);
    const stakes = await chain.read<{ hotkey: Address; amount: bigint }[]>(
      STAKING,
      stakingAbi,
      "getColdkeyStakes",
      [delegator.address],
    );
    expect(stakes.map((p) => p.hotkey)).toEqual([valHot.address]);
    expect(await chain.read(STAKING, stakingAbi, "getUnbonding", [delegator.address])).toEqual([]);
    const v = await chain.read<{ consensusKey: Hex; active: boolean }>(STAKING, stakingAbi, "getValidator", [
      valHot.address,
    ]);
    expect(v).toMatchObject({ consensusKey: `0x02${"11".repeat(32)}`, active: true });
    await expect(chain.read(STAKING, stakingAbi, "getValidator", [minerHot.address])).rejects.toThrow(
      /NotValidator/,
    );
    const [bondUids] = await chain.read<[number[], number[]]>(METAGRAPH, metagraphAbi, "getBonds", [
      netuid,
      0,
    ]);
    expect(bondUids).toEqual([1]);
    await expect(chain.read(METAGRAPH, metagraphAbi, "getNeuron", [netuid, 5])).rejects.toThrow(
      /UidNotFound/,
    );
    await expect(chain.read(NEURONS, neuronsAbi, "getCommit", [netuid, valHot.address])).rejects.toThrow(
      /CommitNotFound/,
    );
  });
});

function encode(abi: Abi, functionName: string, args: readonly unknown[]): Hex {
  return encodeFunctionData({ abi, functionName, args } as never);
}
