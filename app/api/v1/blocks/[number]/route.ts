// GET /api/v1/blocks/{number} — an indexed block is final (one-block finality): immutable.
import { getPrisma } from "@/lib/db/client";
import { getBlock } from "@/lib/api/explorer";
import { CACHE_IMMUTABLE, handle, json } from "@/lib/api/http";
import { blockNumberParam } from "@/lib/api/params";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(_request: Request, ctx: { params: Promise<{ number: string }> }): Promise<Response> {
  return handle(async () => {
    const number = blockNumberParam.parse((await ctx.params).number);
    return json(await getBlock(getPrisma(), number), { cache: CACHE_IMMUTABLE });
  });
}
