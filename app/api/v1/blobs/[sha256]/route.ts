// GET/HEAD /api/v1/blobs/<sha256>: a stored blob; PUT: upload one under its hash (lib/blobs/handlers.ts).
import { blobHandlers } from "@/lib/blobs/handlers";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = blobHandlers.GET;
export const HEAD = blobHandlers.HEAD;
export const PUT = blobHandlers.PUT;
