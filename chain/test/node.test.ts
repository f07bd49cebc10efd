// End-to-end: a real dev node process on loopback, driven only through viem over JSON-RPC.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BaseError,
  ContractFunctionRevertedError,
  FeeCapTooLowError,
  InsufficientFundsError,
  IntrinsicGasTooLowError,
  NonceTooLowError,
  createPublicClient,
  createWalletClient,
  decodeEventLog,
  bytesToBigInt,
  bytesToHex,
  hexToBytes,
  http,
  keccak256,
  parseEther,
  parseGwei,
} from "viem";
import type { Abi, Hex, PublicClient, WalletClient, Chain as ViemChain } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { RPC_OPTS, startDevNode, testChain } from "./helpers/devnode.js";
import type { DevNode } from "./helpers/devnode.js";
import { compileSolidity } from "./helpers/solc.js";
import { verifyMerkleProof } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { multicall3Abi } from "../../contracts/abi/Multicall3.js";
import { MULTICALL3_ADDRESS } from "../src/genesis/predeploys.js";

const COUNTER = `
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Counter {
  uint256 public count;
  event Incremented(address indexed by, uint256 total);
  function inc(uint256 by) external {
    require(by > 0, "by must be positive");
    count += by;
    emit Incremented(msg.sender, count);
  }
}`;

let node: DevNode;
let chain: ViemChain;
let pub: PublicClient;
let wallet: WalletClient;
let counter: { abi: Abi; bytecode: Hex };

function findCause<T>(e: unknown, cls: new (...a: never[]) => T): T | undefined {
  if (!(e instanceof BaseError)) return undefined;
  return (e.walk((x) => x instanceof cls) as T | null) ?? undefined;
}

async function rejection(p: Promise<unknown>): Promise<BaseError> {
  try {
    await p;
  } catch (e) {
    return e as BaseError;
  }
  throw new Error("expected the call to be rejected");
}

beforeAll(async () => {
  node = await startDevNode({ blockTimeMs: 200 });
  chain = testChain(node.chainId, node.rpcUrl);
  pub = createPublicClient({
    chain,
    transport: http(node.rpcUrl, RPC_OPTS),
    pollingInterval: 100,
  }) as PublicClient;
  wallet = createWalletClient({
    chain,
    transport: http(node.rpcUrl, RPC_OPTS),
    account: privateKeyToAccount(node.accounts[0]!.privateKey),
  });
  counter = compileSolidity(COUNTER, "Counter");
});

afterAll(async () => {
  await node?.stop();
});

describe("dev node over JSON-RPC", () => {
  it("serves the dev chain id and funds the dev accounts", async () => {
    expect(await pub.getChainId()).toBe(node.chainId);
    expect(await pub.getBalance({ address: node.accounts[9]!.address })).toBe(parseEther("10000"));
  });

  it("executes value transfers of all three tx types with receipts and fees", async () => {
    const account = privateKeyToAccount(node.accounts[1]!.privateKey);
    const w = createWalletClient({ chain, transport: http(node.rpcUrl, RPC_OPTS), account });
    const to = privateKeyToAccount(generatePrivateKey()).address;
    const before = await pub.getBalance({ address: account.address });
    const hashes = [
      await w.sendTransaction({ to, value: 1n, type: "legacy", gasPrice: parseGwei("2") }),
      await w.sendTransaction({ to, value: 2n, type: "eip2930", gasPrice: parseGwei("2"), accessList: [] }),
      await w.sendTransaction({
        to,
        value: 3n,
        type: "eip1559",
        maxFeePerGas: parseGwei("3"),
        maxPriorityFeePerGas: parseGwei("1"),
      }),
    ];
    let fees = 0n;
    const types: string[] = [];
    for (const hash of hashes) {
      const r = await pub.waitForTransactionReceipt({ hash });
      expect(r.status).toBe("success");
      expect(r.gasUsed).toBe(21000n);
      expect(r.logs).toEqual([]);
      expect(r.from.toLowerCase()).toBe(account.address.toLowerCase());
      expect(r.to?.toLowerCase()).toBe(to.toLowerCase());
      fees += r.gasUsed * r.effectiveGasPrice;
      types.push(r.type);
      const tx = await pub.getTransaction({ hash });
      expect(tx.blockNumber).toBe(r.blockNumber);
    }
    expect(types).toEqual(["legacy", "eip2930", "eip1559"]);
    expect(await pub.getBalance({ address: to })).toBe(6n);
    expect(await pub.getBalance({ address: account.address })).toBe(before - 6n - fees);
    expect(await pub.getTransactionCount({ address: account.address })).toBe(3);
  });

  it("deploys a contract, calls it, and serves its logs", async () => {
    const deploy = await wallet.deployContract({
      abi: counter.abi,
      bytecode: counter.bytecode,
      chain,
      account: wallet.account!,
    });
    const dr = await pub.waitForTransactionReceipt({ hash: deploy });
    expect(dr.status).toBe("success");
    const address = dr.contractAddress!;
    expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect((await pub.getCode({ address }))?.length).toBeGreaterThan(2);

    const gas = await pub.estimateContractGas({
      address,
      abi: counter.abi,
      functionName: "inc",
      args: [5n],
      account: wallet.account!,
    });
    const hash = await wallet.writeContract({
      address,
      abi: counter.abi,
      functionName: "inc",
      args: [5n],
      chain,
      account: wallet.account!,
      gas,
    });
    const r = await pub.waitForTransactionReceipt({ hash });
    expect(r.status).toBe("success");
    expect(r.gasUsed).toBeLessThanOrEqual(gas);
    expect(await pub.readContract({ address, abi: counter.abi, functionName: "count" })).toBe(5n);
    expect(r.logs).toHaveLength(1);
    const ev = decodeEventLog({ abi: counter.abi, ...r.logs[0]! });
    expect(ev.eventName).toBe("Incremented");
    expect((ev.args as unknown as { total: bigint }).total).toBe(5n);

    const logs = await pub.getLogs({ address, fromBlock: 0n, toBlock: "latest" });
    expect(logs).toHaveLength(1);
    expect(logs[0]!.transactionHash).toBe(hash);
    expect(await pub.getLogs({ address: node.accounts[5]!.address, fromBlock: 0n })).toHaveLength(0);

    // Historical state: at the deploy block the counter was still 0.
    const old = await pub.readContract({
      address,
      abi: counter.abi,
      functionName: "count",
      blockNumber: dr.blockNumber,
    });
    expect(old).toBe(0n);
    // State override: eth_call against a modified storage slot.
    const overridden = await pub.readContract({
      address,
      abi: counter.abi,
      functionName: "count",
      stateOverride: [
        { address, stateDiff: [{ slot: `0x${"0".repeat(64)}`, value: `0x${"0".repeat(62)}2a` }] },
      ],
    });
    expect(overridden).toBe(42n);

    // eth_getProof: the account and storage proofs verify against the block's state root.
    const at = await pub.getBlock({ blockNumber: r.blockNumber });
    const proof = await pub.getProof({
      address,
      storageKeys: [`0x${"0".repeat(64)}`],
      blockNumber: r.blockNumber,
    });
    expect(keccak256(proof.accountProof[0]!)).toBe(at.stateRoot);
    const leaf = await verifyMerkleProof(
      hexToBytes(keccak256(address)),
      proof.accountProof.map((x) => hexToBytes(x)),
    );
    expect(leaf).not.toBeNull();
    const [, , storageRoot] = RLP.decode(leaf!) as Uint8Array[];
    expect(bytesToHex(storageRoot!)).toBe(proof.storageHash);
    expect(proof.storageProof[0]!.value).toBe(5n);
    const slot = await verifyMerkleProof(
      hexToBytes(keccak256(`0x${"0".repeat(64)}`)),
      proof.storageProof[0]!.proof.map((x) => hexToBytes(x)),
    );
    expect(bytesToBigInt(RLP.decode(slot!) as Uint8Array)).toBe(5n);

    // Revert reasons: through eth_call (simulate) and on chain (status 0).
    const err = await rejection(
      pub.simulateContract({
        address,
        abi: counter.abi,
        functionName: "inc",
        args: [0n],
        account: wallet.account!,
      }),
    );
    const revert = findCause(err, ContractFunctionRevertedError);
    expect(revert?.reason).toBe("by must be positive");
    const bad = await wallet.writeContract({
      address,
      abi: counter.abi,
      functionName: "inc",
      args: [0n],
      chain,
      account: wallet.account!,
      gas: 100_000n,
    });
    const br = await pub.waitForTransactionReceipt({ hash: bad });
    expect(br.status).toBe("reverted");
  });

  it("rejects bad transactions with the messages viem classifies", async () => {
    const account = privateKeyToAccount(node.accounts[2]!.privateKey);
    const base = {
      chainId: node.chainId,
      to: node.accounts[3]!.address,
      value: 1n,
      maxFeePerGas: parseGwei("5"),
      maxPriorityFeePerGas: parseGwei("1"),
      gas: 21000n,
    } as const;
    const send = (tx: Hex) => pub.sendRawTransaction({ serializedTransaction: tx });

    // Land nonce 0 first.
    const ok = await account.signTransaction({ ...base, nonce: 0 });
    await pub.waitForTransactionReceipt({ hash: await send(ok) });

    // viem classifies node errors of sendTransaction (getTransactionError → getNodeError).
    const sendVia = (a: typeof account, over: Record<string, unknown>) =>
      createWalletClient({ chain, transport: http(node.rpcUrl, RPC_OPTS), account: a }).sendTransaction({
        ...base,
        nonce: 1,
        ...over,
      } as never);
    expect(findCause(await rejection(sendVia(account, { nonce: 0 })), NonceTooLowError)).toBeDefined();
    expect(
      findCause(await rejection(sendVia(account, { gas: 20_000n })), IntrinsicGasTooLowError),
    ).toBeDefined();
    expect(
      findCause(
        await rejection(sendVia(account, { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n })),
        FeeCapTooLowError,
      ),
    ).toBeDefined();
    expect(
      findCause(
        await rejection(sendVia(privateKeyToAccount(generatePrivateKey()), { nonce: 0 })),
        InsufficientFundsError,
      ),
    ).toBeDefined();

    const msg = async (tx: Hex) => (await rejection(send(tx))).message;
    expect(await msg(await account.signTransaction({ ...base, nonce: 1, chainId: 1 }))).toContain(
      "invalid chain id",
    );
    expect(await msg(await account.signTransaction({ ...base, nonce: 1, gas: 300_000_001n }))).toContain(
      "exceeds block gas limit",
    );
    expect(
      await msg(
        await account.signTransaction({
          ...base,
          nonce: 1,
          gas: 10_000_000n,
          data: `0x${"ff".repeat(130 * 1024)}`,
        }),
      ),
    ).toContain("oversized data");

    // A queued tx (nonce gap) stays in the pool: duplicates and cheap replacements are refused.
    const queued = await account.signTransaction({ ...base, nonce: 5 });
    await send(queued);
    const dup = await rejection(send(queued));
    expect(dup.message).toContain("already known");
    expect(await msg(await account.signTransaction({ ...base, nonce: 5, value: 2n }))).toContain(
      "replacement transaction underpriced",
    );
    const bumped = await account.signTransaction({
      ...base,
      nonce: 5,
      value: 2n,
      maxFeePerGas: parseGwei("5.5"),
      maxPriorityFeePerGas: parseGwei("1.1"),
    });
    await send(bumped);
    const pending = (await pub.request({
      method: "eth_getTransactionCount" as never,
      params: [account.address, "pending"] as never,
    })) as Hex;
    expect(BigInt(pending)).toBe(1n);
  });

  it("serves Multicall3 at its canonical address for viem's multicall", async () => {
    const [balance, chainId] = await pub.multicall({
      multicallAddress: MULTICALL3_ADDRESS,
      allowFailure: false,
      contracts: [
        {
          address: MULTICALL3_ADDRESS,
          abi: multicall3Abi,
          functionName: "getEthBalance",
          args: [node.accounts[9]!.address],
        },
        { address: MULTICALL3_ADDRESS, abi: multicall3Abi, functionName: "getChainId" },
      ],
    });
    expect(balance).toBe(parseEther("10000"));
    expect(chainId).toBe(BigInt(node.chainId));
  });

  it("answers fee queries in the shapes wallets expect", async () => {
    const block = await pub.getBlock();
    expect(block.baseFeePerGas).not.toBeNull();
    expect(block.difficulty).toBe(0n);
    expect(block.uncles).toEqual([]);
    const fees = await pub.estimateFeesPerGas();
    expect(fees.maxFeePerGas).toBeGreaterThanOrEqual(fees.maxPriorityFeePerGas);
    const history = await pub.getFeeHistory({ blockCount: 4, rewardPercentiles: [25, 75] });
    expect(history.baseFeePerGas).toHaveLength(history.gasUsedRatio.length + 1);
    expect(history.reward?.[0]).toHaveLength(2);
  });
});
