// Liveness of the app's dependencies, for the launcher, load balancers and humans:
// { ok, chain: { height } | { error }, db: "ok" | { error } }; 503 when either is down.
import { NextResponse } from "next/server";
import { getChainHead } from "@/lib/chain/rpc";
import { getPrisma } from "@/lib/db/client";

export const dynamic = "force-dynamic";

async function checkDb(): Promise<"ok" | { error: string }> {
  try {
    await getPrisma().$queryRaw`SELECT 1`;
    return "ok";
  } catch (err) {
    return { error: (err as Error).message.split("\n").filter(Boolean).pop() ?? "database error" };
  }
}

export async function GET() {
  const [head, db] = await Promise.all([getChainHead(), checkDb()]);
  const chain = head.ok ? { height: Number(head.head.height) } : { error: `node unreachable at ${head.rpcUrl}: ${head.error}` };
  const ok = head.ok && db === "ok";
  return NextResponse.json({ ok, chain, db }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
