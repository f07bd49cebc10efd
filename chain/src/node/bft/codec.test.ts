import { describe, expect, it } from "vitest";
import { hashHeader } from "../../execution/block.js";
import type { Block, BlockHeader } from "../../execution/block.js";
import { encodeBlock } from "../../execution/block.js";
import { bytesToHex } from "../../consensus/types.js";
import type { CommitCertificate, Proposal, Vote } from "../../consensus/types.js";
import {
  BftPayloadError,
  decodeFinalizedBlock,
  decodeProposalMessage,
  decodeTxBatch,
  decodeVoteMessage,
  encodeFinalizedBlock,
  encodeProposalMessage,
  encodeTxBatch,
  encodeVoteMessage,
} from "./codec.js";

function block(n: bigint): Block {
  const header: BlockHeader = {
    parentHash: new Uint8Array(32).fill(1),
    coinbase: new Uint8Array(20).fill(2),
    stateRoot: new Uint8Array(32).fill(3),
    transactionsRoot: new Uint8Array(32).fill(4),
    receiptsRoot: new Uint8Array(32).fill(5),
    logsBloom: new Uint8Array(256),
    number: n,
    gasLimit: 30_000_000n,
    gasUsed: 0n,
    timestamp: 1_700_000_000n,
    extraData: new Uint8Array([9, 9]),
    mixHash: new Uint8Array(32).fill(6),
    baseFeePerGas: 1_000_000_000n,
  };
  return { header, hash: hashHeader(header), txs: [], senders: [], txHashes: [] };
}

const sig = new Uint8Array(65).fill(7);
const validator = `0x${"ab".repeat(20)}` as const;

describe("bft codec", () => {
  it("round-trips a proposal with its block and rejects a block that is not the proposed one", () => {
    const b = block(5n);
    const p: Proposal = {
      height: 5,
      round: 1,
      blockHash: bytesToHex(b.hash),
      polRound: -1,
      proposer: validator,
      signature: sig,
    };
    const m = decodeProposalMessage(encodeProposalMessage(p, encodeBlock(b)));
    expect(m.proposal).toEqual(p);
    expect(bytesToHex(m.block.hash)).toBe(p.blockHash);
    // Two sends of the same proposal are distinct gossip messages (retransmission).
    expect(bytesToHex(encodeProposalMessage(p, encodeBlock(b)))).not.toBe(
      bytesToHex(encodeProposalMessage(p, encodeBlock(b))),
    );
    const other = block(6n);
    expect(() => decodeProposalMessage(encodeProposalMessage(p, encodeBlock(other)))).toThrow(
      BftPayloadError,
    );
    expect(() => decodeProposalMessage(new Uint8Array([1, 2, 3]))).toThrow(BftPayloadError);
  });

  it("takes a block already held instead of decoding the message's copy again", () => {
    const b = block(5n);
    const bytes = encodeBlock(b);
    const p: Proposal = {
      height: 5,
      round: 2,
      blockHash: bytesToHex(b.hash),
      polRound: 0,
      proposer: validator,
      signature: sig,
    };
    const held = (hash: string) => (hash === p.blockHash ? { block: b, bytes } : undefined);
    // The relayed copy's block bytes are not looked at: the proposal names a block we hold.
    const m = decodeProposalMessage(encodeProposalMessage(p, new Uint8Array([0xc0])), held);
    expect(m.block).toBe(b);
    expect(m.blockBytes).toBe(bytes);
    expect(m.proposal).toEqual(p);
    // A block not held is decoded and checked as before.
    const other = { ...p, blockHash: bytesToHex(block(6n).hash), height: 6 };
    expect(
      decodeProposalMessage(encodeProposalMessage(other, encodeBlock(block(6n))), held).block.header.number,
    ).toBe(6n);
    expect(() => decodeProposalMessage(encodeProposalMessage(other, bytes), held)).toThrow(BftPayloadError);
  });

  it("round-trips votes, finalized blocks and tx batches", () => {
    const v: Vote = { type: "precommit", height: 3, round: 0, blockHash: null, validator, signature: sig };
    expect(decodeVoteMessage(encodeVoteMessage(v))).toEqual(v);
    const b = block(3n);
    const cert: CommitCertificate = {
      height: 3,
      round: 0,
      blockHash: bytesToHex(b.hash),
      signatures: [{ validator, signature: sig }],
    };
    const fb = decodeFinalizedBlock(encodeFinalizedBlock(b, cert));
    expect(fb.certificate).toEqual(cert);
    expect(fb.block.header.number).toBe(3n);
    expect(() => decodeFinalizedBlock(encodeFinalizedBlock(block(4n), cert))).toThrow(BftPayloadError);
    const raws = [new Uint8Array([1]), new Uint8Array([2, 3])];
    expect(decodeTxBatch(encodeTxBatch(raws))).toEqual(raws);
  });
});
