// The protocol wired into the node's Executor: precompile calls and block-end emission change
// the committed state root, and the protocol state reads back from a fresh state manager
// opened at that root (what a syncing node or eth_getProof sees).
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { Account, Address, MapDB, hexToBytes } from "@ethereumjs/util";
import { encodeFunctionData, getAddress, type Abi, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { iSubnetsAbi } from "../../../../contracts/abi/ISubnets.js";
import { deriveAccounts } from "../../crypto/dev-accounts.js";
import { DEV_PROTOCOL_PARAMS, PRECOMPILES } from "../../protocol/params.js";
import { readOnlyProtocolStore } from "../../protocol/state/hook.js";
import { EMPTY_TRIE_ROOT } from "../block.js";
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

describe("protocol hooks in the Executor", () => {
  it("registers a subnet through a block and accrues emission at block end, in the state root", async () => {
    const db = new MapDB<string, string | Uint8Array>();
    const state = openStateManager(common, db, EMPTY_TRIE_ROOT);
    await state.checkpoint();
    await state.putAccount(new Address(hexToBytes(alice!.address)), new Account(0n, 10n ** 24n));
    await state.commit();
    const genesisRoot = await state.getStateRoot();
    const executor = await Executor.create({
      common,
      db,
      stateRoot: genesisRoot,
      blockHash: async () => undefined,
      hooks: createProtocolExecutionHooks(DEV_PROTOCOL_PARAMS),
    });
    const raw = createFeeMarket1559Tx(
      {
        chainId: CHAIN_ID,
        nonce: 0n,
        to: PRECOMPILES.subnets,
        value: DEV_PROTOCOL_PARAMS.networkLockStart,
        gasLimit: 2_000_000n,
        maxFeePerGas: 1_000_000_000n,
        maxPriorityFeePerGas: 1n,
        data: encodeFunctionData({
          abi: iSubnetsAbi as Abi,
          functionName: "registerNetwork",
          args: ["net", "ipfs://s", SPEC],
        }),
      },
      { common: txCommon },
    )
      .sign(hexToBytes(alice!.privateKey as Hex))
      .serialize();
    const b1 = await executor.executeBlock(env(1n), [prepareTx(raw, txCommon)], "verify");
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
});
