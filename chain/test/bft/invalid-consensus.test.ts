// A peer that gossips invalid consensus data to a real validator process is scored down and
// disconnected, and the validator goes on. Two validator processes on loopback; the second is
// stopped so the first sits in one height (it holds half the power, short of 2/3),
// where every vote and proposal it hears reaches the signature and validator checks. An
// in-process libp2p peer with the chain's topics then publishes a malformed vote, a proposal
// whose block does not decode, votes signed with the wrong key in a validator's name, and a vote
// from an address outside the set. Each is rejected (tensorchain_netInfo counts it), the fifth
// takes the peer to the ban threshold (default scoring: -10 each, ban at -50), the validator hangs
// up and refuses its redial, and once the second validator returns the chain commits again with
// both nodes on the same blocks.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KeySigner } from "../../src/consensus/signer.js";
import { bytesToHex, proposalDigest, voteDigest, type Hex } from "../../src/consensus/types.js";
import type { UnsignedVote } from "../../src/consensus/types.js";
import { readValidatorKeys } from "../../src/genesis/keys.js";
import { createNetwork, type GossipKind, type Network } from "../../src/network/p2p.js";
import { encodeProposalMessage, encodeVoteMessage } from "../../src/node/bft/codec.js";
import { connectedIds, waitFor } from "../helpers/networks.js";
import { expectSameChain, minHeight, sleep, startTestNetwork, until } from "./helpers.js";
import type { TestNetwork } from "./helpers.js";

/** Each wait may take long on a loaded machine; nothing here asserts how long. */
const WAIT_MS = 180_000;

interface NetInfo {
  peers: number;
  votePeers: number;
  gossip: { accept: number; ignore: number; reject: number };
}
interface ConsensusState {
  height: string;
  round: string;
  step: string;
}

let net: TestNetwork | undefined;
let attacker: Network | undefined;
let attackerDir: string | undefined;
afterEach(async () => {
  await attacker?.stop();
  await net?.close();
  if (attackerDir) await rm(attackerDir, { recursive: true, force: true });
  net = attacker = attackerDir = undefined;
});

const randomHash = (): Hex => bytesToHex(randomBytes(32));

describe("invalid consensus gossip", () => {
  it(
    "scores down and disconnects a peer that publishes malformed and badly signed votes and proposals; the validator keeps working",
    async () => {
      net = await startTestNetwork(2, 300);
      const n = net;
      const node = n.nodes[0]!;
      const other = n.nodes[1]!;
      await until(async () => (await minHeight(n.nodes)) >= 2, "first blocks", WAIT_MS);

      // Alone, node 0 cannot commit: it waits in the prevote or precommit step of head + 1 (a
      // Tendermint round only times out after 2/3 of the power voted) and stays there.
      await other.kill();
      let height = 0;
      const state = () => node.rpc<ConsensusState>("tensorchain_consensusState");
      await until(
        async () => {
          const first = await state();
          await sleep(2_000);
          const [again, head] = await Promise.all([state(), node.height()]);
          height = Number(again.height);
          return (
            first.height === again.height &&
            first.step === again.step &&
            height === head + 1 &&
            ["prevote", "precommit"].includes(again.step)
          );
        },
        "node 0 stalled in one height",
        WAIT_MS,
      );
      const stalledHead = height - 1;

      attackerDir = await mkdtemp(path.join(os.tmpdir(), "tc-attacker-"));
      attacker = await createNetwork({
        chainId: n.plan.chainId,
        dataDir: attackerDir,
        host: "127.0.0.1",
        port: 0,
      });
      const a = attacker;
      const nodePeerId = n.plan.nodes[0]!.peerId;
      await a.dial(n.plan.nodes[0]!.multiaddr);
      await waitFor(
        "node 0's consensus subscriptions",
        () => a.topicPeers("votes").includes(nodePeerId) && a.topicPeers("proposals").includes(nodePeerId),
        WAIT_MS,
      );

      // Consensus messages in the name of validator 1, signed with a key that is not its own.
      const chainId = BigInt(n.plan.chainId);
      const forger = new KeySigner(randomBytes(32));
      const victim = readValidatorKeys(n.plan.nodes[1]!.keyFile).hotkey.address.toLowerCase() as Hex;
      const forgedVote = (u: UnsignedVote) =>
        encodeVoteMessage({ ...u, signature: forger.sign(voteDigest(chainId, u)) });
      const proposal = { height, round: 0, blockHash: randomHash(), polRound: -1, proposer: victim };
      const signedProposal = { ...proposal, signature: forger.sign(proposalDigest(chainId, proposal)) };

      const invalid: [GossipKind, Uint8Array, string][] = [
        ["votes", new TextEncoder().encode("not a vote"), "malformed vote"],
        [
          "proposals",
          encodeProposalMessage(signedProposal, randomBytes(200)),
          "proposal with an undecodable block",
        ],
        [
          "votes",
          forgedVote({ type: "prevote", height, round: 0, blockHash: randomHash(), validator: victim }),
          "prevote signed with the wrong key",
        ],
        [
          "votes",
          forgedVote({ type: "precommit", height, round: 0, blockHash: randomHash(), validator: victim }),
          "precommit signed with the wrong key",
        ],
        [
          "votes",
          forgedVote({
            type: "prevote",
            height,
            round: 0,
            blockHash: null,
            validator: bytesToHex(randomBytes(20)),
          }),
          "vote from an address outside the validator set",
        ],
      ];

      const before = await node.rpc<NetInfo>("tensorchain_netInfo");
      for (const [i, [kind, data, what]] of invalid.entries()) {
        expect(connectedIds(a), `still connected before the ${what}`).toContain(nodePeerId);
        expect(await a.publish(kind, data), what).toBe(1);
        await until(
          async () =>
            (await node.rpc<NetInfo>("tensorchain_netInfo")).gossip.reject === before.gossip.reject + i + 1,
          `node 0 rejects the ${what}`,
          WAIT_MS,
        );
      }
      // The fifth rejection reached the ban threshold: node 0 hung up.
      await waitFor("node 0 disconnects the attacker", () => !connectedIds(a).includes(nodePeerId), WAIT_MS);
      const after = await node.rpc<NetInfo>("tensorchain_netInfo");
      expect(after.gossip.accept).toBe(before.gossip.accept); // nothing invalid got through
      expect(after.peers).toBe(0);

      // The deny list holds: a redial never makes the attacker a peer again.
      await a.dial(n.plan.nodes[0]!.multiaddr).catch(() => undefined);
      await waitFor("the redial is dropped", () => !connectedIds(a).includes(nodePeerId), WAIT_MS);
      expect((await node.rpc<NetInfo>("tensorchain_netInfo")).peers).toBe(0);
      expect(await node.height()).toBe(stalledHead); // forged votes committed nothing

      // The validator goes on: with validator 1 back, the chain commits again, on the same blocks.
      other.start();
      await until(
        async () => (await minHeight(n.nodes)) >= stalledHead + 2,
        "blocks after the attack",
        WAIT_MS,
      );
      await expectSameChain(n.nodes, stalledHead + 2);
      expect((await node.rpc<NetInfo>("tensorchain_netInfo")).peers).toBe(1);
    },
    4 * WAIT_MS,
  );
});
