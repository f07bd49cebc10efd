// POST /api/v1/blobs: upload a blob, named by its sha256 in the answer (lib/blobs/handlers.ts).
import { blobHandlers } from "@/lib/blobs/handlers";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = blobHandlers.POST;
