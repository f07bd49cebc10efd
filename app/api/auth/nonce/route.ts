// GET /api/auth/nonce (lib/auth/handlers.ts).
import { authHandlers } from "@/lib/auth/handlers";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = () => authHandlers.nonce();
