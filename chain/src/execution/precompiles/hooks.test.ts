// The protocol wired into the node's Executor: precompile calls and block-end emission change
// the committed state root, and the protocol state reads back from a fresh state manager
// opened at that root (what a syncing node or eth_getProof sees).
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { Account, Address, MapDB, hexToBytes } from "@ethereumjs/util";
import { bytesToHex, decodeEventLog, encodeFunctionData, getAddress, type Abi, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { iMetagraphAbi } from "../../../../contracts/abi/IMetagraph.js";
import { iNeuronsAbi } from "../../../../contracts/abi/INeurons.js";
import { iSubnetsAbi } from "../../../../contracts/abi/ISubnets.js";
import { deriveAccounts } from "../../crypto/dev-accounts.js";
import { DEV_PROTOCOL_PARAMS, PRECOMPILES } from "../../protocol/params.js";
import { readOnlyProtocolStore } from "../../protocol/state/hook.js";
import { isEpochBlock } from "../../protocol/schedule.js";
import { EMPTY_BLOOM, EMPTY_TRIE_ROOT, logsBloom } from "../block.js";
import { makeCommon, makeTxCommon } from "../common.js";
import { Executor, openStateManager, type BlockEnv } from "../executor.js";
import { prepareTx } from "../tx.js";
import { createProtocolExecutionHooks } from "./hooks.js";

const CHAIN_ID = 777n;
const common = makeCommon(CHAIN_ID);
const txCommon = makeTxCommon(CHAIN_ID);
const [alice] = deriveAccounts(1);
const SPEC = {
  taskType: 0,
  metric: "accuracy",
  inputSignature: "float32[1,4]",
  outputSignature: "float32[1,2]",
  datasetHash: `0x${"11".repeat(32)}` as Hex,
  datasetURI: "ipfs://d",
};

function env(n: bigint): BlockEnv {
  return {
    parentHash: new Uint8Array(32),
    number: n,
    timestamp: 1000n + n,
    coinbase: hexToBytes("0x00000000000000000000000000000000000c0ffe"),
    gasLimit: 30_000_000n,
    baseFeePerGas: 7n,
    mixHash: new Uint8Array(32),
    extraData: new Uint8Array(0),
  };
}

/** An executor with the protocol hooks over a state where alice holds 10^6 TEN. */
async function protocolExecutor(): Promise<{ db: MapDB<string, string | Uint8Array>; executor: Executor }> {
  const db = new MapDB<string, string | Uint8Array>();
  const state = openStateManager(common, db, EMPTY_TRIE_ROOT);
  await state.checkpoint();
  await state.putAccount(new Address(hexToBytes(alice!.address)), new Account(0n, 10n ** 24n));
  await state.commit();
  const executor = await Executor.create({
    common,
    db,
    stateRoot: await state.getStateRoot(),
    blockHash: async () => undefined,
    hooks: createProtocolExecutionHooks(DEV_PROTOCOL_PARAMS),
  });
  return { db, executor };
}

/** alice's signed call of a precompile. */
function aliceCall(nonce: bigint, to: Hex, abi: Abi, functionName: string, args: unknown[], value = 0n) {
  const raw = createFeeMarket1559Tx(
    {
      chainId: CHAIN_ID,
      nonce,
      to,
      value,
      gasLimit: 2_000_000n,
      maxFeePerGas: 1_000_000_000n,
      maxPriorityFeePerGas: 1n,
      data: encodeFunctionData({ abi, functionName, args } as never),
    },
    { common: txCommon },
  )
    .sign(hexToBytes(alice!.privateKey as Hex))
    .serialize();
  return prepareTx(raw, txCommon);
}

const registerNetwork = (nonce: bigint) =>
  aliceCall(
    nonce,
    PRECOMPILES.subnets,
    iSubnetsAbi as Abi,
    "registerNetwork",
    ["net", "ipfs://s", SPEC],
    DEV_PROTOCOL_PARAMS.networkLockStart,
  );

describe("protocol hooks in the Executor", () => {
  it("registers a subnet through a block and accrues emission at block end, in the state root", async () => {
    const { db, executor } = await protocolExecutor();
    const b1 = await executor.executeBlock(env(1n), [registerNetwork(0n)], "verify");
    expect(b1.receipts[0]!.status).toBe(1);
    executor.committed(b1);
    const b2 = await executor.executeBlock(env(2n), [], "verify");
    executor.committed(b2);
    expect(b2.stateRoot).not.toEqual(b1.stateRoot);

    const view = openStateManager(common, db, b2.stateRoot);
    const store = readOnlyProtocolStore(view, DEV_PROTOCOL_PARAMS, 2n, 1002n);
    const subnet = (await store.getSubnet(1))!;
    expect(subnet.owner).toBe(getAddress(alice!.address));
    expect(subnet.lockedAmount).toBe(DEV_PROTOCOL_PARAMS.networkLockStart);
    // Blocks 1 and 2 ended with one subnet: it accrued both blocks' emission (no neurons yet).
    expect(subnet.pendingEmission).toBe(2n * DEV_PROTOCOL_PARAMS.blockEmission);
    expect((await store.getTaskSpec(1)).name).toBe("net");
  });

  it("returns the epoch's EpochCompleted as a block-end log, covered by the block's bloom", async () => {
    const { executor } = await protocolExecutor();
    const tempo = DEV_PROTOCOL_PARAMS.subnetDefaults.tempo;
    const b1 = await executor.executeBlock(env(1n), [registerNetwork(0n)], "verify");
    executor.committed(b1);
    // alice registers herself as the subnet's only neuron (the burn is refunded above the cost).
    const reg = aliceCall(
      1n,
      PRECOMPILES.neurons,
      iNeuronsAbi as Abi,
      "burnedRegister",
      [1, alice!.address],
      10n ** 20n,
    );
    const b2 = await executor.executeBlock(env(2n), [reg], "verify");
    expect(b2.receipts[0]!.status).toBe(1);
    expect(b2.blockEndLogs).toEqual([]);
    executor.committed(b2);
    let n = 3n;
    while (!isEpochBlock(1, tempo, Number(n))) {
      const b = await executor.executeBlock(env(n++), [], "verify");
      expect(b.blockEndLogs).toEqual([]);
      expect(b.logsBloom).toEqual(EMPTY_BLOOM);
      executor.committed(b);
    }
    const epoch = await executor.executeBlock(env(n), [], "verify");
    executor.committed(epoch);
    expect(epoch.receipts).toEqual([]);
    expect(epoch.blockEndLogs).toHaveLength(1);
    const log = epoch.blockEndLogs[0]!;
    expect(bytesToHex(log.address)).toBe(PRECOMPILES.metagraph);
    const decoded = decodeEventLog({
      abi: iMetagraphAbi as Abi,
      data: bytesToHex(log.data),
      topics: log.topics.map((t) => bytesToHex(t)) as [Hex, ...Hex[]],
    });
    // E = the subnet's emission accrued over blocks 1..n; its only neuron holds no stake and
    // earns no incentive, so only the owner cut of E is minted (and reported).
    const E = n * DEV_PROTOCOL_PARAMS.blockEmission;
    expect(decoded).toEqual({
      eventName: "EpochCompleted",
      args: { netuid: 1, blockNumber: n, emission: (E * BigInt(DEV_PROTOCOL_PARAMS.ownerCutPercent)) / 100n },
    });
    expect(epoch.logsBloom).toEqual(logsBloom(epoch.blockEndLogs));
  });
});
