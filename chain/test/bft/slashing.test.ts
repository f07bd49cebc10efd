// Slashing end to end on 4 validator processes (real processes on loopback, BFT consensus):
//  - a validator started with the test-only double-sign flag: the others gossip the evidence,
//    a proposer includes it in a block, and executing that block slashes 5% of its stake and
//    tombstones it (ValidatorSlashed / ValidatorTombstoned logs, tensorchain_getStake), after
//    which it leaves the validator set at the next root epoch while the chain goes on;
//  - a validator frozen with SIGSTOP misses more than half of a short downtime window: slashed
//    1% and jailed, out of the set at the next epoch; after SIGCONT and the jail time an unjail
//    transaction from its hotkey brings it back.
// Along the way tensorchain_getValidators reports each registered validator's status (active,
// jailed with its jail time, tombstoned, inactive after an unjail until the next epoch), its
// power in the set and its missed blocks, at the head and at past heights.
// All nodes report the same hash at every height.
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  hexToBytes,
  http,
  type Address,
  type Chain,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterEach, describe, expect, it } from "vitest";
import { stakingPrecompile } from "../../../contracts/system-contracts.js";
import { decodeHeaderExtra } from "../../src/consensus/header-extra.js";
import { readValidatorKeys } from "../../src/genesis/keys.js";
import { DEV_PROTOCOL_PARAMS, TEN, type ProtocolParams } from "../../src/protocol/params.js";
import { RPC_OPTS } from "../helpers/devnode.js";
import { expectSameChain, minHeight, startTestNetwork, until } from "./helpers.js";
import type { TestNetwork, TestNode } from "./helpers.js";

const STAKE = 1000n * TEN; // genesis stake of every validator (genesis/dev.ts)
/** Each wait may take long on a loaded machine; nothing here asserts how long. */
const WAIT_MS = 300_000;
/** Root epochs every 5 blocks: the set is recomputed soon after a punishment. */
const BASE: ProtocolParams = { ...DEV_PROTOCOL_PARAMS, rootTempo: 4 };

let net: TestNetwork | undefined;
afterEach(async () => {
  await net?.close();
  net = undefined;
});

function clients(n: TestNetwork): { chain: Chain; client: PublicClient } {
  const chain = defineChain({
    id: n.plan.chainId,
    name: "tensorchain-testnet",
    nativeCurrency: { name: "TEN", symbol: "TEN", decimals: 18 },
    rpcUrls: { default: { http: [n.nodes[0]!.rpcUrl] } },
  });
  return { chain, client: createPublicClient({ chain, transport: http(n.nodes[0]!.rpcUrl, RPC_OPTS) }) };
}

const hotkeyOf = (n: TestNetwork, i: number) => readValidatorKeys(n.plan.nodes[i]!.keyFile).hotkey;

async function totalStake(node: TestNode, hotkey: Address): Promise<bigint> {
  return BigInt((await node.rpc<{ totalStake: string }>("tensorchain_getStake", [hotkey])).totalStake);
}

interface ValidatorsJson {
  height: string;
  totalPower: string;
  validators: { address: string; pubKey: string; power: string; priority: string }[];
  epoch: number;
  epochBlock: string;
  downtimeWindow: number;
  maxMissedBlocks: number;
  registered: {
    address: string;
    coldkey: string;
    consensusKey: string;
    status: "active" | "inactive" | "jailed" | "tombstoned";
    jailedUntil: string | null;
    power: string;
    bondedStake: string;
    selfStake: string;
    missedBlocks: number;
  }[];
}

const q = (v: bigint | number): string => `0x${v.toString(16)}`;

/**
 * tensorchain_getValidators at the head (or at `height`), checked for what holds at any height:
 * every member is registered with the member's power, non-members have none, the status follows
 * membership and punishment, and the set was computed at a root epoch block before the height.
 */
async function validatorsAt(node: TestNode, height?: bigint | number): Promise<ValidatorsJson> {
  const r = await node.rpc<ValidatorsJson>(
    "tensorchain_getValidators",
    height === undefined ? [] : [q(height)],
  );
  if (height !== undefined) expect(r.height).toBe(q(height));
  const members = new Map(r.validators.map((v) => [v.address, v.power]));
  for (const v of r.registered) {
    expect(v.power).toBe(members.get(v.address) ?? "0x0");
    const expected =
      v.status === "tombstoned" || v.status === "jailed"
        ? v.status
        : members.has(v.address)
          ? "active"
          : "inactive";
    expect(v.status).toBe(expected);
    if (v.status === "active" || v.status === "inactive") expect(v.jailedUntil).toBeNull();
  }
  for (const m of members.keys()) expect(r.registered.map((v) => v.address)).toContain(m);
  const period = BigInt(BASE.rootTempo + 1);
  const e = BigInt(r.epochBlock);
  expect(e < BigInt(r.height)).toBe(true);
  expect(e === 0n ? 0 : Number((e + 1n) / period)).toBe(r.epoch);
  if (e > 0n) expect((e + 1n) % period).toBe(0n);
  return r;
}

const standing = (r: ValidatorsJson, hotkey: string) => {
  const v = r.registered.find((x) => x.address === hotkey);
  if (!v) throw new Error(`${hotkey} is not registered at height ${r.height}`);
  return v;
};

async function setMembers(node: TestNode): Promise<string[]> {
  return (await validatorsAt(node)).validators.map((v) => v.address);
}

interface ValidatorInfo {
  jailedUntil: bigint;
  tombstoned: boolean;
  votingPower: bigint;
}
const getValidator = (client: PublicClient, hotkey: Address) =>
  client.readContract({
    ...stakingPrecompile,
    functionName: "getValidator",
    args: [hotkey],
  }) as Promise<ValidatorInfo>;

describe("slashing on a network of 4 validator processes", () => {
  it("includes double-sign evidence in a block, slashes 5%, tombstones and removes the offender", async () => {
    net = await startTestNetwork(4, 300, { protocol: BASE, args: { 3: ["--test-double-sign"] } });
    const n = net;
    const [n0, n1] = n.nodes as [TestNode, TestNode];
    const { client } = clients(n);
    const offender = hotkeyOf(n, 3).address.toLowerCase() as Address;
    await until(async () => (await minHeight(n.nodes)) >= 1, "4 validators to commit a block", WAIT_MS);
    expect(await setMembers(n0)).toContain(offender);
    // Height 1: the genesis set, every registered validator active with its stake as power.
    const first = await validatorsAt(n1, 1);
    expect(first).toMatchObject({ epoch: 0, epochBlock: "0x0", totalPower: q(4n * STAKE) });
    expect(first.registered.map((v) => [v.status, v.power, v.bondedStake, v.missedBlocks])).toEqual(
      Array(4).fill(["active", q(STAKE), q(STAKE), 0]),
    );

    await until(
      async () => (await totalStake(n0, offender)) < STAKE,
      "the double-signer to be slashed",
      WAIT_MS,
    );
    expect(await totalStake(n0, offender)).toBe(STAKE - STAKE / 20n);
    const v = await getValidator(client, offender);
    expect(v.tombstoned).toBe(true);
    expect(v.votingPower).toBe((STAKE * 95n) / 100n);

    // The block-end logs of the block that carried the evidence.
    const slashed = await client.getContractEvents({
      ...stakingPrecompile,
      eventName: "ValidatorSlashed",
      fromBlock: 0n,
      toBlock: "latest",
    });
    expect(slashed).toHaveLength(1);
    expect(slashed[0]!.args).toMatchObject({ reason: 0, amount: STAKE / 20n });
    expect((slashed[0]!.args as { hotkey: string }).hotkey.toLowerCase()).toBe(offender);
    const tomb = await client.getContractEvents({
      ...stakingPrecompile,
      eventName: "ValidatorTombstoned",
      fromBlock: 0n,
      toBlock: "latest",
    });
    expect(tomb.map((l) => l.blockNumber)).toEqual([slashed[0]!.blockNumber]);
    // That block carries the evidence in its header (after the parent's certificate).
    const carrier = await client.getBlock({ blockNumber: slashed[0]!.blockNumber! });
    const { evidence } = decodeHeaderExtra(hexToBytes(carrier.extraData));
    expect(evidence.map((e) => e.voteA.validator)).toEqual([offender]);
    // Active on the state that block executed on, tombstoned from the next height on.
    const carrierHeight = slashed[0]!.blockNumber!;
    expect(standing(await validatorsAt(n1, carrierHeight), offender).status).toBe("active");
    const afterSlash = standing(await validatorsAt(n1, carrierHeight + 1n), offender);
    expect(afterSlash).toMatchObject({ status: "tombstoned", bondedStake: q((STAKE * 95n) / 100n) });
    // The evidence left every pool once included (stale pieces against the tombstoned
    // validator are dropped when the next proposer builds).
    await until(
      async () => (await n1.rpc<unknown[]>("tensorchain_getEvidence")).length === 0,
      "the evidence pool to be pruned",
      WAIT_MS,
    );

    // Out of the set at the next root epoch; the 3 others keep committing.
    await until(
      async () => !(await setMembers(n0)).includes(offender),
      "the offender to leave the set",
      WAIT_MS,
    );
    expect(await setMembers(n1)).toHaveLength(3);
    const now = await validatorsAt(n1);
    expect(now.registered).toHaveLength(4);
    expect(standing(now, offender)).toMatchObject({ status: "tombstoned", power: "0x0" });
    expect(now.registered.filter((v) => v.status === "active")).toHaveLength(3);
    expect(now.epoch).toBeGreaterThan(0);
    // The set of the running height, from the node's consensus, equals the one replayed for it.
    expect(await validatorsAt(n1, BigInt(now.height))).toEqual(now);
    const h = await minHeight(n.nodes);
    await until(async () => (await minHeight(n.nodes)) >= h + 3, "progress without the offender", WAIT_MS);
    await expectSameChain(n.nodes, await minHeight(n.nodes));
  }, 600_000);

  it("slashes 1% and jails a validator that stops signing; unjail after the jail time brings it back", async () => {
    // Window 20 blocks, at most 10 missed; 5 s in jail.
    net = await startTestNetwork(4, 300, {
      protocol: { ...BASE, downtimeWindow: 20, minSignedPercent: 50, downtimeJailSeconds: 5 },
    });
    const n = net;
    const [n0, n1, n2, n3] = n.nodes as [TestNode, TestNode, TestNode, TestNode];
    const { chain, client } = clients(n);
    const keys = hotkeyOf(n, 3);
    const victim = keys.address.toLowerCase() as Address;
    await until(async () => (await minHeight(n.nodes)) >= 2, "4 validators to commit 2 blocks", WAIT_MS);

    n3.signal("SIGSTOP");
    await until(
      async () => (await getValidator(client, victim)).jailedUntil > 0n,
      "the frozen validator to be jailed for downtime",
      WAIT_MS,
    );
    const jailed = await getValidator(client, victim);
    expect(jailed.votingPower).toBe(STAKE - STAKE / 100n);
    expect(jailed.tombstoned).toBe(false);
    const slashed = await client.getContractEvents({
      ...stakingPrecompile,
      eventName: "ValidatorSlashed",
      fromBlock: 0n,
      toBlock: "latest",
    });
    expect(slashed.map((l) => l.args)).toEqual([
      { hotkey: expect.any(String), reason: 1, amount: STAKE / 100n },
    ]);
    expect((slashed[0]!.args as { hotkey: string }).hotkey.toLowerCase()).toBe(victim);
    // On the state the punishing block executed on, the window held (at least) the most misses
    // allowed; from the next height the validator is jailed and its window starts afresh.
    const jailHeight = slashed[0]!.blockNumber!;
    const beforeJail = await validatorsAt(n0, jailHeight);
    expect(beforeJail).toMatchObject({ downtimeWindow: 20, maxMissedBlocks: 10 });
    expect(standing(beforeJail, victim).status).toBe("active");
    expect(standing(beforeJail, victim).missedBlocks).toBeGreaterThanOrEqual(10);
    expect(standing(await validatorsAt(n0, jailHeight + 1n), victim)).toMatchObject({
      status: "jailed",
      jailedUntil: q(jailed.jailedUntil),
      bondedStake: q(STAKE - STAKE / 100n),
      missedBlocks: 0,
    });
    // Nobody else was punished.
    for (const i of [0, 1, 2])
      expect((await getValidator(client, hotkeyOf(n, i).address)).jailedUntil).toBe(0n);
    await until(
      async () => !(await setMembers(n0)).includes(victim),
      "the jailed validator to leave the set",
      WAIT_MS,
    );
    expect(standing(await validatorsAt(n0), victim)).toMatchObject({ status: "jailed", power: "0x0" });

    n3.signal("SIGCONT");
    // Unjail once a block's timestamp has passed the jail time.
    await until(
      async () => (await client.getBlock()).timestamp >= jailed.jailedUntil,
      "the jail time to pass",
      WAIT_MS,
    );
    const account = privateKeyToAccount(keys.privateKey);
    const wallet = createWalletClient({ chain, account, transport: http(n1.rpcUrl, RPC_OPTS) });
    const hash = await wallet.writeContract({ ...stakingPrecompile, functionName: "unjail", account, chain });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 100, timeout: 60_000 });
    expect(receipt.status).toBe("success");
    expect((await getValidator(client, victim)).jailedUntil).toBe(0n);
    // Unjailed: inactive until a root epoch puts it back in the set (validatorsAt checks that
    // the status follows the membership of that height's set).
    await until(async () => (await n0.height()) >= Number(receipt.blockNumber), "the unjail block", WAIT_MS);
    const unjailed = standing(await validatorsAt(n0, receipt.blockNumber + 1n), victim);
    expect(["active", "inactive"]).toContain(unjailed.status);
    await until(
      async () => (await setMembers(n0)).includes(victim),
      "the unjailed validator to rejoin the set",
      WAIT_MS,
    );
    const h = await minHeight(n.nodes);
    await until(async () => (await minHeight(n.nodes)) >= h + 3, "all 4 to follow the chain", WAIT_MS);
    expect(await setMembers(n2)).toHaveLength(4);
    expect(standing(await validatorsAt(n2), victim).status).toBe("active");
    await expectSameChain(n.nodes, await minHeight(n.nodes));
  }, 600_000);
});
