// An in-process EVM for contract tests: EthereumJS VM (Cancun), accounts of the well-known test
// mnemonic funded at start, signed EIP-1559 transactions run with runTx, reads with runCall.
import { createBlock, type Block } from "@ethereumjs/block";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { createAccount, createAddressFromString } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import { bytesToHex, getAddress, hexToBytes, type Address, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

export const TEST_MNEMONIC = "test test test test test test test test test test test junk";

export interface TestAccount {
  address: Address;
  privateKey: Uint8Array;
}

export interface TxLog {
  address: Address;
  topics: [Hex, ...Hex[]];
  data: Hex;
}

export interface TxOutcome {
  success: boolean;
  /** Return data, or revert data when the call reverted. */
  returnData: Hex;
  logs: TxLog[];
  createdAddress?: Address;
  /** Wei the sender paid for gas. */
  fee: bigint;
}

export interface TxRequest {
  from: TestAccount;
  to?: Address;
  data?: Hex;
  value?: bigint;
  gasLimit?: bigint;
}

const BASE_FEE = 7n;

// Deriving from the mnemonic runs PBKDF2 (2048 rounds) per call: derive each index once per process.
const derived: TestAccount[] = [];
function testAccounts(count: number): TestAccount[] {
  for (let i = derived.length; i < count; i++) {
    const account = mnemonicToAccount(TEST_MNEMONIC, { addressIndex: i });
    const privateKey = account.getHdKey().privateKey;
    if (!privateKey) throw new Error(`no private key for test account ${i}`);
    derived.push({ address: account.address, privateKey });
  }
  return derived.slice(0, count);
}

export class TestEvm {
  private constructor(
    readonly vm: VM,
    readonly common: Common,
    readonly block: Block,
    readonly accounts: TestAccount[],
  ) {}

  static async create(options: { accounts?: number; balance?: bigint } = {}): Promise<TestEvm> {
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun });
    const vm = await createVM({ common });
    const block = createBlock(
      {
        header: {
          number: 100n,
          timestamp: 1_700_000_000n,
          gasLimit: 30_000_000n,
          baseFeePerGas: BASE_FEE,
          coinbase: "0x00000000000000000000000000000000000000c0",
        },
      },
      { common },
    );
    const accounts = testAccounts(options.accounts ?? 4);
    for (const account of accounts) {
      await vm.stateManager.putAccount(
        createAddressFromString(account.address),
        createAccount({ balance: options.balance ?? 10n ** 24n, nonce: 0n }),
      );
    }
    return new TestEvm(vm, common, block, accounts);
  }

  /** Signs and runs a transaction in the test block; state changes persist. */
  async send(req: TxRequest): Promise<TxOutcome> {
    const from = createAddressFromString(req.from.address);
    const account = await this.vm.stateManager.getAccount(from);
    const tx = createFeeMarket1559Tx(
      {
        nonce: account?.nonce ?? 0n,
        maxFeePerGas: 1_000_000_000n,
        maxPriorityFeePerGas: 1n,
        gasLimit: req.gasLimit ?? 5_000_000n,
        to: req.to,
        value: req.value ?? 0n,
        data: req.data ?? "0x",
      },
      { common: this.common },
    ).sign(req.from.privateKey);
    const result = await runTx(this.vm, { tx, block: this.block });
    return {
      success: result.execResult.exceptionError === undefined,
      returnData: bytesToHex(result.execResult.returnValue),
      logs: result.receipt.logs.map(([address, topics, data]) => ({
        address: getAddress(bytesToHex(address)),
        topics: topics.map((t) => bytesToHex(t)) as [Hex, ...Hex[]],
        data: bytesToHex(data),
      })),
      createdAddress: result.createdAddress ? getAddress(result.createdAddress.toString()) : undefined,
      fee: result.amountSpent,
    };
  }

  /** Deploys `bytecode` (constructor arguments appended) and returns the new address. */
  async deploy(from: TestAccount, bytecode: Hex): Promise<Address> {
    const outcome = await this.send({ from, data: bytecode });
    if (!outcome.success || !outcome.createdAddress) {
      throw new Error(`deployment reverted: ${outcome.returnData}`);
    }
    return outcome.createdAddress;
  }

  /** A read-only call (like eth_call) against the current state; changes are discarded. */
  async call(req: {
    to: Address;
    data: Hex;
    from?: Address;
    value?: bigint;
  }): Promise<{ success: boolean; returnData: Hex }> {
    await this.vm.stateManager.checkpoint();
    try {
      const result = await this.vm.evm.runCall({
        caller: createAddressFromString(req.from ?? this.accounts[0]!.address),
        to: createAddressFromString(req.to),
        data: hexToBytes(req.data),
        value: req.value ?? 0n,
        gasLimit: 30_000_000n,
        block: this.block,
      });
      return {
        success: result.execResult.exceptionError === undefined,
        returnData: bytesToHex(result.execResult.returnValue),
      };
    } finally {
      await this.vm.stateManager.revert();
    }
  }

  async balance(address: Address): Promise<bigint> {
    const account = await this.vm.stateManager.getAccount(createAddressFromString(address));
    return account?.balance ?? 0n;
  }

  /** Places runtime code at an address, the way genesis places a predeploy. */
  async setCode(address: Address, code: Hex): Promise<void> {
    const addr = createAddressFromString(address);
    if (!(await this.vm.stateManager.getAccount(addr))) {
      await this.vm.stateManager.putAccount(addr, createAccount({ nonce: 1n, balance: 0n }));
    }
    await this.vm.stateManager.putCode(addr, hexToBytes(code));
  }
}
