// GET /api/v1/subnets/{netuid}/metagraph — the latest epoch's snapshot.
import { getPrisma } from "@/lib/db/client";
import { getMetagraph } from "@/lib/api/explorer";
import { CACHE_SHORT, handle, json } from "@/lib/api/http";
import { netuidParam } from "@/lib/api/params";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(_request: Request, ctx: { params: Promise<{ netuid: string }> }): Promise<Response> {
  return handle(async () => {
    const netuid = netuidParam.parse((await ctx.params).netuid);
    return json(await getMetagraph(getPrisma(), netuid), { cache: CACHE_SHORT });
  });
}
