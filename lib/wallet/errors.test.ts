// What a user reads when a write fails: a revert decoded from a real contract's custom error
// (simulated on a real dev node, as the portals do before asking the wallet), a rejection in
// the wallet, and a protocol contract that is not live.
import { createPublicClient, createWalletClient, http, UserRejectedRequestError } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RPC_OPTS, startDevNode, type DevNode } from "@/chain/test/helpers/devnode";
import { tokenDistributorAbi, tokenDistributorBytecode } from "@/contracts/abi/TokenDistributor";
import { stakingPrecompile } from "@/contracts/system-contracts";
import { describeWalletError } from "./errors";

describe("describeWalletError", () => {
  let node: DevNode;
  beforeAll(async () => {
    node = await startDevNode({ blockTimeMs: 250 });
  }, 120_000);
  afterAll(() => node?.stop());

  it("decodes a simulated revert into the contract's custom error with its arguments", async () => {
    const owner = privateKeyToAccount(node.accounts[0]!.privateKey);
    const stranger = privateKeyToAccount(node.accounts[1]!.privateKey);
    const pub = createPublicClient({ transport: http(node.rpcUrl, RPC_OPTS) });
    const wallet = createWalletClient({ account: owner, transport: http(node.rpcUrl, RPC_OPTS) });
    const hash = await wallet.deployContract({
      chain: null,
      abi: tokenDistributorAbi,
      bytecode: tokenDistributorBytecode,
      args: [owner.address],
    });
    const { contractAddress } = await pub.waitForTransactionReceipt({ hash, timeout: 60_000 });
    const err = await pub
      .simulateContract({
        account: stranger,
        address: contractAddress!,
        abi: tokenDistributorAbi,
        functionName: "transferOwnership",
        args: [stranger.address],
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(describeWalletError(err)).toEqual({
      kind: "revert",
      message: `Reverted: NotOwner(${stranger.address})`,
    });
  }, 120_000);

  it("says the user rejected, for viem's error and a bare EIP-1193 4001", () => {
    const viemErr = new UserRejectedRequestError(new Error("User rejected the request."));
    expect(describeWalletError(viemErr)).toEqual({
      kind: "rejected",
      message: "You rejected the request in your wallet.",
    });
    expect(describeWalletError(Object.assign(new Error("nope"), { code: 4001 })).kind).toBe("rejected");
  });

  it("says a contract is not live when the address answers nothing", async () => {
    const pub = createPublicClient({ transport: http(node.rpcUrl, RPC_OPTS) });
    // An address with no code: a read returns no data, which viem reports as zero data.
    const empty = "0x0000000000000000000000000000000000000999" as const;
    expect(await pub.getCode({ address: empty })).toBeUndefined();
    const err = await pub
      .readContract({ address: empty, abi: stakingPrecompile.abi, functionName: "getValidators" })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).not.toBeNull();
    expect(describeWalletError(err).kind).toBe("not-deployed");
    // The staking precompile itself is live on the devnet.
    await expect(
      pub.readContract({ ...stakingPrecompile, functionName: "getValidators" }),
    ).resolves.toBeDefined();
  }, 60_000);
});
