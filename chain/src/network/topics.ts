// Names of the chain's gossip topics and request/response protocols. Every name carries the
// chain id, so nodes of different chains that happen to connect never exchange messages.

export const GOSSIP_KINDS = ["txs", "proposals", "votes", "evidence"] as const;
export type GossipKind = (typeof GOSSIP_KINDS)[number];

export function gossipTopic(chainId: string | number, kind: GossipKind): string {
  return `tensorchain/${chainId}/${kind}`;
}

export function gossipTopics(chainId: string | number): Record<GossipKind, string> {
  return {
    txs: gossipTopic(chainId, "txs"),
    proposals: gossipTopic(chainId, "proposals"),
    votes: gossipTopic(chainId, "votes"),
    evidence: gossipTopic(chainId, "evidence"),
  };
}

export interface ProtocolIds {
  sync: string;
  status: string;
  peers: string;
}

export function protocolIds(chainId: string | number): ProtocolIds {
  return {
    sync: `/tensorchain/${chainId}/sync/1.0.0`,
    status: `/tensorchain/${chainId}/status/1.0.0`,
    peers: `/tensorchain/${chainId}/peers/1.0.0`,
  };
}
