// The faucet against a real dev node and the embedded PGlite server, through its route
// handlers: 200 concurrent claims with forged X-Forwarded-For headers, duplicate addresses and
// a daily cap that bites; every accepted claim is paid exactly once on chain with gap-free
// nonces. Repeated on Redis when TEST_REDIS_URL is set.
import type { PrismaClient } from "@prisma/client";
import { Redis } from "ioredis";
import { createPublicClient, http, parseEther, type Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as challengeRoute from "@/app/api/v1/faucet/challenge/route";
import * as claimRoute from "@/app/api/v1/faucet/route";
import * as statsRoute from "@/app/api/v1/faucet/stats/route";
import * as adminRoute from "@/app/api/v1/faucet/admin/route";
import { startDevNode, type DevNode } from "@/chain/test/helpers/devnode";
import { getConfig } from "@/lib/config";
import { startTestPglite, type TestDatabase } from "@/lib/indexer/test-db";
import type { Kv } from "@/lib/kv/kv";
import { MemoryKv } from "@/lib/kv/memory";
import { RedisKv } from "@/lib/kv/redis";
import type { FaucetConfig } from "./config";
import { Faucet } from "./faucet";
import { solveChallenge } from "./pow";
import { FaucetSender } from "./sender";

const AMOUNT = parseEther("1");
const PER_IP = 4;
const CLAIMS_PER_DAY = 120;
const ADMIN = "admin-token-0123456789";
const g = globalThis as typeof globalThis & {
  __tensorchainFaucet?: Faucet;
  __tensorchainPrisma?: PrismaClient;
};

const recipient = (i: number) => `0x${(0xfa0000000 + i).toString(16).padStart(40, "0")}`;

function post(body: unknown, xff?: string): Request {
  return new Request("http://localhost/api/v1/faucet", {
    method: "POST",
    headers: { "content-type": "application/json", ...(xff ? { "x-forwarded-for": xff } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function solved(): Promise<{ challenge: string; nonce: string }> {
  const c = await (await challengeRoute.GET()).json();
  return { challenge: c.challenge, nonce: solveChallenge(c.challenge, c.difficulty) };
}

describe("faucet against a dev node", () => {
  let node: DevNode;
  let db: TestDatabase;
  let sender: FaucetSender;
  let config: FaucetConfig;
  const kvs: Kv[] = [];

  function useFaucet(kv: Kv): Faucet {
    kvs.push(kv);
    g.__tensorchainFaucet = new Faucet(db.prisma, kv, config, sender);
    return g.__tensorchainFaucet;
  }

  async function waitSettled(): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if ((await db.prisma.faucetClaim.count({ where: { status: { in: ["queued", "sent"] } } })) === 0)
        return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("faucet claims did not settle");
  }

  beforeAll(async () => {
    [node, db] = await Promise.all([
      startDevNode({ blockTimeMs: 200, startTimeoutMs: 150_000 }),
      startTestPglite(8),
    ]);
    g.__tensorchainPrisma = db.prisma;
    const app = getConfig();
    config = {
      ...app.faucet,
      enabled: true,
      amountWei: AMOUNT,
      cooldownSeconds: 3600,
      perIpLimit: PER_IP,
      perIpWindowSeconds: 3600,
      dailyCapWei: AMOUNT * BigInt(CLAIMS_PER_DAY),
      trustedProxyCount: 1,
      powDifficulty: 8,
      powTtlSeconds: 60,
      privateKey: node.accounts[9]!.privateKey as Hex,
      adminToken: ADMIN,
      powSecret: Buffer.from("faucet-test-secret-faucet-test-secret"),
      minBalanceWei: parseEther("1"),
      resendAfterMs: 10_000,
      chainId: node.chainId,
      rpcUrl: node.rpcUrl,
    };
    sender = new FaucetSender({
      prisma: db.prisma,
      privateKey: config.privateKey,
      chainId: node.chainId,
      rpcUrl: node.rpcUrl,
      minBalanceWei: config.minBalanceWei,
      resendAfterMs: config.resendAfterMs,
      tickMs: 100,
      log: () => {},
    });
  });

  afterAll(async () => {
    await sender?.stop();
    delete g.__tensorchainFaucet;
    delete g.__tensorchainPrisma;
    for (const kv of kvs) await kv.close();
    await Promise.all([node?.stop(), db?.stop()]);
  });

  it("rejects malformed claims, bad checksums, wrong, reused and expired proofs, and blocked recipients", async () => {
    const faucet = useFaucet(new MemoryKv("v:"));
    const status = async (req: Request) => {
      const res = await claimRoute.POST(req);
      const body = await res.json();
      return { status: res.status, code: body.error?.code, message: body.error?.message ?? "" };
    };
    expect(await status(post("{not json"))).toMatchObject({
      status: 400,
      message: expect.stringContaining("JSON"),
    });
    expect(await status(post({ address: recipient(1) }))).toMatchObject({ status: 400, code: "BAD_REQUEST" });
    expect(
      await status(post({ ...(await solved()), address: "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266" })),
    ).toMatchObject({ status: 400, message: expect.stringContaining("checksum") });
    const { challenge } = await solved();
    let wrong = 0;
    while (
      (await import("./pow")).leadingZeroBits((await import("./pow")).powHash(challenge, String(wrong))) >= 8
    )
      wrong++;
    expect(await status(post({ address: recipient(1), challenge, nonce: String(wrong) }))).toMatchObject({
      status: 400,
      message: expect.stringContaining("zero bits"),
    });

    const proof = await solved();
    expect((await claimRoute.POST(post({ ...proof, address: recipient(1) }, "9.9.9.9"))).status).toBe(202);
    expect(await status(post({ ...proof, address: recipient(2) }, "9.9.9.9"))).toMatchObject({
      status: 400,
      message: expect.stringContaining("already used"),
    });
    const late = await solved();
    await expect(
      faucet.claim({ ...late, address: recipient(2) }, "9.9.9.9", Date.now() + 61_000),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining("expired") });

    const admin = (body: unknown, token = ADMIN) =>
      adminRoute.POST(
        new Request("http://localhost/api/v1/faucet/admin", {
          method: "POST",
          headers: { authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        }),
      );
    expect((await admin({ action: "block", address: recipient(3) }, "wrong-token-0123456789")).status).toBe(
      401,
    );
    expect((await admin({ action: "block", address: recipient(3) })).status).toBe(200);
    expect((await admin({ action: "block", ip: "7.7.7.7" })).status).toBe(200);
    expect((await admin({ action: "block", ip: "not-an-ip" })).status).toBe(400);
    expect(await status(post({ ...(await solved()), address: recipient(3) }, "8.8.8.8"))).toMatchObject({
      status: 403,
    });
    expect(
      await status(post({ ...(await solved()), address: recipient(4) }, "6.6.6.6, 7.7.7.7")),
    ).toMatchObject({ status: 403 });
    expect((await admin({ action: "unblock", address: recipient(3) })).status).toBe(200);
    expect(
      (await claimRoute.POST(post({ ...(await solved()), address: recipient(3) }, "8.8.8.8"))).status,
    ).toBe(202);
    await waitSettled();
    const client = createPublicClient({ transport: http(node.rpcUrl) });
    expect(await client.getBalance({ address: recipient(1) as Hex })).toBe(AMOUNT);
    expect(await client.getBalance({ address: recipient(3) as Hex })).toBe(AMOUNT);
  });

  async function concurrentClaims(kv: Kv, offset: number) {
    useFaucet(kv);
    const client = createPublicClient({ transport: http(node.rpcUrl) });
    const claimsBefore = await db.prisma.faucetClaim.count();
    // 200 requests from 40 IPs (5 each, the proxy's entry is the real one; the left-most is
    // forged and differs every time); 180 distinct addresses, 20 of them asked for twice.
    const requests = await Promise.all(
      Array.from({ length: 200 }, async (_, j) => {
        const address = recipient(offset + (j < 180 ? j : j - 180));
        const ip = `10.${offset % 250}.${Math.floor(j / 5)}.1`;
        return {
          address,
          ip,
          req: post({ ...(await solved()), address }, `66.66.${j % 250}.${j % 7}, ${ip}`),
        };
      }),
    );
    const responses = await Promise.all(
      requests.map(async (r) => ({ ...r, res: await claimRoute.POST(r.req) })),
    );
    const accepted = responses.filter((r) => r.res.status === 202);
    const refused = responses.filter((r) => r.res.status !== 202);
    expect(refused.every((r) => r.res.status === 429)).toBe(true);
    // The daily cap bites: exactly its number of claims get through, each address at most once,
    // no IP more than its limit.
    expect(accepted).toHaveLength(CLAIMS_PER_DAY);
    expect(new Set(accepted.map((r) => r.address)).size).toBe(CLAIMS_PER_DAY);
    const perIp = new Map<string, number>();
    for (const r of accepted) perIp.set(r.ip, (perIp.get(r.ip) ?? 0) + 1);
    expect(Math.max(...perIp.values())).toBeLessThanOrEqual(PER_IP);

    await waitSettled();
    // Paid exactly once: every accepted address holds exactly one payment, the others nothing.
    const paid = new Set(accepted.map((r) => r.address));
    const all = [...new Set(requests.map((r) => r.address))];
    const balances = await Promise.all(all.map((a) => client.getBalance({ address: a as Hex })));
    all.forEach((a, i) => expect(balances[i], a).toBe(paid.has(a) ? AMOUNT : 0n));

    const claims = await db.prisma.faucetClaim.findMany({
      where: { id: { gt: BigInt(claimsBefore) } },
      orderBy: { nonce: "asc" },
    });
    expect(claims.every((c) => c.status === "confirmed")).toBe(true);
    return claims;
  }

  it("pays 200 concurrent claims within every limit, once each, with gap-free nonces (in-process KV)", async () => {
    await concurrentClaims(new MemoryKv("c:"), 1000);
    const all = await db.prisma.faucetClaim.findMany({ orderBy: { nonce: "asc" } });
    const nonces = all.map((c) => Number(c.nonce));
    expect(nonces).toEqual(Array.from({ length: all.length }, (_, i) => nonces[0]! + i));
    const client = createPublicClient({ transport: http(node.rpcUrl) });
    expect(await client.getTransactionCount({ address: sender.account.address })).toBe(
      nonces[nonces.length - 1]! + 1,
    );
    // The on-chain transactions carry those nonces, one each.
    const txs = await Promise.all(all.map((c) => client.getTransaction({ hash: c.txHash as Hex })));
    expect(txs.map((t) => t.nonce)).toEqual(nonces);

    const stats = await (await statsRoute.GET()).json();
    expect(stats).toMatchObject({
      claims: all.length,
      confirmed: all.length,
      pending: 0,
      uniqueAddresses: all.length,
      tokensSent: (AMOUNT * BigInt(all.length)).toString(),
    });
  });

  const redisUrl = process.env.TEST_REDIS_URL;
  it.skipIf(!redisUrl)("holds the same limits with the Redis KV", async () => {
    const prefix = `tc-faucet-test-${process.pid}-${Date.now()}:`;
    const kv = new RedisKv(redisUrl!, prefix);
    try {
      await concurrentClaims(kv, 5000);
    } finally {
      const r = new Redis(redisUrl!);
      const keys = await r.keys(`${prefix}*`);
      if (keys.length > 0) await r.del(...keys);
      await r.quit();
    }
  });

  it("pauses with a clear message when the sender's balance is below the threshold", async () => {
    const poor = new FaucetSender({
      prisma: db.prisma,
      privateKey: config.privateKey,
      chainId: node.chainId,
      rpcUrl: node.rpcUrl,
      minBalanceWei: 10n ** 30n,
      resendAfterMs: 10_000,
      tickMs: 100,
      log: () => {},
    });
    await sender.stop();
    kvs.push(new MemoryKv("p:"));
    g.__tensorchainFaucet = new Faucet(db.prisma, kvs[kvs.length - 1]!, config, poor);
    try {
      expect(
        (await claimRoute.POST(post({ ...(await solved()), address: recipient(9000) }, "1.2.3.4"))).status,
      ).toBe(202);
      for (let i = 0; i < 100 && poor.paused === null; i++) await new Promise((r) => setTimeout(r, 50));
      expect(poor.paused).toMatch(/paused: sender .* below/);
      const res = await claimRoute.POST(post({ ...(await solved()), address: recipient(9001) }, "1.2.3.4"));
      expect(res.status).toBe(503);
      expect((await res.json()).error.message).toContain("fund it to resume");
      expect((await (await statsRoute.GET()).json()).paused).toContain("paused");
    } finally {
      await poor.stop();
    }
  });
});
