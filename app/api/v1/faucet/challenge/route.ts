// GET /api/v1/faucet/challenge — a signed proof-of-work challenge (lib/faucet/pow.ts).
import { CACHE_NONE, handle, json } from "@/lib/api/http";
import { getFaucet } from "@/lib/faucet/instance";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(): Promise<Response> {
  return handle(async () => {
    const c = getFaucet().challenge();
    return json(
      { challenge: c.challenge, difficulty: c.difficulty, expiresAt: new Date(c.expiresAt).toISOString() },
      { cache: CACHE_NONE },
    );
  });
}
