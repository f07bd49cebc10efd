// POST /api/v1/uploads: SIWE-authenticated blob upload for the portals (lib/auth/uploads.ts).
import { uploadHandler } from "@/lib/auth/uploads";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = uploadHandler;
