// Worker key registration by validators (lib/jobs/worker-key-handlers.ts).
import { workerKeyHandlers } from "@/lib/jobs/worker-key-handlers";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = workerKeyHandlers.GET;
export const POST = workerKeyHandlers.POST;
export const DELETE = workerKeyHandlers.DELETE;
