// The validator loop end to end on a devnet: a real `tensorchain start --dev` node, the app's
// route modules on embedded PGlite (route-server.ts), two real `tensorchain-worker run`
// processes and the validator scheduler. Miners publish tiny ONNX models built with onnx-proto
// (a good classifier, a random one, a broken one, a slow one, and a fine-tune of the random one
// that declares it as parent); the scheduler enqueues one evaluate job per model, the workers
// evaluate them, the scheduler commits weights with the receipts' Merkle root and reveals them
// in the next tempo, and the epoch pays the better models more. Then the receipts and lineage
// API, and inference on the best-ranked model for a SIWE-signed-in wallet.
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPublicClient, createWalletClient, http, parseEther, stringToBytes } from "viem";
import type { Abi, Account, Address, Chain, Hex, PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@prisma/client";
import { neuronsPrecompile, stakingPrecompile, subnetsPrecompile } from "@/contracts/system-contracts";
import { verifyMerkleProof, verifyReceipt } from "@tensorchain/worker/receipts";
import { encodeTensor } from "@tensorchain/worker/tensor";
import { RPC_OPTS, startDevNode, testChain, type DevNode } from "../../chain/test/helpers/devnode";
import { setProcessEnv } from "../../scripts/env";
import { encodeDataset } from "../../worker/src/dataset";
import * as fx from "../../worker/test/fixtures/models";
import { getPrisma } from "@/lib/db/client";
import { startTestPglite, type TestDatabase } from "@/lib/indexer/test-db";
import { getJobQueue } from "@/lib/jobs/queue";
import { startRouteServer, type RouteServer } from "@/lib/jobs/route-server";
import { startWorkerProcess, stopWorkerProcesses, uploadBlob, waitFor } from "@/lib/jobs/test-support";
import { registerWorkerKey } from "@/lib/jobs/worker-keys";
import type { ReceiptView } from "./receipts";
import { createValidatorChain, type MetagraphJson } from "./chain";
import { ValidatorScheduler } from "./scheduler";

let node: DevNode;
let db: TestDatabase;
let prisma: PrismaClient;
let server: RouteServer;
let dataDir: string;
let chain: Chain;
let client: PublicClient;
let scheduler: ValidatorScheduler | undefined;
const workers: ChildProcess[] = [];
const workerKeys = [generatePrivateKey(), generatePrivateKey()];
const workerAccounts = workerKeys.map((k) => privateKeyToAccount(k));

/** A fine-tune of the good classifier (same decisions, different bytes): logits scaled by 2. */
function finetunedClassifier(): Uint8Array {
  const mu = fx.centres();
  const w = Array.from({ length: fx.D }, (_, i) => mu.map((m) => 2 * m[i]!));
  const b = mu.map((m) => -m.reduce((s, v) => s + v * v, 0));
  return fx.linearClassifier(w, b);
}

async function send(
  from: Account,
  contract: { address: Address; abi: Abi },
  functionName: string,
  args: readonly unknown[],
  value?: bigint,
): Promise<void> {
  const wallet = createWalletClient({ chain, account: from, transport: http(node.rpcUrl, RPC_OPTS) });
  const hash = await wallet.writeContract({ ...contract, functionName, args, value, account: from, chain } as never);
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 60_000 });
  expect(receipt.status, `${functionName} should succeed`).toBe("success");
}

const metagraph = (netuid: number) =>
  client.request({ method: "tensorchain_getMetagraph" as never, params: [netuid] as never }) as Promise<
    MetagraphJson & { emission: string[] }
  >;

beforeAll(async () => {
  node = await startDevNode({ blockTimeMs: 200 });
  chain = testChain(node.chainId, node.rpcUrl);
  client = createPublicClient({ chain, transport: http(node.rpcUrl, RPC_OPTS), pollingInterval: 50 });
  db = await startTestPglite();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "tc-scheduler-e2e-"));
  setProcessEnv({
    DATABASE_URL: db.url,
    // One connection: see the PGlite note in lib/jobs/worker-e2e.test.ts.
    DATABASE_POOL_MAX: "1",
    DATA_DIR: dataDir,
    JOB_LEASE_SECONDS: "10",
    CHAIN_RPC_URL: node.rpcUrl,
    CHAIN_ID: String(node.chainId),
    INFER_TIMEOUT_MS: "60000",
  });
  server = await startRouteServer();
  prisma = getPrisma();
});

afterAll(async () => {
  await scheduler?.stop();
  await stopWorkerProcesses(workers);
  await server?.close();
  await prisma?.$disconnect();
  await db?.stop();
  await node?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("validator scheduler on a devnet", () => {
  it("evaluates every miner model, commits and reveals weights, and the epoch pays the better models more", { timeout: 480_000 }, async () => {
    const [owner, valCold, valHot, minerCold, ...minerKeys] = node.accounts;
    const acc = (a: { privateKey: Hex }) => privateKeyToAccount(a.privateKey);
    const validator = acc(valHot!);

    // Blobs: data set, task spec document, models.
    const uploader = workerAccounts[0]!;
    for (const w of workerAccounts) await registerWorkerKey(prisma, { worker: w.address, validator: validator.address });
    const dataset = await uploadBlob(server.url, uploader, encodeDataset(fx.classificationDataset(200)).bytes);
    const spec = fx.classificationSpec(dataset);
    const specHash = await uploadBlob(server.url, uploader, stringToBytes(JSON.stringify(spec)));
    const blobUrl = (h: Hex) => `${server.url}/api/v1/blobs/${h.slice(2)}`;
    const models = {
      good: await uploadBlob(server.url, uploader, fx.goodClassifier()),
      random: await uploadBlob(server.url, uploader, fx.randomClassifier()),
      broken: await uploadBlob(server.url, uploader, fx.brokenBytes()),
      slow: await uploadBlob(server.url, uploader, fx.slowClassifier()),
      finetuned: await uploadBlob(server.url, uploader, finetunedClassifier()),
    };

    // Subnet 1 with the task spec; the validator stakes and registers; five miners publish.
    await send(acc(owner!), subnetsPrecompile, "registerNetwork", [
      "classify",
      blobUrl(specHash),
      {
        taskType: 0,
        metric: "accuracy",
        inputSignature: "float32[N,8]",
        outputSignature: "float32[N,4]",
        datasetHash: dataset,
        datasetURI: blobUrl(dataset),
      },
    ], parseEther("100"));
    const netuid = 1;
    // A 41-block tempo (~10 s): a reveal window wide enough for a loaded machine.
    const hp = await client.readContract({ ...subnetsPrecompile, functionName: "getHyperparameters", args: [netuid] });
    await send(acc(owner!), subnetsPrecompile, "setHyperparameters", [netuid, { ...hp, tempo: 40 }]);
    await send(acc(valCold!), neuronsPrecompile, "burnedRegister", [netuid, validator.address], parseEther("10"));
    await send(acc(valCold!), stakingPrecompile, "addStake", [validator.address], parseEther("100"));
    const order = ["good", "random", "broken", "slow", "finetuned"] as const;
    const uidOf: Record<string, number> = {};
    for (const [i, name] of order.entries()) {
      const hotkey = acc(minerKeys[i]!);
      await send(acc(minerCold!), neuronsPrecompile, "burnedRegister", [netuid, hotkey.address], parseEther("10"));
      const parent = name === "finetuned" ? models.random : (`0x${"00".repeat(32)}` as Hex);
      await send(hotkey, neuronsPrecompile, "publishModel", [netuid, models[name], blobUrl(models[name]), parent]);
      uidOf[name] = i + 1;
    }
    const mg0 = await metagraph(netuid);
    expect(mg0.hotkeys.map((h) => h.toLowerCase())).toEqual([
      validator.address.toLowerCase(),
      ...order.map((_, i) => acc(minerKeys[i]!).address.toLowerCase()),
    ]);

    // The validator's side: its scheduler and two workers.
    scheduler = new ValidatorScheduler({
      prisma,
      queue: getJobQueue(),
      chain: createValidatorChain({ rpcUrl: node.rpcUrl, chain, privateKey: valHot!.privateKey }),
      netuids: [netuid],
      // Wait for every job (the slow model takes its full inference limit) before weighing.
      settleTempos: 6,
    });
    // Gentle polling everywhere: the embedded database serves everyone on one connection.
    scheduler.start(1000);
    for (const k of workerKeys) workers.push(startWorkerProcess(k, server.url, { "heartbeat-interval": "1s" }));

    const revealed = await waitFor(
      "a round to be revealed",
      () => prisma.weightRound.findFirst({ where: { netuid, status: "revealed" } }),
      300_000,
      500,
    );
    expect(revealed.revealBlock).not.toBeNull();
    expect(revealed.receiptsRoot).toMatch(/^0x[0-9a-f]{64}$/);

    // Every model was evaluated exactly once by the two workers, none twice.
    const jobs = await prisma.job.findMany({ where: { kind: "evaluate", id: { in: (revealed.jobs as { jobId: string }[]).map((j) => j.jobId) } } });
    expect(jobs).toHaveLength(order.length);
    for (const j of jobs) expect(j).toMatchObject({ status: "succeeded", attempts: 1 });
    const receipts = await prisma.evaluationReceipt.findMany({ where: { jobId: { in: jobs.map((j) => j.id) } } });
    expect(receipts.every((r) => r.roundId === revealed.id)).toBe(true);
    const byUid = new Map(receipts.map((r) => [r.uid, r]));
    expect(byUid.get(uidOf.good!)!.value).toBeGreaterThan(90);
    expect(byUid.get(uidOf.random!)!.value).toBeLessThan(60);
    expect(byUid.get(uidOf.broken!)).toMatchObject({ modelStatus: "failed", scoreBps: 0 });
    expect(byUid.get(uidOf.slow!)).toMatchObject({ modelStatus: "failed", scoreBps: 0 });
    // Proof of learning: the fine-tune's receipt records its parent's score on the same data set.
    const ft = byUid.get(uidOf.finetuned!)!;
    expect(ft.parentModelHash).toBe(models.random);
    expect(ft.parentScoreBps).toBe(byUid.get(uidOf.random!)!.scoreBps);
    expect(ft.improvementBps).toBe(ft.scoreBps - ft.parentScoreBps!);
    expect(ft.improvementBps).toBeGreaterThan(3000);
    // Weights: the better model weighs more; failed models get none.
    const weights = new Map((revealed.uids as number[]).map((u, i) => [u, (revealed.weights as number[])[i]!]));
    expect(weights.get(uidOf.good!)).toBe(65535);
    expect(weights.get(uidOf.random!)!).toBeLessThan(65535);
    expect(weights.has(uidOf.broken!)).toBe(false);
    expect(weights.has(uidOf.slow!)).toBe(false);

    // The next epoch after the reveal pays by those weights.
    const paid = await waitFor(
      "an epoch after the reveal to pay the miners",
      async () => {
        const mg = await metagraph(netuid);
        return mg.incentive[uidOf.good!]! > 0 && mg;
      },
      120_000,
      500,
    );
    const emission = (name: string) => BigInt(paid.emission[uidOf[name]!]!);
    expect(paid.incentive[uidOf.good!]).toBeGreaterThan(paid.incentive[uidOf.random!]!);
    expect(paid.incentive[uidOf.random!]).toBeGreaterThan(0);
    expect(emission("good")).toBeGreaterThan(emission("random"));
    expect(emission("random")).toBeGreaterThan(0n);
    expect(emission("broken")).toBe(0n);
    expect(emission("slow")).toBe(0n);

    // Receipts API: signed receipts that verify and prove into the committed root.
    const res = await fetch(`${server.url}/api/v1/subnets/${netuid}/neurons/${uidOf.finetuned}/receipts`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { receipts: ReceiptView[] };
    const served = page.receipts.find((r) => r.round?.id === revealed.id)!;
    expect(served.round!.receiptsRoot).toBe(revealed.receiptsRoot);
    expect(verifyMerkleProof(revealed.receiptsRoot as Hex, served.leaf as Hex, served.proof as Hex[])).toBe(true);
    const signed = await verifyReceipt(served.signed);
    expect(signed.receipt).toMatchObject({ modelHash: models.finetuned, parentModelHash: models.random });
    // Lineage: the fine-tune, then its parent with its own score.
    const lineage = (await (
      await fetch(`${server.url}/api/v1/subnets/${netuid}/neurons/${uidOf.finetuned}/lineage`)
    ).json()) as { lineage: { modelHash: string; parentModelHash: string | null; scoreBps: number | null }[] };
    expect(lineage.lineage.map((l) => l.modelHash)).toEqual([models.finetuned, models.random]);
    expect(lineage.lineage[1]!.scoreBps).toBe(byUid.get(uidOf.random!)!.scoreBps);

    // Inference on the best-ranked model, for a signed-in wallet only; the workers still serve
    // after the broken and slow models.
    const inferUrl = `${server.url}/api/v1/subnets/${netuid}/infer`;
    const ds = fx.classificationDataset(2, 9);
    const body = JSON.stringify({ inputs: { x: encodeTensor(ds.inputs.x!) } });
    expect((await fetch(inferUrl, { method: "POST", body })).status).toBe(401);
    const user = privateKeyToAccount(generatePrivateKey());
    const { nonce } = (await (await fetch(`${server.url}/api/auth/nonce`)).json()) as { nonce: string };
    const host = new URL(server.url).host;
    const message = createSiweMessage({
      domain: host,
      uri: server.url,
      address: user.address,
      chainId: node.chainId,
      nonce,
      version: "1",
      issuedAt: new Date(),
    });
    const verified = await fetch(`${server.url}/api/auth/verify`, {
      method: "POST",
      body: JSON.stringify({ message, signature: await user.signMessage({ message }) }),
    });
    expect(verified.status).toBe(200);
    const cookie = verified.headers.get("set-cookie")!.split(";")[0]!;
    const inferred = await fetch(inferUrl, { method: "POST", body, headers: { cookie } });
    const answer = (await inferred.json()) as { modelHash: string; uid: number; outputs: Record<string, { shape: number[] }> };
    expect(inferred.status, JSON.stringify(answer)).toBe(200);
    const best = Math.max(...paid.incentive);
    expect(paid.incentive[answer.uid]).toBe(best);
    expect([models.good, models.finetuned]).toContain(answer.modelHash);
    expect(answer.outputs.logits!.shape).toEqual([2, fx.C]);
  });
});
