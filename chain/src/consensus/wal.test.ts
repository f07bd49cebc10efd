// Crash safety of the runner's WAL and last-sign state on real files: the node is "killed" at
// every byte offset of its WAL (a torn last record, or a log cut short), restarted, and must
// recover without ever signing two different values for one height/round/step.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  FileLastSignStore,
  LastSignCorruptError,
  checkLastSign,
  decodeLastSign,
  encodeLastSign,
} from "./last-sign.js";
import type { MachineConfig } from "./machine.js";
import { proposerForRound } from "./proposer.js";
import type { RunnerOutput } from "./runner.js";
import { ConsensusRunner } from "./runner.js";
import { KeySigner, nativeVerifier } from "./signer.js";
import type { Hex, Proposal, ValidatorSet, Vote, VoteType } from "./types.js";
import { Step, bytesToHex, keccak256, makeValidatorSet, proposalDigest, voteDigest } from "./types.js";
import type { WalEntry } from "./wal.js";
import {
  ConsensusWal,
  FileWalStorage,
  MemoryWalStorage,
  WalCorruptError,
  encodeWalEntry,
  frameRecord,
  parseWal,
} from "./wal.js";

const CHAIN_ID = 99n;
const A = bytesToHex(keccak256(new TextEncoder().encode("block A")));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), "tsc-wal-"));
  dirs.push(d);
  return d;
};

const signers = [1, 2, 3, 4].map(
  (i) => new KeySigner(keccak256(new TextEncoder().encode(`wal-test-key-${i}`))),
);
const addressOf = (s: KeySigner): Hex => bytesToHex(keccak256(s.pubKey).subarray(12));
const vals: ValidatorSet = makeValidatorSet(
  signers.map((s) => ({ address: addressOf(s), pubKey: s.pubKey, power: 1n })),
);
const signerOf = (a: Hex): KeySigner => signers.find((s) => addressOf(s) === a)!;
const proposer = proposerForRound(vals, 0).address;
// The node under test: a validator that does not propose in round 0.
const me = vals.validators.find((v) => v.address !== proposer)!.address;
const others = vals.validators.map((v) => v.address).filter((a) => a !== me && a !== proposer);

const config: MachineConfig = {
  chainId: CHAIN_ID,
  self: me,
  timeouts: {
    proposeBase: 1000,
    proposeDelta: 100,
    prevoteBase: 1000,
    prevoteDelta: 100,
    precommitBase: 1000,
    precommitDelta: 100,
  },
  maxRoundsAhead: 10,
};

function vote(type: VoteType, validator: Hex, blockHash: Hex | null, round = 0): Vote {
  const v = { type, height: 1, round, blockHash, validator };
  return { ...v, signature: signerOf(validator).sign(voteDigest(CHAIN_ID, v)) };
}
function proposal(blockHash: Hex): Proposal {
  const p = { height: 1, round: 0, blockHash, polRound: -1, proposer };
  return { ...p, signature: signerOf(proposer).sign(proposalDigest(CHAIN_ID, p)) };
}

function openRunner(dir: string): { runner: ConsensusRunner; wal: ConsensusWal } {
  const wal = ConsensusWal.open(new FileWalStorage(join(dir, "consensus.wal")));
  const runner = new ConsensusRunner({
    config,
    signer: signerOf(me),
    verifier: nativeVerifier,
    wal,
    lastSign: new FileLastSignStore(join(dir, "last-sign")),
  });
  return { runner, wal };
}

type Signed = { key: string; value: string; signature: string };
function signedIn(outputs: RunnerOutput[]): Signed[] {
  return outputs.flatMap((o): Signed[] => {
    if (o.type === "broadcast-vote")
      return [
        {
          key: `${o.vote.height}/${o.vote.round}/${Step[o.vote.type]}`,
          value: String(o.vote.blockHash),
          signature: bytesToHex(o.vote.signature),
        },
      ];
    if (o.type === "broadcast-proposal")
      return [
        {
          key: `${o.proposal.height}/${o.proposal.round}/1`,
          value: o.proposal.blockHash,
          signature: bytesToHex(o.proposal.signature),
        },
      ];
    return [];
  });
}

/** Runs the node to "precommitted A, locked" and returns what it signed. */
function runToPrecommit(dir: string): Signed[] {
  const { runner, wal } = openRunner(dir);
  const out: RunnerOutput[] = [];
  out.push(...runner.start(1, vals));
  out.push(...runner.receiveProposal(proposal(A)));
  out.push(...runner.blockValidated(1, A, true));
  for (const o of others) out.push(...runner.receiveVote(vote("prevote", o, A)));
  wal.close();
  expect(runner.step).toBe("precommit");
  return signedIn(out);
}

describe("consensus WAL and last-sign state", () => {
  it("frames records with a length and checksum and round-trips every entry kind", () => {
    const entries: WalEntry[] = [
      { kind: "height", height: 7 },
      { kind: "proposal", proposal: proposal(A) },
      { kind: "own-vote", vote: vote("precommit", me, null) },
      { kind: "timeout", height: 1, round: 2, step: "prevote" },
      { kind: "block-validated", height: 1, blockHash: A, valid: false },
      { kind: "block-ready", height: 1, round: 3, blockHash: A },
      {
        kind: "certificate",
        certificate: {
          height: 1,
          round: 0,
          blockHash: A,
          signatures: [{ validator: me, signature: vote("precommit", me, A).signature }],
        },
      },
    ];
    const bytes = Buffer.concat(entries.map((e) => frameRecord(encodeWalEntry(e))));
    const parsed = parseWal(bytes);
    expect(parsed.validLength).toBe(bytes.length);
    expect(parsed.entries).toEqual(entries);
  });

  it("treats a bad record in the middle as corruption, not as a torn tail", () => {
    const rec = frameRecord(encodeWalEntry({ kind: "height", height: 1 }));
    const bytes = Buffer.concat([rec, rec, rec]);
    bytes[rec.length + 9] = bytes[rec.length + 9]! ^ 0xff; // flip a payload byte of the middle record
    expect(() => parseWal(bytes)).toThrow(WalCorruptError);
    const storage = new MemoryWalStorage();
    storage.append(bytes);
    expect(() => ConsensusWal.open(storage)).toThrow(WalCorruptError);
  });

  it("recovers from a crash at every byte of the last WAL record without a conflicting signature", () => {
    const base = tempDir();
    const before = runToPrecommit(base);
    expect(before.map((s) => s.key)).toEqual(["1/0/2", "1/0/3"]);
    const walBytes = readFileSync(join(base, "consensus.wal"));
    const { entries } = parseWal(walBytes);
    expect(entries.at(-1)?.kind).toBe("own-vote");
    const lastRecordStart = walBytes.length - frameRecord(encodeWalEntry(entries.at(-1)!)).length;
    for (let cut = lastRecordStart; cut <= walBytes.length; cut++) {
      const dir = tempDir();
      writeFileSync(join(dir, "consensus.wal"), walBytes.subarray(0, cut));
      copyFileSync(join(base, "last-sign"), join(dir, "last-sign"));
      const { runner, wal } = openRunner(dir);
      const replay = runner.start(1, vals);
      // The replayed node is where it crashed: locked on A, precommitted, same signatures.
      expect(runner.step).toBe("precommit");
      expect(replay.filter((o) => o.type === "sign-refused")).toEqual([]);
      expect(signedIn(replay)).toEqual(before);
      // The WAL is whole again (the torn tail was cut and the precommit re-logged).
      wal.close();
      expect(parseWal(readFileSync(join(dir, "consensus.wal"))).entries.at(-1)?.kind).toBe("own-vote");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never double-signs even when the WAL lost records it had synced (cut at every byte)", () => {
    const base = tempDir();
    const before = runToPrecommit(base);
    const walBytes = readFileSync(join(base, "consensus.wal"));
    let refusals = 0;
    for (let cut = 0; cut <= walBytes.length; cut += 5) {
      const dir = tempDir();
      writeFileSync(join(dir, "consensus.wal"), walBytes.subarray(0, cut));
      copyFileSync(join(base, "last-sign"), join(dir, "last-sign"));
      const { runner, wal } = openRunner(dir);
      const out = runner.start(1, vals);
      // Push the node down the nil path: without the guard it would now prevote/precommit nil.
      out.push(...runner.timeout(1, 0, "propose"));
      out.push(...runner.receiveVote(vote("prevote", proposer, null)));
      out.push(...runner.timeout(1, 0, "prevote"));
      refusals += out.filter((o) => o.type === "sign-refused").length;
      const byKey = new Map(before.map((s) => [s.key, s]));
      for (const s of signedIn(out)) {
        const prev = byKey.get(s.key);
        if (prev) expect(s, `cut at ${cut}`).toEqual(prev);
        else expect.fail(`cut at ${cut}: signed a new ${s.key} that was not signed before the crash`);
      }
      wal.close();
      rmSync(dir, { recursive: true, force: true });
    }
    // Short logs do drive the machine to a conflicting nil vote; the guard must have stopped it.
    expect(refusals).toBeGreaterThan(0);
  });

  it("keeps going after recovery: the restarted node commits with the old signatures", () => {
    const base = tempDir();
    runToPrecommit(base);
    const { runner, wal } = openRunner(base);
    runner.start(1, vals);
    const out = others.flatMap((o) => runner.receiveVote(vote("precommit", o, A)));
    const commit = out.find((o) => o.type === "commit");
    expect(commit).toBeDefined();
    expect(
      commit!.type === "commit" && commit!.certificate.signatures.map((s) => s.validator).sort(),
    ).toEqual([me, ...others].sort());
    // The next height starts a fresh WAL.
    runner.start(2, vals);
    wal.close();
    const entries = parseWal(readFileSync(join(base, "consensus.wal"))).entries;
    expect(entries[0]).toEqual({ kind: "height", height: 2 });
  });

  it("refuses a corrupt or torn last-sign file instead of treating it as never signed", () => {
    const dir = tempDir();
    const path = join(dir, "last-sign");
    const store = new FileLastSignStore(path);
    expect(store.load()).toBeNull();
    const state = {
      height: 5,
      round: 1,
      step: Step.precommit,
      digest: keccak256(new Uint8Array([1])),
      signature: new Uint8Array(65).fill(7),
    };
    store.save(state);
    expect(store.load()).toEqual(state);
    const full = readFileSync(path);
    for (let cut = 0; cut < full.length; cut++) {
      writeFileSync(path, full);
      truncateSync(path, cut);
      expect(() => store.load()).toThrow(LastSignCorruptError);
    }
    const flipped = Buffer.from(full);
    flipped[20] = flipped[20]! ^ 1;
    expect(decodeLastSign(flipped)).toBeNull();
    expect(decodeLastSign(encodeLastSign(state))).toEqual(state);
  });

  it("keeps the previous last-sign state when a write of the next one is torn", () => {
    const dir = tempDir();
    const path = join(dir, "last-sign");
    const at = (height: number, fill: number) => ({
      height,
      round: 0,
      step: Step.prevote,
      digest: keccak256(new Uint8Array([fill])),
      signature: new Uint8Array(65).fill(fill),
    });
    const store = new FileLastSignStore(path);
    store.save(at(1, 1));
    store.save(at(2, 2));
    expect(new FileLastSignStore(path).load()).toEqual(at(2, 2));
    const two = readFileSync(path);
    // A crash in the middle of writing state 3 (over state 1's slot): state 2 survives.
    store.save(at(3, 3));
    const three = readFileSync(path);
    expect(new FileLastSignStore(path).load()).toEqual(at(3, 3));
    for (let cut = 1; cut < three.length / 2; cut++) {
      const torn = Buffer.from(two);
      three.copy(torn, 0, 0, cut);
      writeFileSync(path, torn);
      expect(new FileLastSignStore(path).load()).toEqual(at(2, 2));
    }
    // The next save after a reload goes over the torn slot, never over the newest valid one.
    const reopened = new FileLastSignStore(path);
    reopened.save(at(4, 4));
    expect(new FileLastSignStore(path).load()).toEqual(at(4, 4));
    const both = readFileSync(path);
    both[both.length - 1] = both[both.length - 1]! ^ 1;
    both[three.length / 2 - 1] = both[three.length / 2 - 1]! ^ 1;
    writeFileSync(path, both);
    expect(() => new FileLastSignStore(path).load()).toThrow(LastSignCorruptError);
  });

  it("applies the privval rule: later signs, same value reuses, conflicts and older refuse", () => {
    const d1 = keccak256(new Uint8Array([1]));
    const d2 = keccak256(new Uint8Array([2]));
    const last = {
      height: 10,
      round: 2,
      step: Step.prevote,
      digest: d1,
      signature: new Uint8Array(65).fill(9),
    };
    expect(checkLastSign(null, 1, 0, 1, d1).kind).toBe("sign");
    expect(checkLastSign(last, 10, 2, Step.precommit, d2).kind).toBe("sign");
    expect(checkLastSign(last, 10, 3, Step.propose, d2).kind).toBe("sign");
    expect(checkLastSign(last, 11, 0, Step.propose, d2).kind).toBe("sign");
    expect(checkLastSign(last, 10, 2, Step.prevote, d1)).toEqual({
      kind: "reuse",
      signature: last.signature,
    });
    expect(checkLastSign(last, 10, 2, Step.prevote, d2).kind).toBe("refuse");
    expect(checkLastSign(last, 10, 2, Step.propose, d1).kind).toBe("refuse");
    expect(checkLastSign(last, 10, 1, Step.precommit, d1).kind).toBe("refuse");
    expect(checkLastSign(last, 9, 5, Step.precommit, d1).kind).toBe("refuse");
  });
});
