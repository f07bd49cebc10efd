// Test harness: an in-process EthereumJS VM (Cancun) with the protocol precompiles installed
// and attached, accounts of the test mnemonic funded, signed EIP-1559 transactions, eth_call
// style reads, and block production that runs the protocol's block-end step like the node.
import { createBlock, type Block } from "@ethereumjs/block";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { createEVM } from "@ethereumjs/evm";
import { MerkleStateManager } from "@ethereumjs/statemanager";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { createAccount, createAddressFromString } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import {
  bytesToHex,
  decodeErrorResult,
  decodeFunctionResult,
  encodeFunctionData,
  getAddress,
  hexToBytes,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import { allErrorsAbi } from "../../../../contracts/abi/errors.js";
import { TestEvm, type TestAccount } from "../../../../contracts/test/evm.js";
import type { ProtocolParams } from "../../protocol/params.js";
import { runBlockEnd, type BlockEndResult } from "../../protocol/state/block-end.js";
import { stateManagerPort } from "../../protocol/state/port.js";
import { ProtocolStore } from "../../protocol/state/store.js";
import { attachProtocolPrecompiles, createProtocolPrecompiles } from "./protocol-precompiles.js";

export interface SentTx {
  success: boolean;
  returnData: Hex;
  logs: { address: Address; topics: Hex[]; data: Hex }[];
  gasUsed: bigint;
  fee: bigint;
  /** Decoded custom error when the tx reverted with one. */
  error?: { errorName: string; args: readonly unknown[] };
}

export class ProtocolTestChain {
  number: bigint;
  private constructor(
    readonly vm: VM,
    readonly common: Common,
    readonly params: ProtocolParams,
    readonly accounts: TestAccount[],
    start: bigint,
  ) {
    this.number = start;
  }

  static async create(params: ProtocolParams, accounts = 8, start = 1n): Promise<ProtocolTestChain> {
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun });
    const stateManager = new MerkleStateManager({ common });
    const evm = await createEVM({
      common,
      stateManager,
      customPrecompiles: createProtocolPrecompiles(params),
    });
    attachProtocolPrecompiles(evm);
    const vm = await createVM({ common, stateManager, evm });
    // TestEvm derives (and caches) the mnemonic's keys; only its accounts are used here.
    const keys = (await TestEvm.create({ accounts })).accounts;
    for (const a of keys)
      await stateManager.putAccount(
        createAddressFromString(a.address),
        createAccount({ balance: 10n ** 24n, nonce: 0n }),
      );
    return new ProtocolTestChain(vm, common, params, keys, start);
  }

  block(): Block {
    return createBlock(
      {
        header: {
          number: this.number,
          timestamp: 1_700_000_000n + this.number * 2n,
          gasLimit: 30_000_000n,
          baseFeePerGas: 7n,
          coinbase: "0x00000000000000000000000000000000000000c0",
        },
      },
      { common: this.common },
    );
  }

  async send(req: {
    from: TestAccount;
    to: Address;
    data: Hex;
    value?: bigint;
    gasLimit?: bigint;
  }): Promise<SentTx> {
    const account = await this.vm.stateManager.getAccount(createAddressFromString(req.from.address));
    const tx = createFeeMarket1559Tx(
      {
        nonce: account?.nonce ?? 0n,
        maxFeePerGas: 1_000_000_000n,
        maxPriorityFeePerGas: 1n,
        gasLimit: req.gasLimit ?? 5_000_000n,
        to: req.to,
        value: req.value ?? 0n,
        data: req.data,
      },
      { common: this.common },
    ).sign(req.from.privateKey);
    const r = await runTx(this.vm, { tx, block: this.block() });
    const returnData = bytesToHex(r.execResult.returnValue);
    const success = r.execResult.exceptionError === undefined;
    let error: SentTx["error"];
    if (!success && returnData.length >= 10) {
      const d = decodeErrorResult({ abi: allErrorsAbi as Abi, data: returnData });
      error = { errorName: d.errorName, args: d.args ?? [] };
    }
    return {
      success,
      returnData,
      logs: r.receipt.logs.map(([a, t, d]) => ({
        address: getAddress(bytesToHex(a)),
        topics: t.map((x) => bytesToHex(x)),
        data: bytesToHex(d),
      })),
      gasUsed: r.totalGasSpent,
      fee: r.amountSpent,
      error,
    };
  }

  /** Sends a contract call built from an ABI; throws with the decoded error when it reverts. */
  async write(
    from: TestAccount,
    to: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[],
    value = 0n,
  ): Promise<SentTx> {
    const r = await this.send({
      from,
      to,
      data: encodeFunctionData({ abi, functionName, args } as never),
      value,
    });
    if (!r.success)
      throw new Error(
        `${functionName} reverted: ${r.error ? `${r.error.errorName}(${r.error.args.join(", ")})` : r.returnData}`,
      );
    return r;
  }

  /** eth_call: runs the call at the current block and discards its changes. */
  async read<T = unknown>(
    to: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[] = [],
    from?: Address,
  ): Promise<T> {
    const sm = this.vm.stateManager;
    await sm.checkpoint();
    try {
      const r = await this.vm.evm.runCall({
        caller: createAddressFromString(from ?? this.accounts[0]!.address),
        to: createAddressFromString(to),
        data: hexToBytes(encodeFunctionData({ abi, functionName, args } as never)),
        gasLimit: 30_000_000n,
        block: this.block(),
      });
      const data = bytesToHex(r.execResult.returnValue);
      if (r.execResult.exceptionError) {
        const d = data.length >= 10 ? decodeErrorResult({ abi: allErrorsAbi as Abi, data }) : undefined;
        throw new Error(`${functionName} reverted: ${d ? d.errorName : data}`);
      }
      return decodeFunctionResult({ abi, functionName, data } as never) as T;
    } finally {
      await sm.revert();
    }
  }

  /** A store over the current state at the current block (test reads and direct operations). */
  store(): ProtocolStore {
    return new ProtocolStore(
      stateManagerPort(this.vm.stateManager),
      this.params,
      Number(this.number),
      1_700_000_000n + this.number * 2n,
    );
  }

  /** Finishes the current block (protocol block-end step) and opens the next. */
  async endBlock(): Promise<BlockEndResult> {
    const r = await runBlockEnd(this.store());
    this.number++;
    return r;
  }

  async balance(address: Address): Promise<bigint> {
    return (await this.vm.stateManager.getAccount(createAddressFromString(address)))?.balance ?? 0n;
  }

  async setCode(address: Address, code: Hex): Promise<void> {
    const addr = createAddressFromString(address);
    await this.vm.stateManager.putAccount(addr, createAccount({ nonce: 1n, balance: 0n }));
    await this.vm.stateManager.putCode(addr, hexToBytes(code));
  }
}
