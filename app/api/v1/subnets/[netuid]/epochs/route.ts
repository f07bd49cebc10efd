// GET /api/v1/subnets/{netuid}/epochs?cursor=&limit= — the subnet's per-epoch metagraph
// snapshots (emission, total stake, neurons), newest first; cursor = block of the last one.
import { getPrisma } from "@/lib/db/client";
import { listEpochs } from "@/lib/api/explorer";
import { CACHE_SHORT, handle, json, queryOf } from "@/lib/api/http";
import { blockListQuery, netuidParam } from "@/lib/api/params";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(request: Request, ctx: { params: Promise<{ netuid: string }> }): Promise<Response> {
  return handle(async () => {
    const netuid = netuidParam.parse((await ctx.params).netuid);
    const q = blockListQuery.parse(queryOf(request));
    return json(await listEpochs(getPrisma(), netuid, q), { cache: CACHE_SHORT });
  });
}
