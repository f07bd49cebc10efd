// The portals in Chromium against a real dev node: an EIP-6963 test wallet (signing with a
// dev key in this process) connects, starts on the wrong network and is switched in one
// click (wallet_addEthereumChain, since it does not know the chain; later
// wallet_switchEthereumChain), the connection survives a reload (cookie SSR), SIWE sign-in is
// rejected once then completes and signs out, and each portal renders. Then every flow, in
// the order a network grows: a subnet is created at the lock cost shown (data set uploaded and
// hashed, an oversize upload refused) and its hyperparameters are set within their bounds; the
// wallet registers on it as a miner, publishes an uploaded ONNX model and serves an endpoint
// (after rejecting the first signature); it stakes on itself, registers as a chain validator
// with a consensus key, sets its take, gets a validator permit (which the indexer records from
// the chain's metagraph) and adds a worker key, whose real worker process evaluates the miner's
// model into a signed receipt the portal lists, then removes the key; a delegation is unstaked,
// unbonds and is claimed, with its rewards history.
// One dev node, one app server, one database and one browser page for the whole file.
// Screenshots land in screenshots/.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { createPublicClient, http, numberToHex, parseEther, parseEventLogs, sha256, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeDataset } from "../../worker/src/dataset";
import * as fx from "../../worker/test/fixtures/models";
import { RPC_OPTS, startDevNode, type DevNode } from "@/chain/test/helpers/devnode";
import { metagraphPrecompile, stakingPrecompile, subnetsPrecompile } from "@/contracts/system-contracts";
import { indexNewBlocks } from "@/lib/indexer/index-blocks";
import { createIndexerClient } from "@/lib/indexer/rpc";
import { startTestPglite, type TestDatabase } from "@/lib/indexer/test-db";
import { JobQueue } from "@/lib/jobs/queue";
import { startWorkerProcess, stopWorkerProcesses } from "@/lib/jobs/test-support";
import { formatTen, shortHash } from "@/lib/explorer/format";
import {
  card,
  confirmed,
  hasChromium,
  hydrated,
  open,
  SCREENSHOTS,
  startBrowserApp,
  write,
  type BrowserApp,
  type NextServer,
} from "@/lib/test/browser";
import { installTestWallet, TEST_WALLET_NAME, type TestWallet } from "@/lib/test/test-wallet";

const WRONG_CHAIN = 1;
/** The blob store's limit in this test: the data set and the model fit, OVERSIZE does not. */
const BLOB_MAX_BYTES = 256 * 1024;
const OVERSIZE = BLOB_MAX_BYTES + 1;

/** A compressed secp256k1 public key (what `tensorchain keys show` prints as the consensus key). */
function consensusKey(): Hex {
  const pub = privateKeyToAccount(generatePrivateKey()).publicKey; // 0x04 ‖ x ‖ y
  const x = pub.slice(4, 68);
  const yOdd = parseInt(pub.slice(-2), 16) % 2 === 1;
  return `0x${yOdd ? "03" : "02"}${x}`;
}

/**
 * Picks `netuid` in a card's subnet picker. Until the chain's subnet list has loaded, the picker
 * is a plain netuid field; wait for the list (a production server answers before it does).
 */
async function pickSubnet(scope: Locator, netuid: number): Promise<void> {
  const select = scope.locator("select.portal-select");
  await select.locator(`option[value="${netuid}"]`).waitFor({ state: "attached" });
  await select.selectOption(String(netuid));
}

describe.skipIf(!hasChromium)("wallet-connected portals in Chromium", () => {
  let node: DevNode;
  let db: TestDatabase;
  let harness: BrowserApp;
  let app: NextServer;
  let page: Page;
  let wallet: TestWallet;
  let dataDir: string;
  let chain: ReturnType<typeof createPublicClient>;
  /** The subnet the subnet test creates; the miner and validator tests use it. */
  let netuid: number;
  /** The subnet's data set and the miner's model, as uploaded (the validator's worker evaluates them). */
  let dataset: Uint8Array;
  let model: Uint8Array;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    // A migrated database; the test's own client keeps one connection and is used only while
    // the page runs no query of its own.
    [node, db] = await Promise.all([
      startDevNode({ blockTimeMs: 500, startTimeoutMs: 180_000 }),
      startTestPglite(1),
    ]);
    dataDir = mkdtempSync(path.join(os.tmpdir(), "tc-portals-"));
    harness = await startBrowserApp({
      readyPath: "/miner",
      env: {
        CHAIN_RPC_URL: node.rpcUrl,
        DATABASE_URL: db.url,
        // The embedded PGlite server interleaves concurrent connections' statements: one each.
        DATABASE_POOL_MAX: "1",
        DATA_DIR: dataDir,
        BLOB_MAX_BYTES: String(BLOB_MAX_BYTES),
      },
    });
    app = harness.app;
    chain = createPublicClient({ transport: http(node.rpcUrl, RPC_OPTS) });
    page = await harness.newPage();
    wallet = await installTestWallet(page, {
      privateKey: node.accounts[0]!.privateKey,
      rpcUrl: node.rpcUrl,
      startChainId: WRONG_CHAIN,
    });
  }, 1_500_000);

  afterAll(async () => {
    await stopWorkerProcesses(workers);
    await harness?.stop();
    await Promise.all([node?.stop(), db?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("connects over EIP-6963, fixes the wrong network in one click, and stays connected after a reload", async () => {
    await page.goto(`${app.url}/miner`, { waitUntil: "domcontentloaded" });
    await page.getByTestId("connect-first").waitFor();
    await hydrated(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-miner-disconnected.png"), fullPage: true });

    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("menuitem", { name: TEST_WALLET_NAME }).click();
    const wrong = page.getByTestId("wrong-network");
    await wrong.waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-wrong-network.png"), fullPage: true });

    await wrong.getByRole("button", { name: /^Switch to / }).click();
    await wrong.waitFor({ state: "detached" });
    expect(wallet.chainId()).toBe(node.chainId);
    // The wallet did not know the chain: the dApp added it with its RPC URL, then it was switched to.
    expect(wallet.addedChains).toHaveLength(1);
    expect(wallet.addedChains[0]).toMatchObject({
      chainId: numberToHex(node.chainId),
      rpcUrls: [node.rpcUrl],
    });
    expect(await page.getByTestId("wallet-account").innerText()).toContain(wallet.address.slice(0, 6));

    await page.reload({ waitUntil: "domcontentloaded" });
    await hydrated(page);
    await page.getByTestId("wallet-account").waitFor();
    expect(await page.getByTestId("connect-first").count()).toBe(0);
  }, 600_000);

  it("Sign-In with Ethereum: a rejected signature says so and leaves you signed out; then signs in and out", async () => {
    const session = async () =>
      ((await (await page.request.get(`${app.url}/api/auth/session`)).json()) as { address: string | null })
        .address;
    await page.getByTestId("wallet-account").click();
    wallet.rejectNext("personal_sign");
    await page.getByRole("menuitem", { name: "Sign in with Ethereum" }).click();
    expect(await page.getByTestId("siwe-error").innerText()).toBe("You rejected the request in your wallet.");
    expect(await session()).toBeNull();

    await page.getByRole("menuitem", { name: "Sign in with Ethereum" }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).waitFor();
    expect(await session()).toBe(wallet.address);
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-signed-in.png"), fullPage: true });

    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.getByRole("menuitem", { name: "Sign in with Ethereum" }).waitFor();
    expect(await session()).toBeNull();
  }, 600_000);

  it("renders every portal for the connected wallet", async () => {
    for (const portal of ["miner", "validator", "subnet", "staking"]) {
      await page.goto(`${app.url}/${portal}`, { waitUntil: "domcontentloaded" });
      await hydrated(page);
      await page.getByTestId("wallet-account").waitFor();
      expect(await page.getByTestId("connect-first").count()).toBe(0);
      expect(await page.locator("h1").innerText()).toMatch(/portal|Staking/);
      await page.screenshot({ path: path.join(SCREENSHOTS, `portal-${portal}.png`), fullPage: true });
    }
  }, 600_000);

  it("staking: a simulated revert shows its decoded custom error before the wallet is asked; a stake goes pending → confirmed with its /tx link", async () => {
    const hotkey = node.accounts[5]!.address;
    await page.goto(`${app.url}/staking`, { waitUntil: "domcontentloaded" });
    await hydrated(page);
    await page.getByLabel("Validator hotkey").fill(hotkey);
    await page.getByLabel("Amount (TEN)").fill("1");
    const sends = () => wallet.calls.filter((c) => c === "eth_sendTransaction").length;
    const before = sends();
    await page.getByRole("button", { name: "Unstake" }).click();
    expect(await page.getByTestId("tx-error").innerText()).toBe(
      "Reverted: InsufficientStake(0, 1000000000000000000)",
    );
    expect(sends()).toBe(before);
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-revert.png"), fullPage: true });

    await page.getByRole("button", { name: "Stake", exact: true }).click();
    const status = page.getByTestId("tx-status");
    await page
      .locator(
        '[data-testid="tx-status"][data-status="confirmed"], [data-testid="tx-status"][data-status="failed"]',
      )
      .waitFor();
    expect(await status.getAttribute("data-status")).toBe("confirmed");
    expect(sends()).toBe(before + 1);
    const href = await page.getByTestId("tx-link").getAttribute("href");
    expect(href).toMatch(/^\/tx\/0x[0-9a-f]{64}$/);
    const receipt = await fetch(node.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "eth_getTransactionReceipt",
        params: [href!.slice(4)],
      }),
    }).then((r) => r.json() as Promise<{ result: { status: string } }>);
    expect(receipt.result.status).toBe("0x1");
    // The delegation shows without waiting for the next poll.
    await page.getByRole("cell", { name: "1 TEN" }).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-staking-confirmed.png"), fullPage: true });
  }, 600_000);

  it("a wallet switched away in the wallet is brought back in one click with wallet_switchEthereumChain", async () => {
    await open(page, `${app.url}/subnet`);
    await wallet.switchInWallet(WRONG_CHAIN);
    const wrong = page.getByTestId("wrong-network");
    await wrong.waitFor();
    // The portal itself stops offering writes until then.
    await page.getByText(/\(top right\) to continue/).waitFor();
    const from = wallet.calls.length;
    await wrong.getByRole("button", { name: /^Switch to / }).click();
    await wrong.waitFor({ state: "detached" });
    expect(wallet.chainId()).toBe(node.chainId);
    // The wallet knows the chain since the first test: switched, not added again.
    expect(wallet.calls.slice(from)).toContain("wallet_switchEthereumChain");
    expect(wallet.calls.slice(from)).not.toContain("wallet_addEthereumChain");
    expect(wallet.addedChains).toHaveLength(1);
  }, 600_000);

  it("subnet owner: an uploaded data set (size limit, hash check), a subnet created at the lock cost shown, hyperparameters within their bounds", async () => {
    await open(page, `${app.url}/subnet`);
    const create = card(page, "Create a subnet");
    // Uploads need a SIWE session; the card offers it.
    await create.getByRole("button", { name: "Sign in with Ethereum" }).click();
    const upload = create.getByLabel("Evaluation data set");
    await upload.waitFor();

    // Over the store's limit: refused, and said so.
    await upload.setInputFiles({
      name: "big.bin",
      mimeType: "application/octet-stream",
      buffer: Buffer.alloc(OVERSIZE, 7),
    });
    await create
      .getByRole("alert")
      .filter({ hasText: `over the ${BLOB_MAX_BYTES}-byte limit` })
      .waitFor();
    // Bytes that do not hash to the declared sha256 are refused by the store (same session).
    const wrongHash = await page.request.post(`${app.url}/api/v1/uploads`, {
      headers: {
        "content-type": "application/octet-stream",
        "x-content-sha256": sha256(new Uint8Array([1])),
      },
      data: Buffer.from([2]),
    });
    expect(wrongHash.status()).toBe(400);
    expect(((await wrongHash.json()) as { code: string }).code).toBe("HASH_MISMATCH");

    dataset = encodeDataset(fx.classificationDataset(200)).bytes;
    await upload.setInputFiles({
      name: "dataset.json",
      mimeType: "application/json",
      buffer: Buffer.from(dataset),
    });
    expect(await create.getByTestId("upload-done").innerText()).toBe(
      `Stored ${dataset.byteLength} bytes, sha256 ${sha256(dataset)}`,
    );
    await create.getByLabel("Name").fill("portal test");
    await create.getByLabel("Model input").fill("float32[?,8]");
    await create.getByLabel("Model output").fill("float32[?,4]");

    const lock = create.getByTestId("lock-cost");
    await lock.filter({ hasText: "TEN" }).waitFor();
    const button = create.getByRole("button", { name: /^Create subnet \(lock / });
    const label = await button.innerText();
    expect(label).toBe(`Create subnet (lock ${await lock.innerText()})`);
    const before = await chain.readContract({ ...subnetsPrecompile, functionName: "getNetuids" });
    const hash = await confirmed(create, button);
    // What was shown before signing is what the transaction paid.
    expect(`Create subnet (lock ${formatTen((await chain.getTransaction({ hash })).value)})`).toBe(label);
    const after = await chain.readContract({ ...subnetsPrecompile, functionName: "getNetuids" });
    expect(after).toHaveLength(before.length + 1);
    netuid = Math.max(...after.map(Number));
    const [, spec] = await chain.readContract({
      ...subnetsPrecompile,
      functionName: "getTaskSpec",
      args: [netuid],
    });
    expect(spec).toMatchObject({
      metric: "accuracy",
      inputSignature: "float32[?,8]",
      outputSignature: "float32[?,4]",
      datasetHash: sha256(dataset),
    });

    await pickSubnet(card(page, "Manage a subnet"), netuid);
    const hp = card(page, "Hyperparameters");
    const tempo = hp.getByLabel("tempo", { exact: true });
    await tempo.waitFor();
    expect(await tempo.inputValue()).toBe("20");
    const save = hp.getByRole("button", { name: "Save hyperparameters" });
    await tempo.fill("5");
    expect(await hp.getByRole("alert").innerText()).toBe("Must be between 10 and 7200.");
    expect(await save.isDisabled()).toBe(true);
    // Short epochs for the validator test, and plain weights.
    await tempo.fill("10");
    await hp.getByLabel("Commit-reveal weights").uncheck();
    await confirmed(hp, save);
    const h = await chain.readContract({
      ...subnetsPrecompile,
      functionName: "getHyperparameters",
      args: [netuid],
    });
    expect(h).toMatchObject({ tempo: 10, commitRevealEnabled: false });
    await card(page, `Metagraph of subnet ${netuid}`).getByText("No neurons yet.").waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-subnet-flow.png"), fullPage: true });
  }, 600_000);

  it("miner: registers its hotkey at the live burn (a second try reverts, decoded), publishes an uploaded ONNX model, serves an endpoint after rejecting the first signature", async () => {
    await open(page, `${app.url}/miner`);
    await pickSubnet(card(page, "Subnet"), netuid);
    const reg = card(page, "Register a hotkey");
    await reg.getByTestId("burn-cost").filter({ hasText: "TEN" }).waitFor();
    const register = reg.getByRole("button", { name: /^Register \(burn .* TEN\)$/ });
    const hash = await confirmed(reg, register);
    expect((await chain.getTransaction({ hash })).value).toBeGreaterThan(0n);
    const uid = await chain.readContract({
      ...metagraphPrecompile,
      functionName: "getUid",
      args: [netuid, wallet.address],
    });

    const sends = () => wallet.calls.filter((c) => c === "eth_sendTransaction").length;
    const sent = sends();
    expect(await write(reg, register)).toMatchObject({
      status: "failed",
      error: `Reverted: AlreadyRegistered(${netuid}, ${wallet.address})`,
    });
    expect(sends()).toBe(sent);

    const mine = card(page, "Your UIDs");
    const row = mine.locator("tbody tr").filter({ hasText: /blocks/ });
    await row.waitFor();
    const cells = await row.locator("td").allInnerTexts();
    expect(cells.slice(0, 2)).toEqual([String(netuid), String(uid)]);
    expect(cells[5]).toMatch(/^\d+ blocks$/);

    const publish = card(page, "Publish a model");
    model = fx.goodClassifier();
    await publish.getByLabel("ONNX model").setInputFiles({
      name: "model.onnx",
      mimeType: "application/octet-stream",
      buffer: Buffer.from(model),
    });
    expect(await publish.getByTestId("upload-done").innerText()).toContain(`sha256 ${sha256(model)}`);
    await confirmed(publish, publish.getByRole("button", { name: "Publish model" }));

    const serve = card(page, "Serve an endpoint");
    const endpoint = "http://127.0.0.1:8091";
    await serve.getByLabel("Endpoint").fill(endpoint);
    const serveButton = serve.getByRole("button", { name: "Serve axon" });
    wallet.rejectNext("eth_sendTransaction");
    expect(await write(serve, serveButton)).toMatchObject({
      status: "failed",
      error: "You rejected the request in your wallet.",
      hash: null,
    });
    await confirmed(serve, serveButton);

    const n = await chain.readContract({
      ...metagraphPrecompile,
      functionName: "getNeuron",
      args: [netuid, uid],
    });
    expect(n).toMatchObject({ modelHash: sha256(model), axon: endpoint });
    // The published URI serves the uploaded bytes.
    const blob = await page.request.get(n.modelURI);
    expect(Buffer.from(await blob.body()).equals(Buffer.from(model))).toBe(true);
    await mine.getByText(`${sha256(model).slice(0, 10)}…`).waitFor();
    expect(await row.getByRole("link", { name: "charts" }).getAttribute("href")).toBe(
      `/subnets/${netuid}/neurons/${uid}`,
    );
    // The UID's history charts read the indexer's metagraph snapshots: write two epochs of this
    // UID the way the indexer does, and both lines draw in the portal.
    await db.prisma.subnet.upsert({
      where: { netuid },
      create: {
        netuid,
        owner: wallet.address.toLowerCase(),
        registeredAt: 0n,
        hyperparams: {},
        updatedAtBlock: 0n,
      },
      update: {},
    });
    for (const [i, blockNumber] of [10n, 20n].entries()) {
      const snap = await db.prisma.metagraphSnapshot.create({
        data: {
          netuid,
          blockNumber,
          epoch: BigInt(i + 1),
          neuronCount: 1,
          totalStake: "0",
          emission: "1000",
        },
      });
      await db.prisma.neuronEpoch.create({
        data: {
          snapshotId: snap.id,
          netuid,
          uid,
          blockNumber,
          hotkey: wallet.address.toLowerCase(),
          stake: "0",
          rank: 0.5,
          trust: 1,
          validatorTrust: 0,
          consensus: 0.5,
          incentive: 0.25 * (i + 1),
          dividends: 0,
          emission: (10n ** 17n * BigInt(i + 1)).toString(),
          active: true,
          validatorPermit: false,
        },
      });
    }
    for (const chart of ["uid-incentive", "uid-emission"])
      await mine
        .locator(`[data-testid="${chart}-${netuid}-${uid}"] svg path.recharts-line-curve[d^="M"]`)
        .first()
        .waitFor({ state: "attached", timeout: 120_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-miner-flow.png"), fullPage: true });
  }, 600_000);

  it("validator: worker keys need a permit; stakes on itself, registers with a consensus key, sets its take, holds a permit; its worker key's worker evaluates a job into a receipt; the key is removed", async () => {
    const workerKey = generatePrivateKey();
    const worker = privateKeyToAccount(workerKey).address;
    await open(page, `${app.url}/validator`);
    const keys = card(page, "Worker keys");
    await keys.getByLabel("Worker address").fill(worker);
    await keys.getByRole("button", { name: "Add worker key" }).click();
    await keys.getByRole("alert").filter({ hasText: "holds no validator permit on any subnet" }).waitFor();
    const evals = card(page, "Evaluation receipts");
    expect(await evals.getByTestId("evaluation-jobs").innerText()).toBe("Jobs for this validator: none yet.");
    await evals.getByText("No evaluation receipts yet.").waitFor();

    // Self-stake from the staking portal (a validator needs 1 TEN of its own).
    await open(page, `${app.url}/staking`);
    const stake = card(page, "Stake or unstake");
    await stake.getByLabel("Validator hotkey").fill(wallet.address);
    await stake.getByLabel("Amount (TEN)").fill("2");
    await confirmed(stake, stake.getByRole("button", { name: "Stake", exact: true }));
    const uid = await chain.readContract({
      ...metagraphPrecompile,
      functionName: "getUid",
      args: [netuid, wallet.address],
    });
    // A job for this validator, as its scheduler enqueues them: the miner's published model on
    // the subnet's data set.
    const queue = new JobQueue(db.prisma, {
      leaseMs: 60_000,
      maxAttempts: 3,
      retryBaseMs: 1_000,
      retryMaxMs: 10_000,
    });
    await queue.enqueue(
      "evaluate",
      {
        netuid,
        uid,
        hotkey: wallet.address,
        modelHash: sha256(model),
        taskSpec: fx.classificationSpec(sha256(dataset)),
      },
      { validatorHotkey: wallet.address },
    );

    await open(page, `${app.url}/validator`);
    const v = card(page, "Chain validator");
    // 2 TEN and what the hotkey earned since it registered on the subnet (it is all of its metagraph).
    await v.getByText(/Your stake on this hotkey: \d[\d,.]* TEN\./).waitFor();
    const key = consensusKey();
    await v.getByLabel("Consensus key").fill("0x04abc");
    await v.getByRole("alert").filter({ hasText: "33-byte compressed public key" }).waitFor();
    await v.getByLabel("Consensus key").fill(key);
    await confirmed(v, v.getByRole("button", { name: "Register validator" }));
    const info = await chain.readContract({
      ...stakingPrecompile,
      functionName: "getValidator",
      args: [wallet.address],
    });
    expect(info.consensusKey).toBe(key);
    expect(info.selfStake).toBeGreaterThanOrEqual(parseEther("2"));
    await v.getByText("Self stake").waitFor();

    const take = card(page, "Delegation take");
    await take.getByLabel("New take (%)").fill("10");
    await confirmed(take, take.getByRole("button", { name: "Set take" }));
    await take.getByText("10.0%").waitFor();
    expect(
      await chain.readContract({ ...stakingPrecompile, functionName: "getTake", args: [wallet.address] }),
    ).toBe(Math.round(0.1 * 65535));

    // The subnet's epoch (tempo 10) gives the staked hotkey a validator permit.
    const standing = card(page, "Standing per subnet");
    const row = standing.locator("tbody tr").filter({ hasText: "yes" });
    await row.waitFor({ timeout: 180_000 });
    const cells = await row.locator("td").allInnerTexts();
    expect(cells.slice(0, 3)).toEqual([String(netuid), String(uid), "yes"]);
    expect(cells[6]).toMatch(/^(never|block \d+)$/);
    expect(cells[7]).toBe("none");

    // The indexer records the permit from the chain's metagraph (lib/indexer): index the chain
    // into the app's database while no page is querying it (the test's connection and the
    // app's share one PGlite).
    await page.goto("about:blank");
    await indexNewBlocks({
      prisma: db.prisma,
      client: createIndexerClient(node.rpcUrl),
      batchSize: 200,
      toBlock: await chain.getBlockNumber({ cacheTime: 0 }),
    });
    expect(
      await db.prisma.neuron.findUniqueOrThrow({ where: { netuid_uid: { netuid, uid } } }),
    ).toMatchObject({ hotkey: wallet.address.toLowerCase(), isValidator: true });
    await open(page, `${app.url}/validator`);

    await keys.getByLabel("Worker address").fill(worker);
    await keys.getByRole("button", { name: "Add worker key" }).click();
    const wrow = keys.locator("tbody tr").filter({ hasText: shortHash(worker) });
    await wrow.getByText("never seen").waitFor();
    expect(await evals.getByTestId("evaluation-jobs").innerText()).toBe("Jobs for this validator: 1 queued.");

    // A real worker with that key claims the job, evaluates the ONNX model and completes it
    // with a signed receipt; the portal lists the receipt and shows the worker online.
    workers.push(startWorkerProcess(workerKey, app.url));
    const receipt = evals.locator("tbody tr").filter({ hasText: shortHash(worker) });
    await receipt.waitFor({ timeout: 300_000 });
    const rcells = await receipt.locator("td").allInnerTexts();
    expect(rcells.slice(0, 3)).toEqual([String(netuid), String(uid), shortHash(sha256(model))]);
    expect(rcells[3]).toMatch(/^accuracy \d+\.\d\d$/);
    expect(Number(rcells[3]!.split(" ")[1])).toBeGreaterThan(90);
    expect(await evals.getByTestId("evaluation-jobs").innerText()).toBe(
      "Jobs for this validator: 1 succeeded.",
    );
    expect(await evals.getByTestId("queue-health").innerText()).toMatch(
      /^Oldest waiting job: 0 s · finished in the last hour: 1$/,
    );
    await wrow.getByText("online").waitFor({ timeout: 120_000 });
    await stopWorkerProcesses(workers);
    await wrow.getByRole("button", { name: "Remove" }).click();
    await wrow.getByText("revoked").waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-validator-flow.png"), fullPage: true });
  }, 600_000);

  it("staking: unstake shows the unbonding entry with its release block, claimable after it; rewards history per delegation", async () => {
    const hotkey = node.accounts[5]!.address;
    await open(page, `${app.url}/staking`);
    const stake = card(page, "Stake or unstake");
    await stake.getByLabel("Validator hotkey").fill(hotkey);
    await stake.getByLabel("Amount (TEN)").fill("0.5");
    const hash = await confirmed(stake, stake.getByRole("button", { name: "Unstake" }));
    const { blockNumber } = await chain.getTransactionReceipt({ hash });
    const unbonding = await chain.readContract({
      ...stakingPrecompile,
      functionName: "getUnbonding",
      args: [wallet.address],
    });
    expect(unbonding).toEqual([{ hotkey, amount: parseEther("0.5"), releaseBlock: blockNumber + 10n }]);

    const mine = card(page, "Your delegations");
    await mine.getByText(new RegExp(`^block ${blockNumber + 10n} \\(\\d+ to go\\)$`)).waitFor();
    await mine.getByText("claimable", { exact: true }).waitFor({ timeout: 120_000 });
    const claim = await confirmed(mine, mine.getByRole("button", { name: "Claim 0.5 TEN" }));
    await mine.getByText("Nothing unbonding.").waitFor();
    expect(
      await chain.readContract({
        ...stakingPrecompile,
        functionName: "getUnbonding",
        args: [wallet.address],
      }),
    ).toEqual([]);
    // The claim paid out the 0.5 TEN (the wallet's balance also moves with the subnet's owner cut).
    const logs = parseEventLogs({
      abi: stakingPrecompile.abi,
      eventName: "UnbondedClaimed",
      logs: (await chain.getTransactionReceipt({ hash: claim })).logs,
    });
    expect(logs.map((l) => l.args)).toEqual([{ coldkey: wallet.address, amount: parseEther("0.5") }]);

    // Staked 1, unstaked 0.5, on a hotkey that earns nothing: no rewards.
    const rewards = card(page, "Rewards history");
    const row = rewards.locator("tbody tr").filter({ hasText: shortHash(hotkey) });
    await row.filter({ hasText: "0.5 TEN" }).waitFor();
    const cells = await row.locator("td").allInnerTexts();
    expect(cells.slice(0, 4)).toEqual([shortHash(hotkey), "0.5 TEN", "0.5 TEN", "0 TEN"]);
    await rewards
      .locator("tbody tr")
      .filter({ hasText: shortHash(wallet.address) })
      .waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "portal-staking-flow.png"), fullPage: true });
  }, 600_000);
});
