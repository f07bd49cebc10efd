// TokenDistributor and TestToken executed in a real EVM (EthereumJS VM, Cancun) with signed txs.
import {
  decodeEventLog,
  decodeFunctionResult,
  encodeDeployData,
  encodeFunctionData,
  type EncodeFunctionDataParameters,
  type Address,
  type Hex,
} from "viem";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildContracts } from "./build";
import { TestEvm, type TestAccount, type TxOutcome } from "./test/evm";

type Abis = {
  distributor: typeof import("./abi/TokenDistributor");
  token: typeof import("./abi/TestToken");
  errors: typeof import("./errors");
};

type DistributorAbi = Abis["distributor"]["tokenDistributorAbi"];

let abis: Abis;
beforeAll(async () => {
  buildContracts();
  abis = {
    distributor: await import("./abi/TokenDistributor"),
    token: await import("./abi/TestToken"),
    errors: await import("./errors"),
  };
});

function expectRevert(outcome: TxOutcome, description: string) {
  expect(outcome.success).toBe(false);
  expect(abis.errors.decodeContractError(outcome.returnData)?.description).toBe(description);
}

describe("TokenDistributor", () => {
  let evm: TestEvm;
  let owner: TestAccount;
  let other: TestAccount;
  let distributor: Address;
  const recipients: Address[] = [
    "0x1000000000000000000000000000000000000001",
    "0x1000000000000000000000000000000000000002",
    "0x1000000000000000000000000000000000000003",
  ];

  const callData = (p: Omit<EncodeFunctionDataParameters<DistributorAbi>, "abi">): Hex =>
    encodeFunctionData({
      abi: abis.distributor.tokenDistributorAbi,
      ...p,
    } as EncodeFunctionDataParameters<DistributorAbi>);

  async function read(functionName: "owner" | "pendingOwner"): Promise<Address> {
    const abi = abis.distributor.tokenDistributorAbi;
    const { returnData } = await evm.call({
      to: distributor,
      data: encodeFunctionData({ abi, functionName }),
    });
    return decodeFunctionResult({ abi, functionName, data: returnData });
  }

  beforeEach(async () => {
    evm = await TestEvm.create();
    [owner, other] = evm.accounts as [TestAccount, TestAccount];
    distributor = await evm.deploy(
      owner,
      encodeDeployData({
        abi: abis.distributor.tokenDistributorAbi,
        bytecode: abis.distributor.tokenDistributorBytecode,
        args: [owner.address],
      }),
    );
  });

  it("pays a native batch exactly and logs every payment", async () => {
    const amounts = [1n, 2n * 10n ** 18n, 12345n];
    const total = amounts.reduce((a, b) => a + b);
    const ownerBefore = await evm.balance(owner.address);
    const outcome = await evm.send({
      from: owner,
      to: distributor,
      value: total,
      data: callData({ functionName: "distributeNative", args: [recipients, amounts] }),
    });
    expect(outcome.success).toBe(true);
    for (const [i, r] of recipients.entries()) expect(await evm.balance(r)).toBe(amounts[i]);
    expect(await evm.balance(distributor)).toBe(0n);
    expect(await evm.balance(owner.address)).toBe(ownerBefore - total - outcome.fee);
    const events = outcome.logs.map((l) =>
      decodeEventLog({ abi: abis.distributor.tokenDistributorAbi, ...l }),
    );
    expect(events.map((e) => e.eventName)).toEqual(["Paid", "Paid", "Paid", "BatchDistributed"]);
    expect(events[1]?.args).toEqual({
      token: "0x0000000000000000000000000000000000000000",
      recipient: recipients[1],
      amount: amounts[1],
    });
    expect(events[3]?.args).toEqual({
      token: "0x0000000000000000000000000000000000000000",
      recipients: 3n,
      total,
    });
  });

  it("rejects a native batch whose value is not exactly the sum, paying nobody", async () => {
    for (const value of [5n, 7n]) {
      const outcome = await evm.send({
        from: owner,
        to: distributor,
        value,
        data: callData({ functionName: "distributeNative", args: [recipients.slice(0, 2), [3n, 3n]] }),
      });
      expectRevert(outcome, `ValueMismatch(${value}, 6)`);
    }
    expect(await evm.balance(recipients[0]!)).toBe(0n);
  });

  it("rejects malformed batches", async () => {
    const send = (r: Address[], a: bigint[]) =>
      evm.send({
        from: owner,
        to: distributor,
        value: a.reduce((x, y) => x + y, 0n),
        data: callData({ functionName: "distributeNative", args: [r, a] }),
      });
    expectRevert(await send([], []), "EmptyBatch()");
    expectRevert(await send(recipients, [1n]), "LengthMismatch(3, 1)");
    expectRevert(
      await send([recipients[0]!, "0x0000000000000000000000000000000000000000"], [1n, 1n]),
      "InvalidRecipient(1)",
    );
  });

  it("reverts the whole native batch when one recipient refuses the payment", async () => {
    // TestToken has no receive function, so sending it native tokens fails.
    const token = await evm.deploy(
      owner,
      encodeDeployData({
        abi: abis.token.testTokenAbi,
        bytecode: abis.token.testTokenBytecode,
        args: ["T", "T", 1n],
      }),
    );
    const outcome = await evm.send({
      from: owner,
      to: distributor,
      value: 3n,
      data: callData({
        functionName: "distributeNative",
        args: [
          [recipients[0]!, token],
          [1n, 2n],
        ],
      }),
    });
    expectRevert(outcome, `NativeTransferFailed(${token}, 2)`);
    expect(await evm.balance(recipients[0]!)).toBe(0n);
  });

  it("lets only the owner distribute", async () => {
    const outcome = await evm.send({
      from: other,
      to: distributor,
      value: 1n,
      data: callData({ functionName: "distributeNative", args: [[recipients[0]!], [1n]] }),
    });
    expectRevert(outcome, `NotOwner(${other.address})`);
    const tokenOutcome = await evm.send({
      from: other,
      to: distributor,
      data: callData({ functionName: "distributeToken", args: [recipients[0]!, [recipients[1]!], [1n]] }),
    });
    expectRevert(tokenOutcome, `NotOwner(${other.address})`);
  });

  it("pays an ERC-20 batch from the owner's approved balance", async () => {
    const tokenAbi = abis.token.testTokenAbi;
    const token = await evm.deploy(
      owner,
      encodeDeployData({
        abi: tokenAbi,
        bytecode: abis.token.testTokenBytecode,
        args: ["Test", "TST", 1000n],
      }),
    );
    const balanceOf = async (a: Address) =>
      decodeFunctionResult({
        abi: tokenAbi,
        functionName: "balanceOf",
        data: (
          await evm.call({
            to: token,
            data: encodeFunctionData({ abi: tokenAbi, functionName: "balanceOf", args: [a] }),
          })
        ).returnData,
      });
    const distribute = (amounts: bigint[]) =>
      evm.send({
        from: owner,
        to: distributor,
        data: callData({ functionName: "distributeToken", args: [token, recipients, amounts] }),
      });

    // Without an allowance the token's own error makes the batch fail as a whole.
    expectRevert(await distribute([1n, 2n, 3n]), `TokenTransferFailed(${token}, ${recipients[0]}, 1)`);

    const approve = await evm.send({
      from: owner,
      to: token,
      data: encodeFunctionData({ abi: tokenAbi, functionName: "approve", args: [distributor, 100n] }),
    });
    expect(approve.success).toBe(true);
    const outcome = await distribute([10n, 20n, 30n]);
    expect(outcome.success).toBe(true);
    expect(await Promise.all(recipients.map(balanceOf))).toEqual([10n, 20n, 30n]);
    expect(await balanceOf(owner.address)).toBe(940n);
    expect(await balanceOf(distributor)).toBe(0n);
    const last = outcome.logs.at(-1)!;
    expect(decodeEventLog({ abi: abis.distributor.tokenDistributorAbi, ...last })).toMatchObject({
      eventName: "BatchDistributed",
      args: { token, recipients: 3n, total: 60n },
    });

    // 40 left of the allowance: a batch of 41 fails at its last transfer and pays nobody.
    expectRevert(await distribute([20n, 20n, 1n]), `TokenTransferFailed(${token}, ${recipients[2]}, 1)`);
    expect(await Promise.all(recipients.map(balanceOf))).toEqual([10n, 20n, 30n]);
  });

  it("refuses a token address without code", async () => {
    const outcome = await evm.send({
      from: owner,
      to: distributor,
      data: callData({ functionName: "distributeToken", args: [recipients[0]!, [recipients[1]!], [1n]] }),
    });
    expectRevert(outcome, `NotAContract(${recipients[0]})`);
  });

  it("transfers ownership in two steps", async () => {
    expectRevert(
      await evm.send({
        from: other,
        to: distributor,
        data: callData({ functionName: "transferOwnership", args: [other.address] }),
      }),
      `NotOwner(${other.address})`,
    );
    expectRevert(
      await evm.send({ from: other, to: distributor, data: callData({ functionName: "acceptOwnership" }) }),
      `NotPendingOwner(${other.address})`,
    );
    const start = await evm.send({
      from: owner,
      to: distributor,
      data: callData({ functionName: "transferOwnership", args: [other.address] }),
    });
    expect(start.success).toBe(true);
    expect(await read("owner")).toBe(owner.address);
    expect(await read("pendingOwner")).toBe(other.address);

    const accept = await evm.send({
      from: other,
      to: distributor,
      data: callData({ functionName: "acceptOwnership" }),
    });
    expect(accept.success).toBe(true);
    expect(decodeEventLog({ abi: abis.distributor.tokenDistributorAbi, ...accept.logs[0]! })).toMatchObject({
      eventName: "OwnershipTransferred",
      args: { previousOwner: owner.address, newOwner: other.address },
    });
    expect(await read("owner")).toBe(other.address);
    expect(await read("pendingOwner")).toBe("0x0000000000000000000000000000000000000000");

    // The old owner lost its rights; the new one has them.
    const payload = callData({ functionName: "distributeNative", args: [[recipients[0]!], [1n]] });
    expectRevert(
      await evm.send({ from: owner, to: distributor, value: 1n, data: payload }),
      `NotOwner(${owner.address})`,
    );
    expect((await evm.send({ from: other, to: distributor, value: 1n, data: payload })).success).toBe(true);
  });

  it("refuses the zero address as initial owner", async () => {
    const outcome = await evm.send({
      from: owner,
      data: encodeDeployData({
        abi: abis.distributor.tokenDistributorAbi,
        bytecode: abis.distributor.tokenDistributorBytecode,
        args: ["0x0000000000000000000000000000000000000000"],
      }),
    });
    expectRevert(outcome, "ZeroAddress()");
  });
});
