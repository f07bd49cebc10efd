// The inference route's guards, through its real handler on a real database and KV: a signed-in
// wallet only, and a per-wallet rate limit answered with 429 and Retry-After before any work.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSiweMessage } from "viem/siwe";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { issueNonce, SESSION_COOKIE, signIn } from "@/lib/auth/siwe";
import { startTestPglite, type TestDatabase } from "@/lib/indexer/test-db";
import { MemoryKv } from "@/lib/kv/memory";
import { createRateLimiter } from "@/lib/kv/rate-limit";
import { createInferHandler } from "./infer";
import { JobQueue } from "./queue";

const HOST = "app.test";
const CHAIN_ID = 31337;

let db: TestDatabase;
const kv = new MemoryKv();
beforeAll(async () => {
  db = await startTestPglite(1);
});
afterAll(async () => {
  await kv.close();
  await db?.stop();
});

async function sessionCookie(): Promise<string> {
  const account = privateKeyToAccount(generatePrivateKey());
  const message = createSiweMessage({
    domain: HOST,
    uri: `http://${HOST}`,
    address: account.address,
    chainId: CHAIN_ID,
    nonce: await issueNonce(kv),
    version: "1",
    issuedAt: new Date(),
  });
  const { id } = await signIn(
    { message, signature: await account.signMessage({ message }) },
    { kv, domains: [HOST], chainId: CHAIN_ID, sessionTtlSeconds: 600 },
  );
  return `${SESSION_COOKIE}=${id}`;
}

describe("POST /api/v1/subnets/{netuid}/infer guards", () => {
  it("answers 401 without a session and 429 with Retry-After past a wallet's budget", async () => {
    let metagraphReads = 0;
    // One limiter for the process, as the route keeps it.
    const limiter = createRateLimiter(kv, { name: "infer-test", points: 2, windowSeconds: 60 });
    const queue = new JobQueue(db.prisma, {
      leaseMs: 60_000,
      maxAttempts: 3,
      retryBaseMs: 1_000,
      retryMaxMs: 60_000,
    });
    const handler = createInferHandler(() => ({
      prisma: db.prisma,
      kv,
      queue,
      limiter,
      timeoutMs: 1_000,
      metagraph: async () => {
        metagraphReads++;
        throw new Error("no chain in this test");
      },
    }));
    const call = (cookie?: string, body = "{}") =>
      handler(
        new Request(`http://${HOST}/api/v1/subnets/1/infer`, {
          method: "POST",
          body,
          headers: cookie ? { cookie } : {},
        }),
        { params: Promise.resolve({ netuid: "1" }) },
      );
    const unsigned = await call();
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { message: string } }).error.message).toMatch(/sign in/);

    const alice = await sessionCookie();
    // Each request spends a point before its body is read: two bad bodies use the budget up.
    expect((await call(alice)).status).toBe(400);
    expect((await call(alice)).status).toBe(400);
    const limited = await call(alice);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
    // Another wallet has its own budget.
    const bob = await sessionCookie();
    expect((await call(bob)).status).toBe(400);
    // Refused requests never reached the chain or the queue.
    expect(metagraphReads).toBe(0);
    expect(await db.prisma.job.count()).toBe(0);
  });
});
