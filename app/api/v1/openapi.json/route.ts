// GET /api/v1/openapi.json — the OpenAPI 3.1 description of the public API.
import { openApiDocument } from "@/lib/api/openapi";
import { json } from "@/lib/api/http";

export const dynamic = "force-static";

export function GET(): Response {
  return json(openApiDocument(), { cache: "public, max-age=3600" });
}
