// POST /api/v1/faucet/admin { action: "block" | "unblock", address? , ip? } with
// `Authorization: Bearer $FAUCET_ADMIN_TOKEN`; disabled (403) when no token is configured.
import { ApiError, bearerTokenMatches, CACHE_NONE, handle, json, readJson } from "@/lib/api/http";
import { getFaucet } from "@/lib/faucet/instance";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const faucet = getFaucet();
    const expected = faucet.config.adminToken;
    if (expected === undefined)
      throw new ApiError("FORBIDDEN", "faucet admin is disabled (set FAUCET_ADMIN_TOKEN)");
    if (!bearerTokenMatches(request, expected))
      throw new ApiError("UNAUTHORIZED", "missing or wrong admin bearer token");
    return json(await faucet.admin(await readJson(request)), { cache: CACHE_NONE });
  });
}
