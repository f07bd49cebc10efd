// POST /api/jobs/claim — signed by a registered worker key (lib/jobs/handlers.ts).
import { jobHandlers } from "@/lib/jobs/handlers";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function POST(request: Request): Promise<Response> {
  return jobHandlers.claim(request);
}
