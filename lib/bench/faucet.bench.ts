// Faucet throughput: N claims submitted concurrently through the route handler (PoW solved
// beforehand, so the figure is the server side) against a dev node and the embedded PGlite
// server, until every claim is confirmed on chain. No peer: the node's own transfer rate is
// measured by chain/bench/rpc-throughput.bench.ts.
import type { PrismaClient } from "@prisma/client";
import { parseEther, type Hex } from "viem";
import type { BenchContext, BenchFigure } from "../../scripts/bench-types";
import * as challengeRoute from "@/app/api/v1/faucet/challenge/route";
import * as claimRoute from "@/app/api/v1/faucet/route";
import { startDevNode } from "../../chain/test/helpers/devnode";
import { getConfig } from "@/lib/config";
import { Faucet } from "@/lib/faucet/faucet";
import { solveChallenge } from "@/lib/faucet/pow";
import { startTestPglite } from "@/lib/indexer/test-db";
import { MemoryKv } from "@/lib/kv/memory";

export default async function faucetBench(ctx: BenchContext): Promise<BenchFigure[]> {
  const claims = ctx.quick ? 200 : 1_000;
  const node = await startDevNode({ blockTimeMs: 250, startTimeoutMs: 150_000 });
  const db = await startTestPglite(8);
  const kv = new MemoryKv("bench:");
  const g = globalThis as typeof globalThis & {
    __tensorchainFaucet?: Faucet;
    __tensorchainPrisma?: PrismaClient;
  };
  g.__tensorchainPrisma = db.prisma;
  const amount = parseEther("0.01");
  const faucet = new Faucet(db.prisma, kv, {
    ...getConfig().faucet,
    enabled: true,
    amountWei: amount,
    dailyCapWei: amount * BigInt(claims),
    perIpLimit: claims,
    trustedProxyCount: 1,
    powDifficulty: 8,
    powTtlSeconds: 600,
    privateKey: node.accounts[9]!.privateKey as Hex,
    adminToken: undefined,
    powSecret: Buffer.from("faucet-bench-secret-faucet-bench-secret"),
    minBalanceWei: parseEther("1"),
    resendAfterMs: 30_000,
    chainId: node.chainId,
    rpcUrl: node.rpcUrl,
  });
  g.__tensorchainFaucet = faucet;
  try {
    const bodies = await Promise.all(
      Array.from({ length: claims }, async (_, i) => {
        const c = await (await challengeRoute.GET()).json();
        return JSON.stringify({
          address: `0x${(0xbe4c0000 + i).toString(16).padStart(40, "0")}`,
          challenge: c.challenge,
          nonce: solveChallenge(c.challenge, c.difficulty),
        });
      }),
    );
    const t0 = performance.now();
    const responses = await Promise.all(
      bodies.map((body, i) =>
        claimRoute.POST(
          new Request("http://localhost/api/v1/faucet", {
            method: "POST",
            body,
            headers: { "x-forwarded-for": `10.9.${i % 250}.1` },
          }),
        ),
      ),
    );
    const acceptSeconds = (performance.now() - t0) / 1000;
    const accepted = responses.filter((r) => r.status === 202).length;
    if (accepted !== claims) throw new Error(`only ${accepted}/${claims} claims accepted`);
    for (;;) {
      const open = await db.prisma.faucetClaim.count({ where: { status: { in: ["queued", "sent"] } } });
      if (open === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    ctx.log(
      `${claims} claims accepted in ${acceptSeconds.toFixed(2)} s, all confirmed after ${seconds.toFixed(2)} s`,
    );
    const notes = `${claims} concurrent claims, PoW pre-solved, dev node 250 ms blocks, embedded PGlite, in-process KV`;
    return [
      {
        name: "faucet.claims_accepted_per_s",
        value: claims / acceptSeconds,
        unit: "claims/s",
        better: "higher",
        notes,
      },
      {
        name: "faucet.claims_confirmed_per_s",
        value: claims / seconds,
        unit: "claims/s",
        better: "higher",
        notes: `${notes}; submit → every transfer confirmed`,
      },
    ];
  } finally {
    await faucet.close();
    delete g.__tensorchainFaucet;
    delete g.__tensorchainPrisma;
    await kv.close();
    await db.stop();
    await node.stop();
  }
}
