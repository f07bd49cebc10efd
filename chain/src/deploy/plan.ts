// The deployment plan: the one description of a network's nodes and services that every
// generated artifact (node configs, docker-compose, Kubernetes, Prometheus, DEPLOY.md) is
// rendered from, so they cannot disagree about names, ports or peer ids.

/** Ports inside a container / pod; every node uses the same ones. */
export const CONTAINER_PORTS = { rpc: 8545, p2p: 26656, metrics: 9615, app: 3000, prometheus: 9090 } as const;

/** Paths inside a container / pod. */
export const CONTAINER_PATHS = {
  config: "/etc/tensorchain/config.json",
  genesis: "/etc/tensorchain/genesis/genesis.json",
  keysDir: "/etc/tensorchain/keys",
  validatorKey: "/etc/tensorchain/keys/validator.json",
  nodeKey: "/etc/tensorchain/keys/p2p-node-key",
  dataDir: "/var/lib/tensorchain",
} as const;

export interface PlannedNode {
  name: string;
  role: "validator" | "bootstrap";
  /** libp2p peer id derived from the node's pre-generated p2p key. */
  peerId: string;
  /** Validator hotkey address (validators only). */
  hotkey?: string;
  /** Host port its RPC is published on by docker-compose (validators only). */
  hostRpcPort?: number;
  /** Ports of the local-process topology (`nodes/<name>/local.json`). */
  local: { rpc: number; p2p: number; metrics: number };
}

export interface DeployPlan {
  chainId: number;
  networkName: string;
  /** Container image with the repository (node, app, indexer, worker), built from the root Dockerfile. */
  image: string;
  /** Kubernetes namespace. */
  namespace: string;
  blockTimeMs: number;
  dev: boolean;
  bootstrap: PlannedNode;
  validators: PlannedNode[];
}

export function allNodes(p: DeployPlan): PlannedNode[] {
  return [p.bootstrap, ...p.validators];
}

/** `/ip4|dns4/HOST/tcp/PORT/p2p/PEER_ID`. */
export function peerMultiaddr(host: string, port: number, peerId: string): string {
  const proto = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? "ip4" : "dns4";
  return `/${proto}/${host}/tcp/${port}/p2p/${peerId}`;
}

/** The RPC the app, indexer and `tensorchain status` use inside the deployment. */
export function primaryRpcHost(p: DeployPlan): string {
  return p.validators[0]!.name;
}
