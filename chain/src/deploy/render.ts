// Renders a DeployPlan into the documents of a deployment: node configs (container and local),
// docker-compose, prometheus.yml, Kubernetes manifests. Pure functions from plan to plain
// objects; `generate.ts` serialises and writes them.
import type { NodeConfigInput } from "./node-config.js";
import { CONTAINER_PATHS, CONTAINER_PORTS, allNodes, peerMultiaddr, primaryRpcHost } from "./plan.js";
import type { DeployPlan, PlannedNode } from "./plan.js";

const PG_USER = "tensorchain";
const PG_DB = "tensorchain";

/**
 * Every node dials the bootstrap node and (validators) every other validator directly: their
 * peer ids are known in advance, and the validators must reach each other even while the
 * bootstrap node is down.
 */
function peersOf(p: DeployPlan, n: PlannedNode, addr: (x: PlannedNode) => [string, number]): string[] {
  if (n.role === "bootstrap") return [];
  return allNodes(p)
    .filter((x) => x !== n)
    .map((x) => {
      const [host, port] = addr(x);
      return peerMultiaddr(host, port, x.peerId);
    });
}

/** Config of a node inside a container or pod (fixed in-container paths, DNS peer names). */
export function containerNodeConfig(p: DeployPlan, n: PlannedNode): NodeConfigInput {
  return {
    name: n.name,
    role: n.role,
    dataDir: CONTAINER_PATHS.dataDir,
    genesis: CONTAINER_PATHS.genesis,
    ...(n.role === "validator" ? { validatorKey: CONTAINER_PATHS.validatorKey } : {}),
    rpc: { enabled: n.role === "validator", host: "0.0.0.0", port: CONTAINER_PORTS.rpc },
    p2p: {
      host: "0.0.0.0",
      port: CONTAINER_PORTS.p2p,
      nodeKey: CONTAINER_PATHS.nodeKey,
      announce: [`/dns4/${n.name}/tcp/${CONTAINER_PORTS.p2p}`],
      bootstrapPeers: peersOf(p, n, (x) => [x.name, CONTAINER_PORTS.p2p]),
    },
    metrics: { enabled: true, host: "0.0.0.0", port: CONTAINER_PORTS.metrics },
  };
}

/** Config of a node run as a local process from `nodes/<name>/` (relative paths, loopback ports). */
export function localNodeConfig(p: DeployPlan, n: PlannedNode): NodeConfigInput {
  return {
    name: n.name,
    role: n.role,
    dataDir: "data",
    genesis: "../../genesis.json",
    ...(n.role === "validator" ? { validatorKey: "keys/validator.json" } : {}),
    rpc: { enabled: n.role === "validator", host: "127.0.0.1", port: n.local.rpc },
    p2p: {
      host: "127.0.0.1",
      port: n.local.p2p,
      nodeKey: "keys/p2p-node-key",
      announce: [],
      bootstrapPeers: peersOf(p, n, (x) => ["127.0.0.1", x.local.p2p]),
    },
    metrics: { enabled: true, host: "127.0.0.1", port: n.local.metrics },
  };
}

export function prometheusConfig(targets: string[], scrapeIntervalSec = 5): Record<string, unknown> {
  return {
    global: { scrape_interval: `${scrapeIntervalSec}s`, evaluation_interval: `${scrapeIntervalSec}s` },
    scrape_configs: [
      { job_name: "tensorchain-nodes", metrics_path: "/metrics", static_configs: [{ targets }] },
    ],
  };
}

export function metricsTargets(p: DeployPlan): string[] {
  return allNodes(p).map((n) => `${n.name}:${CONTAINER_PORTS.metrics}`);
}

function appEnv(p: DeployPlan): Record<string, string> {
  const rpc = primaryRpcHost(p);
  return {
    NODE_ENV: "production",
    CHAIN_ID: String(p.chainId),
    CHAIN_NAME: p.networkName,
    CHAIN_RPC_URL: `http://${rpc}:${CONTAINER_PORTS.rpc}`,
    CHAIN_WS_URL: `ws://${rpc}:${CONTAINER_PORTS.rpc}`,
    REDIS_URL: "redis://redis:6379",
  };
}

const nodeCommand = ["npx", "tensorchain", "start", "--config", CONTAINER_PATHS.config];
const APP_COMMAND = ["npx", "next", "start", "--port", String(CONTAINER_PORTS.app)];
const INDEXER_COMMAND = ["npx", "tsx", "lib/indexer/main.ts"];
const WORKER_COMMAND = ["npx", "tensorchain-worker", "run"];
const statusCheck = (n: PlannedNode) =>
  n.role === "validator"
    ? ["CMD", "npx", "tensorchain", "status", "--rpc", `http://127.0.0.1:${CONTAINER_PORTS.rpc}`]
    : // The image has Node but not necessarily curl or wget.
      [
        "CMD",
        "node",
        "-e",
        `fetch("http://127.0.0.1:${CONTAINER_PORTS.metrics}/healthz").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
      ];

/** A compose service of the app tier (app, indexer, worker): the repository image, restarted. */
function appTierService(
  p: DeployPlan,
  command: string[],
  environment: Record<string, string>,
  dependsOn: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { image: p.image, command, restart: "unless-stopped", environment, ...extra, depends_on: dependsOn };
}

/** docker-compose.yml (Compose Specification). Secrets come from `.env` beside it. */
export function composeFile(p: DeployPlan): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  const volumes: Record<string, Record<string, never>> = {};
  for (const n of allNodes(p)) {
    volumes[`${n.name}-data`] = {};
    services[n.name] = {
      image: p.image,
      command: nodeCommand,
      restart: "unless-stopped",
      volumes: [
        `./genesis.json:${CONTAINER_PATHS.genesis}:ro`,
        `./nodes/${n.name}/config.json:${CONTAINER_PATHS.config}:ro`,
        `./nodes/${n.name}/keys:${CONTAINER_PATHS.keysDir}:ro`,
        `${n.name}-data:${CONTAINER_PATHS.dataDir}`,
      ],
      expose: [
        String(CONTAINER_PORTS.p2p),
        String(CONTAINER_PORTS.metrics),
        ...(n.role === "validator" ? [String(CONTAINER_PORTS.rpc)] : []),
      ],
      ...(n.hostRpcPort !== undefined
        ? { ports: [`127.0.0.1:${n.hostRpcPort}:${CONTAINER_PORTS.rpc}`] }
        : {}),
      ...(n.role === "validator" ? { depends_on: { bootstrap: { condition: "service_started" } } } : {}),
      healthcheck: { test: statusCheck(n), interval: "15s", timeout: "20s", retries: 6, start_period: "60s" },
    };
  }
  const rpcHost = primaryRpcHost(p);
  const dbUrl = `postgres://${PG_USER}:\${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}@postgres:5432/${PG_DB}`;
  services.postgres = {
    image: "postgres:16-alpine",
    restart: "unless-stopped",
    environment: {
      POSTGRES_USER: PG_USER,
      POSTGRES_DB: PG_DB,
      POSTGRES_PASSWORD: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}",
    },
    volumes: ["postgres-data:/var/lib/postgresql/data"],
    healthcheck: {
      test: ["CMD-SHELL", `pg_isready -U ${PG_USER} -d ${PG_DB}`],
      interval: "5s",
      timeout: "5s",
      retries: 10,
    },
  };
  services.redis = {
    image: "redis:7-alpine",
    restart: "unless-stopped",
    command: ["redis-server", "--appendonly", "yes"],
    volumes: ["redis-data:/data"],
    healthcheck: { test: ["CMD", "redis-cli", "ping"], interval: "5s", timeout: "5s", retries: 10 },
  };
  const appDeps = {
    postgres: { condition: "service_healthy" },
    redis: { condition: "service_healthy" },
    [rpcHost]: { condition: "service_healthy" },
  };
  const appTierEnv = { ...appEnv(p), DATABASE_URL: dbUrl };
  services.app = appTierService(p, APP_COMMAND, appTierEnv, appDeps, {
    ports: [`127.0.0.1:${CONTAINER_PORTS.app}:${CONTAINER_PORTS.app}`],
  });
  services.indexer = appTierService(p, INDEXER_COMMAND, appTierEnv, appDeps);
  services.worker = appTierService(
    p,
    WORKER_COMMAND,
    {
      TENSORCHAIN_API_URL: `http://app:${CONTAINER_PORTS.app}`,
      WORKER_PRIVATE_KEY: "${WORKER_PRIVATE_KEY:?set WORKER_PRIVATE_KEY in .env}",
    },
    { app: { condition: "service_started" } },
  );
  services.prometheus = {
    image: "prom/prometheus:v2.53.0",
    restart: "unless-stopped",
    volumes: ["./prometheus.yml:/etc/prometheus/prometheus.yml:ro", "prometheus-data:/prometheus"],
    ports: [`127.0.0.1:${CONTAINER_PORTS.prometheus}:${CONTAINER_PORTS.prometheus}`],
  };
  for (const v of ["postgres-data", "redis-data", "prometheus-data"]) volumes[v] = {};
  return { services, volumes };
}

// ---- Kubernetes ----

type Manifest = Record<string, unknown> & { apiVersion: string; kind: string };

const labels = (component: string, extra: Record<string, string> = {}) => ({
  "app.kubernetes.io/name": "tensorchain",
  "app.kubernetes.io/component": component,
  ...extra,
});

export interface K8sSecrets {
  /** Per node: key files by file name (`validator.json`, `p2p-node-key`). */
  nodeKeys: Map<string, Record<string, string>>;
  postgresPassword: string;
  workerPrivateKey: string;
  genesisJson: string;
}

type Labels = ReturnType<typeof labels>;

function service(
  p: DeployPlan,
  name: string,
  sel: Labels,
  ports: { name: string; port: number; targetPort: number | string }[],
  annotations?: Record<string, string>,
): Manifest {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: p.namespace, labels: sel, ...(annotations ? { annotations } : {}) },
    spec: { selector: sel, ports },
  };
}

/** One pod recreated in place, with a `data` volume claim of `storage`. */
function statefulSet(
  p: DeployPlan,
  name: string,
  sel: Labels,
  podSpec: Record<string, unknown>,
  storage: string,
): Manifest {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace: p.namespace, labels: sel },
    spec: {
      serviceName: name,
      replicas: 1,
      selector: { matchLabels: sel },
      template: { metadata: { labels: sel }, spec: podSpec },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } },
        },
      ],
    },
  };
}

function nodeManifests(p: DeployPlan, n: PlannedNode, s: K8sSecrets): Manifest[] {
  const ns = p.namespace;
  const sel = labels("node", { "tensorchain.io/node": n.name });
  const ports = [
    { name: "p2p", containerPort: CONTAINER_PORTS.p2p },
    { name: "metrics", containerPort: CONTAINER_PORTS.metrics },
    ...(n.role === "validator" ? [{ name: "rpc", containerPort: CONTAINER_PORTS.rpc }] : []),
  ];
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${n.name}-config`, namespace: ns, labels: sel },
      data: { "config.json": JSON.stringify(containerNodeConfig(p, n), null, 2) + "\n" },
    },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: `${n.name}-keys`, namespace: ns, labels: sel },
      type: "Opaque",
      stringData: s.nodeKeys.get(n.name)!,
    },
    service(
      p,
      n.name,
      sel,
      ports.map((x) => ({ name: x.name, port: x.containerPort, targetPort: x.name })),
      {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": String(CONTAINER_PORTS.metrics),
      },
    ),
    statefulSet(
      p,
      n.name,
      sel,
      {
        // A validator must never run twice (double signing): one pod, recreated in place.
        terminationGracePeriodSeconds: 30,
        securityContext: { fsGroup: 1000 },
        containers: [
          {
            name: "node",
            image: p.image,
            command: nodeCommand,
            ports,
            volumeMounts: [
              { name: "data", mountPath: CONTAINER_PATHS.dataDir },
              {
                name: "config",
                mountPath: CONTAINER_PATHS.config,
                subPath: "config.json",
                readOnly: true,
              },
              { name: "genesis", mountPath: "/etc/tensorchain/genesis", readOnly: true },
              { name: "keys", mountPath: CONTAINER_PATHS.keysDir, readOnly: true },
            ],
            readinessProbe: { httpGet: { path: "/healthz", port: "metrics" }, periodSeconds: 10 },
            livenessProbe: {
              httpGet: { path: "/healthz", port: "metrics" },
              initialDelaySeconds: 60,
              periodSeconds: 20,
              failureThreshold: 6,
            },
            resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "4Gi" } },
          },
        ],
        volumes: [
          { name: "config", configMap: { name: `${n.name}-config` } },
          { name: "genesis", configMap: { name: "genesis" } },
          { name: "keys", secret: { secretName: `${n.name}-keys`, defaultMode: 0o400 } },
        ],
      },
      "20Gi",
    ),
  ];
}

function simpleStatefulSet(
  p: DeployPlan,
  name: string,
  image: string,
  port: number,
  mountPath: string,
  env: Record<string, unknown>[],
  args?: string[],
): Manifest[] {
  const sel = labels(name);
  return [
    service(p, name, sel, [{ name, port, targetPort: port }]),
    statefulSet(
      p,
      name,
      sel,
      {
        containers: [
          {
            name,
            image,
            ...(args ? { args } : {}),
            ports: [{ containerPort: port }],
            env,
            volumeMounts: [{ name: "data", mountPath }],
          },
        ],
      },
      "10Gi",
    ),
  ];
}

function deployment(
  p: DeployPlan,
  name: string,
  container: Record<string, unknown>,
  volumes?: unknown[],
): Manifest {
  const sel = labels(name);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: p.namespace, labels: sel },
    spec: {
      replicas: 1,
      selector: { matchLabels: sel },
      template: {
        metadata: { labels: sel },
        spec: { containers: [{ name, image: p.image, ...container }], ...(volumes ? { volumes } : {}) },
      },
    },
  };
}

const secretEnv = (name: string, secret: string, key: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

/** Kubernetes manifests in apply order: namespace, shared config, nodes, data stores, app tier, monitoring. */
export function kubernetesManifests(p: DeployPlan, s: K8sSecrets): Manifest[] {
  const ns = p.namespace;
  const appEnvList = [
    ...Object.entries(appEnv(p)).map(([name, value]) => ({ name, value })),
    secretEnv("DATABASE_URL", "app-secrets", "DATABASE_URL"),
  ];
  const prom = JSON.stringify(
    prometheusConfig(metricsTargets(p).map((t) => t.replace(":", `.${ns}.svc:`))),
    null,
    2,
  );
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: labels("namespace") } },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "genesis", namespace: ns, labels: labels("genesis") },
      data: { "genesis.json": s.genesisJson },
    },
    ...allNodes(p).flatMap((n) => nodeManifests(p, n, s)),
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "app-secrets", namespace: ns, labels: labels("app") },
      type: "Opaque",
      stringData: {
        POSTGRES_PASSWORD: s.postgresPassword,
        DATABASE_URL: `postgres://${PG_USER}:${encodeURIComponent(s.postgresPassword)}@postgres:5432/${PG_DB}`,
        WORKER_PRIVATE_KEY: s.workerPrivateKey,
      },
    },
    ...simpleStatefulSet(p, "postgres", "postgres:16-alpine", 5432, "/var/lib/postgresql/data", [
      { name: "POSTGRES_USER", value: PG_USER },
      { name: "POSTGRES_DB", value: PG_DB },
      { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
      secretEnv("POSTGRES_PASSWORD", "app-secrets", "POSTGRES_PASSWORD"),
    ]),
    ...simpleStatefulSet(p, "redis", "redis:7-alpine", 6379, "/data", [], ["--appendonly", "yes"]),
    deployment(p, "app", {
      command: APP_COMMAND,
      env: appEnvList,
      ports: [{ containerPort: CONTAINER_PORTS.app }],
    }),
    service(p, "app", labels("app"), [
      { name: "http", port: CONTAINER_PORTS.app, targetPort: CONTAINER_PORTS.app },
    ]),
    deployment(p, "indexer", { command: INDEXER_COMMAND, env: appEnvList }),
    deployment(p, "worker", {
      command: WORKER_COMMAND,
      env: [
        { name: "TENSORCHAIN_API_URL", value: `http://app:${CONTAINER_PORTS.app}` },
        secretEnv("WORKER_PRIVATE_KEY", "app-secrets", "WORKER_PRIVATE_KEY"),
      ],
    }),
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "prometheus", namespace: ns, labels: labels("prometheus") },
      data: { "prometheus.yml": prom + "\n" },
    },
    deployment(
      p,
      "prometheus",
      {
        image: "prom/prometheus:v2.53.0",
        args: ["--config.file=/etc/prometheus/prometheus.yml"],
        ports: [{ containerPort: CONTAINER_PORTS.prometheus }],
        volumeMounts: [{ name: "config", mountPath: "/etc/prometheus", readOnly: true }],
      },
      [{ name: "config", configMap: { name: "prometheus" } }],
    ),
    service(p, "prometheus", labels("prometheus"), [
      { name: "http", port: CONTAINER_PORTS.prometheus, targetPort: CONTAINER_PORTS.prometheus },
    ]),
  ];
}
