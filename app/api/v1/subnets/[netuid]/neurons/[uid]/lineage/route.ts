// GET /api/v1/subnets/{netuid}/neurons/{uid}/lineage — the UID's current model and its
// ancestors (publishModel's parentModelHash), each with its latest score and the improvement
// over its parent on the same data set (lib/scheduler/receipts.ts).
import { getPrisma } from "@/lib/db/client";
import { CACHE_SHORT, handle, json } from "@/lib/api/http";
import { neuronRouteParams } from "@/lib/api/params";
import { modelLineage } from "@/lib/scheduler/receipts";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(
  _request: Request,
  ctx: { params: Promise<{ netuid: string; uid: string }> },
): Promise<Response> {
  return handle(async () => {
    const { netuid, uid } = await neuronRouteParams(ctx.params);
    return json({ netuid, uid, ...(await modelLineage(getPrisma(), netuid, uid)) }, { cache: CACHE_SHORT });
  });
}
