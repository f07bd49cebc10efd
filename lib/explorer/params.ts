// Route parameters of the explorer pages, validated with the REST API's schemas: a malformed
// URL segment renders the 404 page instead of reaching the database.
import { notFound } from "next/navigation";
import { z } from "zod";

export type SearchParams = Record<string, string | string[] | undefined>;

export function firstParam(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The parsed value, or Next's not-found response when `value` does not fit `schema`. */
export function parseOr404<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) notFound();
  return r.data;
}

/** Like parseOr404 for optional query values: a malformed one is ignored (first page). */
export function parseOptional<T extends z.ZodType>(
  schema: T,
  value: string | undefined,
): z.output<T> | undefined {
  if (value === undefined) return undefined;
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
}

export { uidParam } from "@/lib/api/params";
