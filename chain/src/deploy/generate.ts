// `tensorchain deploy`: generates a complete network deployment in one directory:
//
//   genesis.json                      the chain's genesis (chain/src/genesis)
//   nodes/<name>/config.json          node config inside a container (docker-compose, Kubernetes)
//   nodes/<name>/local.json           the same node as a local process (loopback ports)
//   nodes/<name>/keys/                validator.json (validators), p2p-node-key: mode 0600
//   docker-compose.yml, .env          bootstrap + validators, app, indexer, worker, Postgres, Redis, Prometheus
//   prometheus.yml                    scrapes every node's /metrics
//   k8s/*.yaml                        namespace, StatefulSets with PVCs, Services, ConfigMaps, Secrets, Deployments
//   DEPLOY.md                         how to run and use it
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { stringify } from "yaml";
import { buildLocalGenesis } from "../genesis/dev.js";
import { generateValidatorKeys, writeValidatorKeys } from "../genesis/keys.js";
import { DEFAULT_BLOCK_TIME_MS, DEV_CHAIN_ID, genesisToJson } from "../genesis/schema.js";
import { loadOrCreateNodeKey } from "../network/identity.js";
import { renderDeployDoc } from "./deploy-doc.js";
import { parseNodeConfig } from "./node-config.js";
import { allNodes } from "./plan.js";
import type { DeployPlan, PlannedNode } from "./plan.js";
import {
  composeFile,
  containerNodeConfig,
  kubernetesManifests,
  localNodeConfig,
  metricsTargets,
  prometheusConfig,
} from "./render.js";

export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployError";
  }
}

export interface DeployOptions {
  out: string;
  validators: number;
  chainId?: number;
  networkName?: string;
  blockTimeMs?: number;
  /** Fund the 10 public dev accounts (never for a network holding real value). */
  dev?: boolean;
  image?: string;
  namespace?: string;
  /** First port of the local-process topology; node i uses base+3i (rpc), +1 (p2p), +2 (metrics). */
  localBasePort?: number;
  /** First host port docker-compose publishes validator RPCs on (validator i on base+i). */
  hostRpcBasePort?: number;
  /** Write into a non-empty directory (files with the same names are replaced). */
  force?: boolean;
}

export interface DeployResult {
  plan: DeployPlan;
  /** Paths written, relative to `out`. */
  files: string[];
}

function writeFile(out: string, rel: string, text: string, files: string[], secret = false): void {
  const file = path.join(out, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text, secret ? { mode: 0o600 } : undefined);
  if (secret) chmodSync(file, 0o600);
  files.push(rel);
}

// No anchors/aliases: shared arrays (e.g. the node command) are written out in full for readers.
const yamlDoc = (doc: unknown) => stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });

export async function generateDeployment(o: DeployOptions): Promise<DeployResult> {
  if (!Number.isInteger(o.validators) || o.validators < 1 || o.validators > 100)
    throw new DeployError("validators must be an integer from 1 to 100");
  const out = path.resolve(o.out);
  if (existsSync(out) && readdirSync(out).length > 0 && !o.force)
    throw new DeployError(`${out} is not empty; choose a new directory (keys would be overwritten)`);
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  const localBase = o.localBasePort ?? 30_000;
  const hostRpcBase = o.hostRpcBasePort ?? 8545;
  const lastPort = Math.max(localBase + 3 * (o.validators + 1), hostRpcBase + o.validators);
  if (lastPort > 65535) throw new DeployError("port range exceeds 65535: lower the base ports");

  const nodeKeys = new Map<string, Record<string, string>>();
  const makeNode = async (name: string, index: number, role: PlannedNode["role"]): Promise<PlannedNode> => {
    const keysDir = path.join(out, "nodes", name, "keys");
    // The network module's own identity code writes the key in its on-disk format.
    const key = await loadOrCreateNodeKey(keysDir);
    const node: PlannedNode = {
      name,
      role,
      peerId: peerIdFromPrivateKey(key).toString(),
      local: {
        rpc: localBase + 3 * index,
        p2p: localBase + 3 * index + 1,
        metrics: localBase + 3 * index + 2,
      },
    };
    files.push(`nodes/${name}/keys/p2p-node-key`);
    return node;
  };

  const bootstrap = await makeNode("bootstrap", 0, "bootstrap");
  const validators: PlannedNode[] = [];
  const validatorKeys = [];
  for (let i = 0; i < o.validators; i++) {
    const n = await makeNode(`validator-${i}`, i + 1, "validator");
    const k = generateValidatorKeys();
    writeValidatorKeys(path.join(out, "nodes", n.name, "keys", "validator.json"), k);
    files.push(`nodes/${n.name}/keys/validator.json`);
    validators.push({ ...n, hotkey: k.hotkey.address, hostRpcPort: hostRpcBase + i });
    validatorKeys.push(k);
  }
  for (const n of [bootstrap, ...validators]) {
    const dir = path.join(out, "nodes", n.name, "keys");
    const entry: Record<string, string> = {
      "p2p-node-key": readFileSync(path.join(dir, "p2p-node-key"), "utf8"),
    };
    if (n.role === "validator")
      entry["validator.json"] = readFileSync(path.join(dir, "validator.json"), "utf8");
    nodeKeys.set(n.name, entry);
  }

  const dev = o.dev ?? false;
  const genesis = await buildLocalGenesis({
    validators: validatorKeys,
    dev,
    chainId: o.chainId ?? DEV_CHAIN_ID,
    networkName: o.networkName,
    targetBlockTimeMs: o.blockTimeMs,
  });
  const genesisJson = JSON.stringify(genesisToJson(genesis), null, 2) + "\n";
  writeFile(out, "genesis.json", genesisJson, files);

  const plan: DeployPlan = {
    chainId: genesis.chainId,
    networkName: genesis.networkName,
    image: o.image ?? "tensorchain:latest",
    namespace:
      o.namespace ??
      genesis.networkName
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .slice(0, 63),
    blockTimeMs: o.blockTimeMs ?? DEFAULT_BLOCK_TIME_MS,
    dev,
    bootstrap,
    validators,
  };

  for (const n of allNodes(plan)) {
    // Validate what we write with the same schema `start --config` reads it with.
    const container = parseNodeConfig(containerNodeConfig(plan, n), `${n.name} config`);
    const local = parseNodeConfig(localNodeConfig(plan, n), `${n.name} local config`);
    writeFile(out, `nodes/${n.name}/config.json`, JSON.stringify(container, null, 2) + "\n", files);
    writeFile(out, `nodes/${n.name}/local.json`, JSON.stringify(local, null, 2) + "\n", files);
  }

  const postgresPassword = randomBytes(18).toString("base64url");
  const workerPrivateKey = generateValidatorKeys().hotkey.privateKey;
  writeFile(out, "docker-compose.yml", yamlDoc(composeFile(plan)), files);
  writeFile(
    out,
    ".env",
    [
      "# Secrets for docker-compose.yml. Keep this file private.",
      `POSTGRES_PASSWORD=${postgresPassword}`,
      "# The GPU worker's key; register its address with a validator (see DEPLOY.md).",
      `WORKER_PRIVATE_KEY=${workerPrivateKey}`,
      "",
    ].join("\n"),
    files,
    true,
  );
  writeFile(out, "prometheus.yml", yamlDoc(prometheusConfig(metricsTargets(plan))), files);

  const manifests = kubernetesManifests(plan, { nodeKeys, postgresPassword, workerPrivateKey, genesisJson });
  const groups: Record<string, typeof manifests> = {};
  for (const m of manifests) {
    const meta = m.metadata as { name: string; labels?: Record<string, string> };
    const node = meta.labels?.["tensorchain.io/node"];
    const group =
      m.kind === "Namespace"
        ? "00-namespace"
        : node
          ? `10-${node}`
          : meta.name === "genesis"
            ? "01-genesis"
            : `20-${meta.labels?.["app.kubernetes.io/component"] ?? meta.name}`;
    (groups[group] ??= []).push(m);
  }
  for (const [group, docs] of Object.entries(groups)) {
    const secret = docs.some((d) => d.kind === "Secret");
    writeFile(out, `k8s/${group}.yaml`, docs.map(yamlDoc).join("---\n"), files, secret);
  }

  writeFile(out, "DEPLOY.md", renderDeployDoc(plan), files);
  return { plan, files: files.sort() };
}
