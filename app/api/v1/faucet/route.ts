// POST /api/v1/faucet { address, challenge, nonce } — queue a claim (202); GET ?id= — its status.
// The client IP: lib/faucet/client-ip.ts (X-Forwarded-For behind FAUCET_TRUSTED_PROXY_COUNT proxies).
import { CACHE_NONE, handle, json, queryOf, readJson } from "@/lib/api/http";
import { clientIpOf } from "@/lib/faucet/client-ip";
import { getFaucet } from "@/lib/faucet/instance";
import { z } from "zod";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const faucet = getFaucet();
    const body = await readJson(request);
    const claim = await faucet.claim(body, clientIpOf(request, faucet.config.trustedProxyCount));
    return json(claim, { status: 202, cache: CACHE_NONE });
  });
}

const statusQuery = z.object({
  id: z
    .string()
    .regex(/^\d{1,18}$/, "id must be a claim id")
    .transform((v) => BigInt(v)),
});

export function GET(request: Request): Promise<Response> {
  return handle(async () =>
    json(await getFaucet().claimStatus(statusQuery.parse(queryOf(request)).id), { cache: CACHE_NONE }),
  );
}
