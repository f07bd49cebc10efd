// Test support (not imported by app code): a small, consistent explorer data set — three blocks,
// a transfer, a reverted staking call with a decoded event, two validators with uptime, one
// subnet with two neurons over two epochs.
import type { PrismaClient } from "@prisma/client";
import { encodeFunctionData } from "viem";
import { stakingPrecompile } from "@/contracts/system-contracts";

export const addr = (i: number) => `0x${i.toString(16).padStart(40, "0")}`;
export const hash = (i: number) => `0x${i.toString(16).padStart(64, "0")}`;
export const TEN = 10n ** 18n;

export const SEED = {
  alice: addr(0xa11ce),
  bob: addr(0xb0b),
  hotkeyA: addr(0x4a),
  hotkeyB: addr(0x4b),
  transferHash: hash(0x1001),
  stakeHash: hash(0x1002),
  blockHash: (n: number) => hash(0xb000 + n),
  genesisTime: new Date("2026-01-01T00:00:00.000Z"),
};

export async function seedExplorer(db: PrismaClient): Promise<void> {
  const { alice, bob, hotkeyA, hotkeyB } = SEED;
  await db.block.createMany({
    data: [0, 1, 2].map((n) => ({
      number: BigInt(n),
      hash: SEED.blockHash(n),
      parentHash: n === 0 ? hash(0) : SEED.blockHash(n - 1),
      timestamp: new Date(SEED.genesisTime.getTime() + n * 2000),
      miner: hotkeyA,
      gasUsed: n === 0 ? 0n : 21000n,
      gasLimit: 30_000_000n,
      baseFeePerGas: 1_000_000_000n.toString(),
      stateRoot: hash(0x5000 + n),
      size: 600,
      txCount: n === 0 ? 0 : 1,
    })),
  });
  const base = {
    type: 2,
    gas: 100_000n,
    nonce: 0n,
    cumulativeGasUsed: 21000n,
    transactionIndex: 0,
    effectiveGasPrice: "2000000000",
  };
  await db.transaction.createMany({
    data: [
      {
        ...base,
        hash: SEED.transferHash,
        blockNumber: 1n,
        blockHash: SEED.blockHash(1),
        timestamp: new Date(SEED.genesisTime.getTime() + 2000),
        from: alice,
        to: bob,
        value: (5n * TEN).toString(),
        input: "0x",
        status: 1,
        gasUsed: 21000n,
      },
      {
        ...base,
        nonce: 1n,
        hash: SEED.stakeHash,
        blockNumber: 2n,
        blockHash: SEED.blockHash(2),
        timestamp: new Date(SEED.genesisTime.getTime() + 4000),
        from: alice,
        to: stakingPrecompile.address.toLowerCase(),
        value: TEN.toString(),
        input: encodeFunctionData({
          abi: stakingPrecompile.abi,
          functionName: "addStake",
          args: [hotkeyA as `0x${string}`],
        }),
        methodId: "0x00000000",
        status: 0,
        gasUsed: 30000n,
      },
    ],
  });
  await db.log.create({
    data: {
      blockNumber: 1n,
      logIndex: 0,
      transactionHash: SEED.transferHash,
      transactionIndex: 0,
      address: bob,
      topic0: hash(0xe1),
      data: "0x",
      eventName: "StakeAdded",
      args: {
        coldkey: alice,
        hotkey: hotkeyA,
        amount: "1000000000000000000",
        newStake: "2000000000000000000",
      },
    },
  });
  await db.account.createMany({
    data: [
      {
        address: alice,
        balance: (90n * TEN).toString(),
        balanceBlock: 2n,
        txCount: 2,
        firstSeenBlock: 1n,
        lastSeenBlock: 2n,
      },
      {
        address: bob,
        balance: (5n * TEN).toString(),
        balanceBlock: 1n,
        txCount: 1,
        firstSeenBlock: 1n,
        lastSeenBlock: 1n,
      },
    ],
  });
  await db.validator.createMany({
    data: [
      {
        hotkey: hotkeyA,
        coldkey: alice,
        moniker: "alpha",
        status: "active",
        stake: (300n * TEN).toString(),
        votingPower: 300n,
        firstSeenBlock: 0n,
        updatedAtBlock: 2n,
      },
      {
        hotkey: hotkeyB,
        coldkey: bob,
        moniker: "beta",
        status: "jailed",
        stake: (100n * TEN).toString(),
        votingPower: 100n,
        jailedUntil: 1_800_000_000n,
        firstSeenBlock: 0n,
        updatedAtBlock: 2n,
      },
    ],
  });
  await db.validatorUptime.createMany({
    data: [
      {
        validatorHotkey: hotkeyA,
        fromBlock: 0n,
        toBlock: 99n,
        signedBlocks: 99,
        missedBlocks: 1,
        proposedBlocks: 50,
      },
      {
        validatorHotkey: hotkeyB,
        fromBlock: 0n,
        toBlock: 99n,
        signedBlocks: 75,
        missedBlocks: 25,
        proposedBlocks: 40,
      },
    ],
  });
  await db.slashingEvent.create({
    data: {
      validatorHotkey: hotkeyB,
      blockNumber: 40n,
      kind: "downtime",
      amount: TEN.toString(),
      jailedUntil: 1_800_000_000n,
    },
  });
  await db.subnet.create({
    data: {
      netuid: 1,
      name: "Image Classification",
      owner: alice,
      registeredAt: 1n,
      hyperparams: { tempo: 10, maxAllowedUids: 64 },
      taskSpec: { metric: "accuracy" },
      updatedAtBlock: 1n,
    },
  });
  await db.neuron.createMany({
    data: [
      {
        netuid: 1,
        uid: 0,
        hotkey: hotkeyA,
        coldkey: alice,
        registeredAt: 1n,
        isValidator: true,
        updatedAtBlock: 1n,
      },
      {
        netuid: 1,
        uid: 1,
        hotkey: hotkeyB,
        coldkey: bob,
        registeredAt: 1n,
        modelHash: hash(0xabc),
        updatedAtBlock: 1n,
      },
    ],
  });
  for (const [i, blockNumber] of [10n, 20n].entries()) {
    const snap = await db.metagraphSnapshot.create({
      data: {
        netuid: 1,
        blockNumber,
        epoch: BigInt(i + 1),
        neuronCount: 2,
        totalStake: (400n * TEN).toString(),
        emission: ((BigInt(i) + 1n) * TEN).toString(),
      },
    });
    await db.neuronEpoch.createMany({
      data: [
        // uid 0 has more stake, uid 1 more incentive and emission: opposite orders per column.
        {
          snapshotId: snap.id,
          uid: 0,
          netuid: 1,
          blockNumber,
          hotkey: hotkeyA,
          stake: (300n * TEN).toString(),
          rank: 0.1,
          trust: 0.1,
          validatorTrust: 0.9,
          consensus: 0.1,
          incentive: 0.1 + i * 0.05,
          dividends: 1,
          emission: (TEN / 4n).toString(),
          active: true,
          validatorPermit: true,
        },
        {
          snapshotId: snap.id,
          uid: 1,
          netuid: 1,
          blockNumber,
          hotkey: hotkeyB,
          stake: (100n * TEN).toString(),
          rank: 0.9,
          trust: 0.9,
          validatorTrust: 0,
          consensus: 0.9,
          incentive: 0.9 - i * 0.05,
          dividends: 0,
          emission: ((3n * TEN) / 4n).toString(),
          active: true,
          validatorPermit: false,
        },
      ],
    });
  }
}
