// Light-client verification against real EthereumJS tries and real secp256k1 certificates.
import { readFileSync } from "node:fs";
import { createBlockHeader } from "@ethereumjs/block";
import { Common, Mainnet } from "@ethereumjs/common";
import { createMPT, createMerkleProof } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { bigIntToBytes, createAccount } from "@ethereumjs/util";
import { describe, expect, it } from "vitest";
import { KeySigner } from "../consensus/signer.js";
import type { CommitCertificate, Hex } from "../consensus/types.js";
import { bytesToHex, keccak256, makeValidatorSet, voteDigest } from "../consensus/types.js";
import {
  LightClientError,
  verifyAccountProof,
  verifyCommitCertificate,
  verifyHeader,
  verifyMptProof,
} from "./light-client.js";

const CHAIN_ID = 31337n;
const keys = [1, 2, 3, 4].map((i) => new KeySigner(keccak256(new TextEncoder().encode(`lc-${i}`))));
const addrOf = (k: KeySigner): Hex => bytesToHex(keccak256(k.pubKey).subarray(12));
const powers = [1n, 2n, 3n, 4n]; // total 10: more than 2/3 needs 7
const validators = makeValidatorSet(
  keys.map((k, i) => ({ address: addrOf(k), pubKey: k.pubKey, power: powers[i]! })),
);

function certificate(
  height: number,
  blockHash: Hex,
  signerIdx: number[],
  chainId = CHAIN_ID,
): CommitCertificate {
  const round = 1;
  const digest = voteDigest(chainId, { type: "precommit", height, round, blockHash });
  return {
    height,
    round,
    blockHash,
    signatures: signerIdx.map((i) => ({ validator: addrOf(keys[i]!), signature: keys[i]!.sign(digest) })),
  };
}

const hexes = (xs: Uint8Array[]): Hex[] => xs.map((x) => bytesToHex(x));
const quantity = (v: bigint): string => `0x${v.toString(16)}`;

async function buildState() {
  const storage = await createMPT({ useKeyHashing: true });
  const slots: Uint8Array[] = [];
  for (let i = 0; i < 60; i++) {
    const slot = keccak256(new Uint8Array([i, 1])).slice();
    slots.push(slot);
    await storage.put(slot, RLP.encode(bigIntToBytes(BigInt(i * 1000 + 1))));
  }
  const state = await createMPT({ useKeyHashing: true });
  const target = hexToAddr("0x" + "ab".repeat(20));
  const account = createAccount({
    nonce: 7n,
    balance: 123456789n,
    storageRoot: storage.root(),
    codeHash: keccak256(new Uint8Array([0x60, 0x00])),
  });
  await state.put(target, account.serialize());
  for (let i = 0; i < 300; i++) {
    const a = keccak256(new Uint8Array([i, 2])).slice(0, 20);
    await state.put(a, createAccount({ nonce: BigInt(i), balance: BigInt(i) * 10n }).serialize());
  }
  const result = {
    address: bytesToHex(target),
    accountProof: hexes(await createMerkleProof(state, target)),
    balance: quantity(123456789n),
    codeHash: bytesToHex(account.codeHash),
    nonce: quantity(7n),
    storageHash: bytesToHex(storage.root()),
    storageProof: [
      {
        key: bytesToHex(slots[5]!),
        value: quantity(5001n),
        proof: hexes(await createMerkleProof(storage, slots[5]!)),
      },
      {
        key: bytesToHex(slots[42]!),
        value: quantity(42001n),
        proof: hexes(await createMerkleProof(storage, slots[42]!)),
      },
      // An unset slot reads as zero, proven by absence.
      { key: "0x1", value: "0x0", proof: hexes(await createMerkleProof(storage, bigIntToBytes32(1n))) },
    ],
  };
  return { state, storage, result, stateRoot: bytesToHex(state.root()) };
}

function hexToAddr(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h.slice(2), "hex"));
}
function bigIntToBytes32(v: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(v.toString(16).padStart(64, "0"), "hex"));
}

describe("light client: commit certificates", () => {
  const hash = bytesToHex(keccak256(new Uint8Array([9])));

  it("accepts more than 2/3 of the power and reports it", () => {
    expect(
      verifyCommitCertificate({
        chainId: CHAIN_ID,
        validators,
        height: 5,
        blockHash: hash,
        certificate: certificate(5, hash, [2, 3]),
      }),
    ).toBe(7n);
  });

  it("rejects insufficient power, wrong height, wrong hash, wrong chain, duplicates and outsiders", () => {
    const check =
      (cert: CommitCertificate, height = 5, blockHash = hash) =>
      () =>
        verifyCommitCertificate({ chainId: CHAIN_ID, validators, height, blockHash, certificate: cert });
    expect(check(certificate(5, hash, [1, 3]))).toThrow(/not more than 2\/3/); // 6 of 10
    expect(check(certificate(5, hash, [2, 3]), 6)).toThrow(LightClientError);
    expect(check(certificate(5, hash, [2, 3]), 5, bytesToHex(keccak256(new Uint8Array([1]))))).toThrow(
      LightClientError,
    );
    expect(check(certificate(5, hash, [0, 1, 2, 3], CHAIN_ID + 1n))).toThrow(/invalid precommit signature/);
    const dup = certificate(5, hash, [3, 2]);
    dup.signatures.push(dup.signatures[0]!);
    expect(check(dup)).toThrow(/twice/);
    const outsider = new KeySigner(keccak256(new Uint8Array([77])));
    const withOutsider = certificate(5, hash, [2, 3]);
    withOutsider.signatures.push({
      validator: addrOf(outsider),
      signature: outsider.sign(
        voteDigest(CHAIN_ID, { type: "precommit", height: 5, round: 1, blockHash: hash }),
      ),
    });
    expect(check(withOutsider)).toThrow(/not in the validator set/);
    // A signature moved to another validator's name.
    const swapped = certificate(5, hash, [2, 3]);
    swapped.signatures[0] = { ...swapped.signatures[0]!, signature: swapped.signatures[1]!.signature };
    expect(check(swapped)).toThrow(/invalid precommit signature/);
  });
});

describe("light client: headers and state proofs", () => {
  it("verifies a header against its certificate, then an account and its storage against its state root", async () => {
    const { result, stateRoot } = await buildState();
    const header = createBlockHeader(
      { number: 12n, stateRoot: Buffer.from(stateRoot.slice(2), "hex"), gasLimit: 30_000_000n },
      { common: new Common({ chain: Mainnet }) },
    );
    const headerRlp = header.serialize();
    const blockHash = bytesToHex(header.hash());
    const verified = verifyHeader({
      chainId: CHAIN_ID,
      validators,
      headerRlp,
      certificate: certificate(12, blockHash, [0, 2, 3]),
    });
    expect(verified).toEqual({ hash: blockHash, number: 12, stateRoot });
    expect(() =>
      verifyHeader({
        chainId: CHAIN_ID,
        validators,
        headerRlp,
        certificate: certificate(11, blockHash, [0, 2, 3]),
      }),
    ).toThrow(LightClientError);

    const account = verifyAccountProof(verified.stateRoot as Hex, result);
    expect(account.nonce).toBe(7n);
    expect(account.balance).toBe(123456789n);
    expect([...account.storage.values()]).toEqual([5001n, 42001n, 0n]);
  });

  it("rejects tampered account fields, storage values, proof nodes and roots", async () => {
    const { result, stateRoot } = await buildState();
    expect(() => verifyAccountProof(stateRoot, { ...result, balance: quantity(123456790n) })).toThrow(
      /balance/,
    );
    expect(() => verifyAccountProof(stateRoot, { ...result, nonce: "0x8" })).toThrow(/nonce/);
    const badStorage = { ...result, storageProof: [{ ...result.storageProof[0]!, value: quantity(5002n) }] };
    expect(() => verifyAccountProof(stateRoot, badStorage)).toThrow(/storage value/);
    // Claiming a value for a slot whose proof shows it absent.
    const absentClaim = { ...result, storageProof: [{ ...result.storageProof[2]!, value: "0x5" }] };
    expect(() => verifyAccountProof(stateRoot, absentClaim)).toThrow(/storage value/);
    const nodes = [...result.accountProof];
    const mid = nodes[1]!;
    nodes[1] = (mid.slice(0, 20) + (mid[20] === "0" ? "1" : "0") + mid.slice(21)) as Hex;
    expect(() => verifyAccountProof(stateRoot, { ...result, accountProof: nodes })).toThrow(LightClientError);
    expect(() =>
      verifyAccountProof(stateRoot, { ...result, accountProof: result.accountProof.slice(0, -1) }),
    ).toThrow(LightClientError);
    expect(() => verifyAccountProof(bytesToHex(keccak256(new Uint8Array([3]))), result)).toThrow(
      /does not match/,
    );
    expect(() => verifyAccountProof(stateRoot, { ...result, accountProof: "nope" })).toThrow(
      /malformed eth_getProof/,
    );
  });

  it("proves an absent account as empty, and rejects state claimed for it", async () => {
    const { state, stateRoot } = await buildState();
    const missing = hexToAddr("0x" + "cd".repeat(20));
    const proof = hexes(await createMerkleProof(state, missing));
    const empty = {
      address: bytesToHex(missing),
      accountProof: proof,
      balance: "0x0",
      nonce: "0x0",
      codeHash: "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
      storageHash: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5a363b421",
      storageProof: [],
    };
    expect(verifyAccountProof(stateRoot, empty).balance).toBe(0n);
    expect(() => verifyAccountProof(stateRoot, { ...empty, balance: "0x1" })).toThrow(/does not exist/);
  });

  it("walks proofs with embedded (short) nodes", async () => {
    // Tiny values under short keys produce nodes under 32 bytes, which parents embed.
    const trie = await createMPT();
    for (let i = 0; i < 40; i++) await trie.put(new Uint8Array([i >> 3, i & 7]), new Uint8Array([i + 1]));
    for (let i = 0; i < 40; i++) {
      const key = new Uint8Array([i >> 3, i & 7]);
      expect(verifyMptProof(trie.root(), key, await createMerkleProof(trie, key))).toEqual(
        new Uint8Array([i + 1]),
      );
    }
    const absent = new Uint8Array([9, 9]);
    expect(verifyMptProof(trie.root(), absent, await createMerkleProof(trie, absent))).toBeNull();
  });

  it("stays browser-safe: no Node built-ins in the light client's module graph", () => {
    for (const f of [
      "./light-client.ts",
      "./rpc-verify.ts",
      "../consensus/crypto.ts",
      "../consensus/types.ts",
    ]) {
      const src = readFileSync(new URL(f, import.meta.url), "utf8");
      expect(src, f).not.toMatch(/from "node:|require\(/);
    }
  });
});
