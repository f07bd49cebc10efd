// GET /api/v1/faucet/stats — claims, tokens sent, unique addresses, sender state.
import { CACHE_SHORT, handle, json } from "@/lib/api/http";
import { getFaucet } from "@/lib/faucet/instance";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(): Promise<Response> {
  return handle(async () => json(await getFaucet().stats(), { cache: CACHE_SHORT }));
}
