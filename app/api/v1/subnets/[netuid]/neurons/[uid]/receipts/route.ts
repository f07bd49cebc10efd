// GET /api/v1/subnets/{netuid}/neurons/{uid}/receipts?limit=&cursor= — signed evaluation
// receipts of the UID's models, newest first, with the weight round that committed each and
// the Merkle proof against its receiptsRoot (lib/scheduler/receipts.ts).
import { z } from "zod";
import { getPrisma } from "@/lib/db/client";
import { CACHE_SHORT, handle, json, queryOf } from "@/lib/api/http";
import { limitQuery, neuronRouteParams } from "@/lib/api/params";
import { listNeuronReceipts } from "@/lib/scheduler/receipts";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const query = z.object({ limit: limitQuery, cursor: z.uuid("cursor must be a receipt id").optional() });

export function GET(
  request: Request,
  ctx: { params: Promise<{ netuid: string; uid: string }> },
): Promise<Response> {
  return handle(async () => {
    const { netuid, uid } = await neuronRouteParams(ctx.params);
    const q = query.parse(queryOf(request));
    const page = await listNeuronReceipts(getPrisma(), netuid, uid, {
      limit: q.limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return json({ netuid, uid, ...page }, { cache: CACHE_SHORT });
  });
}
