// Consensus faults carried by blocks, executed by real chains (store, executor, protocol hooks):
// a proposer's block with double-sign evidence re-executes to the same hash on a second node and
// slashes 5% and tombstones; a block with invalid evidence is refused; the parent certificates
// in the headers drive downtime accounting (slash 1%, jail) in the state root.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bytesToHex as utilBytesToHex, hexToBytes as utilHexToBytes } from "@ethereumjs/util";
import { decodeEventLog } from "viem";
import { iStakingAbi } from "../../../../contracts/abi/IStaking.js";
import { makeDuplicateVoteEvidence } from "../../consensus/evidence.js";
import type { DuplicateVoteEvidence } from "../../consensus/evidence.js";
import { encodeHeaderExtra } from "../../consensus/header-extra.js";
import { KeySigner } from "../../consensus/signer.js";
import { bytesToHex, keccak256, voteDigest } from "../../consensus/types.js";
import type { CommitCertificate, Hex, Vote } from "../../consensus/types.js";
import { hashHeader } from "../../execution/block.js";
import type { Block } from "../../execution/block.js";
import { makeCommon } from "../../execution/common.js";
import { InvalidBlockError } from "../../execution/executor.js";
import { createProtocolExecutionHooks } from "../../execution/precompiles/hooks.js";
import { buildGenesis } from "../../genesis/schema.js";
import { Chain } from "../../node/chain.js";
import { DEV_PROTOCOL_PARAMS, PRECOMPILES, TEN } from "../params.js";
import { readOnlyProtocolStore } from "./hook.js";

const dirs: string[] = [];
const chains: Chain[] = [];
afterAll(async () => {
  for (const c of chains) await c.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const CHAIN_ID = 9292;
const STAKE = 1000n * TEN;
const params = { ...DEV_PROTOCOL_PARAMS, downtimeWindow: 4, minSignedPercent: 50, downtimeJailSeconds: 5 };
const keys = [1, 2, 3, 4].map((i) => new KeySigner(keccak256(new Uint8Array([i, 7]))));
const hotkeys = keys.map((_, i) => `0x${(0xa0 + i).toString(16).padStart(40, "0")}` as Hex);
const genesis = buildGenesis({
  chainId: CHAIN_ID,
  networkName: "faults-test",
  genesisTime: 1_700_000_000,
  validators: keys.map((k, i) => ({
    hotkey: hotkeys[i]!,
    consensusPublicKey: bytesToHex(k.pubKey),
    stake: STAKE,
  })),
  accounts: [],
  protocol: params,
});

async function open(): Promise<Chain> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tensorchain-faults-test-"));
  dirs.push(dir);
  const c = await Chain.open({
    dataDir: dir,
    genesis,
    common: makeCommon(genesis.chainId),
    hooks: createProtocolExecutionHooks(params, { chainId: BigInt(CHAIN_ID) }),
  });
  chains.push(c);
  return c;
}

function vote(i: number, type: Vote["type"], height: number, blockHash: Hex | null, signer = keys[i]!): Vote {
  const v = { type, height, round: 0, blockHash, validator: hotkeys[i]! };
  return { ...v, signature: signer.sign(voteDigest(BigInt(CHAIN_ID), v)) };
}

function certificate(block: Block, signers: number[]): CommitCertificate {
  const h = Number(block.header.number);
  const hash = bytesToHex(block.hash);
  return {
    height: h,
    round: 0,
    blockHash: hash,
    signatures: signers
      .map((i) => ({ validator: hotkeys[i]!, signature: vote(i, "precommit", h, hash).signature }))
      .sort((a, b) => (a.validator < b.validator ? -1 : 1)),
  };
}

/** Build the next block on `a` with the given consensus header; apply and commit it on `b` too. */
async function next(a: Chain, b: Chain, extra: Uint8Array) {
  const env = a.nextEnv(utilHexToBytes(hotkeys[0]!), Date.now());
  env.extraData = extra;
  const built = await a.executeCandidate(env, [], "build");
  await a.commitBlock(built);
  const applied = await b.applyBlock(built.block);
  expect(utilBytesToHex(applied.block.hash)).toBe(utilBytesToHex(built.block.hash));
  await b.commitBlock(applied);
  return built;
}

function store(c: Chain) {
  const h = c.head.header;
  return readOnlyProtocolStore(c.viewAt(h), params, h.number, h.timestamp);
}

/** The same block with another consensus header (hash recomputed): what a faulty proposer sends. */
function withExtra(block: Block, extra: Uint8Array): Block {
  const header = { ...block.header, extraData: extra };
  return { ...block, header, hash: hashHeader(header) };
}

const X = bytesToHex(keccak256(new Uint8Array([1])));
const doubleSign = (i: number, height: number, signer?: KeySigner): DuplicateVoteEvidence =>
  makeDuplicateVoteEvidence(vote(i, "prevote", height, X, signer), vote(i, "prevote", height, null, signer));

describe("consensus faults carried by blocks", () => {
  it("registers the genesis validators in the staking state as the consensus set", async () => {
    const a = await open();
    const s = store(a);
    expect((await s.consensusCandidates()).map((v) => v.hotkey.toLowerCase()).sort()).toEqual(
      [...hotkeys].sort(),
    );
    expect(await s.consensusSetAt(1)).toEqual(hotkeys);
    expect(await s.consensusSetFrom()).toBe(1);
    expect(await s.getStake(hotkeys[0]!, hotkeys[0]!)).toBe(STAKE);
  });

  it("slashes 5% and tombstones on valid evidence, refuses blocks with invalid evidence, jails for downtime", async () => {
    const a = await open();
    const b = await open();
    const b1 = await next(a, b, new Uint8Array(0));

    // Invalid evidence: forged (validator 0's votes signed with validator 1's key), from a
    // validator outside the set, or for a height not before the block.
    const cert1 = certificate(b1.block, [0, 1, 2, 3]);
    const good = await a.executeCandidate(
      {
        ...a.nextEnv(utilHexToBytes(hotkeys[0]!), Date.now()),
        extraData: encodeHeaderExtra({ certificate: cert1, evidence: [] }),
      },
      [],
      "build",
    );
    await a.discardBlock(good);
    const invalid = [
      doubleSign(0, 1, keys[1]),
      (() => {
        const outsider = new KeySigner(keccak256(new Uint8Array([99])));
        const v = (h: Hex | null) => {
          const u = {
            type: "prevote" as const,
            height: 1,
            round: 0,
            blockHash: h,
            validator: `0x${"ee".repeat(20)}` as Hex,
          };
          return { ...u, signature: outsider.sign(voteDigest(BigInt(CHAIN_ID), u)) };
        };
        return makeDuplicateVoteEvidence(v(X), v(null));
      })(),
      doubleSign(0, 2),
    ];
    for (const ev of invalid) {
      const bad = withExtra(good.block, encodeHeaderExtra({ certificate: cert1, evidence: [ev] }));
      await expect(b.applyBlock(bad)).rejects.toThrow(InvalidBlockError);
      await expect(b.applyBlock(bad)).rejects.toThrow(/invalid evidence/);
    }
    // A proposer cannot build such a block either.
    await expect(
      a.executeCandidate(
        {
          ...a.nextEnv(utilHexToBytes(hotkeys[0]!), Date.now()),
          extraData: encodeHeaderExtra({ certificate: cert1, evidence: [invalid[0]!] }),
        },
        [],
        "build",
      ),
    ).rejects.toThrow(InvalidBlockError);

    // Valid evidence against validator 0 at height 1.
    const b2 = await next(a, b, encodeHeaderExtra({ certificate: cert1, evidence: [doubleSign(0, 1)] }));
    const s2 = store(b);
    expect(await s2.getStake(hotkeys[0]!, hotkeys[0]!)).toBe(STAKE - STAKE / 20n);
    expect((await s2.getValidator(hotkeys[0]!))?.tombstoned).toBe(true);
    const slashed = b2.executed.blockEndLogs
      .filter((l) => utilBytesToHex(l.address) === PRECOMPILES.staking)
      .map((l) =>
        decodeEventLog({
          abi: iStakingAbi,
          data: utilBytesToHex(l.data) as Hex,
          topics: l.topics.map((t) => utilBytesToHex(t)) as [Hex, ...Hex[]],
        }),
      )
      .filter((e) => e.eventName === "ValidatorSlashed");
    expect(slashed).toHaveLength(1);
    expect(slashed[0]!.args).toMatchObject({ reason: 0, amount: STAKE / 20n });
    // Once applied, the same offence (or another one of the tombstoned validator) is refused.
    const cert2 = certificate(b2.block, [1, 2, 3]);
    const again = await a.executeCandidate(
      {
        ...a.nextEnv(utilHexToBytes(hotkeys[0]!), Date.now()),
        extraData: encodeHeaderExtra({ certificate: cert2, evidence: [] }),
      },
      [],
      "build",
    );
    await a.discardBlock(again);
    await expect(
      b.applyBlock(
        withExtra(again.block, encodeHeaderExtra({ certificate: cert2, evidence: [doubleSign(0, 1)] })),
      ),
    ).rejects.toThrow(/already tombstoned/);

    // Downtime: window 4, at most 2 misses. Validator 3 signs height 1 only (and validator 0 is
    // tombstoned, so it is no longer accounted).
    let prev = b2;
    for (let h = 2; h <= 3; h++)
      prev = await next(
        a,
        b,
        encodeHeaderExtra({ certificate: certificate(prev.block, [1, 2]), evidence: [] }),
      );
    // Height 4's certificate (in block 5) completes validator 3's first window with 3 misses.
    const before = store(b);
    expect((await before.getValidator(hotkeys[3]!))?.jailedUntil).toBe(0n);
    const b5 = await next(
      a,
      b,
      encodeHeaderExtra({ certificate: certificate(prev.block, [1, 2]), evidence: [] }),
    );
    const s5 = store(b);
    const v3 = (await s5.getValidator(hotkeys[3]!))!;
    expect(v3.votingPower).toBe(STAKE - STAKE / 100n);
    expect(v3.jailedUntil).toBe(b5.block.header.timestamp + 5n);
    // Validators 1 and 2 signed every height; they stay.
    for (const i of [1, 2]) expect((await s5.getValidator(hotkeys[i]!))?.jailedUntil).toBe(0n);
    expect((await s5.consensusCandidates()).map((v) => v.hotkey.toLowerCase())).toEqual(
      [hotkeys[1], hotkeys[2]].sort(),
    );
    // Evidence older than the unbonding period (10 blocks in the devnet parameters) is refused.
    prev = b5;
    while (Number(prev.block.header.number) < 1 + params.unbondingBlocks)
      prev = await next(
        a,
        b,
        encodeHeaderExtra({ certificate: certificate(prev.block, [1, 2]), evidence: [] }),
      );
    const certOld = certificate(prev.block, [1, 2]);
    const late = await a.executeCandidate(
      {
        ...a.nextEnv(utilHexToBytes(hotkeys[0]!), Date.now()),
        extraData: encodeHeaderExtra({ certificate: certOld, evidence: [] }),
      },
      [],
      "build",
    );
    await a.discardBlock(late);
    await expect(
      b.applyBlock(
        withExtra(late.block, encodeHeaderExtra({ certificate: certOld, evidence: [doubleSign(1, 1)] })),
      ),
    ).rejects.toThrow(/too old/);
    // Both nodes agree on every state root.
    expect(utilBytesToHex(a.head.header.stateRoot)).toBe(utilBytesToHex(b.head.header.stateRoot));
  });
});
