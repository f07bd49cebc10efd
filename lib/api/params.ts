// zod schemas of the public API's path and query parameters, shared by the route handlers
// and the OpenAPI document.
import { z } from "zod";

export const blockNumberParam = z
  .string()
  .regex(/^\d{1,15}$/, "expected a block number (decimal)")
  .transform((v) => BigInt(v));
export const txHashParam = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected a transaction hash (0x + 64 hex digits)")
  .transform((v) => v.toLowerCase());
export const addressParam = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected an address (0x + 40 hex digits)")
  .transform((v) => v.toLowerCase());
export const netuidParam = z
  .string()
  .regex(/^\d{1,5}$/, "expected a subnet id (decimal)")
  .transform(Number)
  .pipe(z.number().int().max(65535, "subnet ids are u16"));

export const uidParam = z
  .string()
  .regex(/^\d{1,5}$/, "expected a UID (decimal)")
  .transform(Number)
  .pipe(z.number().int().max(65535));

/** The `{netuid}` and `{uid}` path parameters of the /subnets/{netuid}/neurons/{uid}/… routes. */
export async function neuronRouteParams(
  params: Promise<{ netuid: string; uid: string }>,
): Promise<{ netuid: number; uid: number }> {
  const p = await params;
  return { netuid: netuidParam.parse(p.netuid), uid: uidParam.parse(p.uid) };
}

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;

export const limitQuery = z.coerce
  .number()
  .int()
  .min(1, "limit must be at least 1")
  .max(MAX_LIMIT, `limit must be at most ${MAX_LIMIT}`)
  .default(DEFAULT_LIMIT);

/** `?cursor=` of block lists: the number of the last block of the previous page. */
export const blockListQuery = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, "cursor must be a block number")
    .transform((v) => BigInt(v))
    .optional(),
  limit: limitQuery,
});

/** `?cursor=` of transaction lists: "<blockNumber>-<transactionIndex>" of the last row of the previous page. */
export const txCursor = z
  .string()
  .regex(/^\d{1,15}-\d{1,9}$/, "cursor must look like <blockNumber>-<transactionIndex>")
  .transform((v) => {
    const [b, i] = v.split("-");
    return { blockNumber: BigInt(b!), transactionIndex: Number(i) };
  });

export const txListQuery = z.object({ cursor: txCursor.optional(), limit: limitQuery });

export function txCursorOf(t: { blockNumber: bigint; transactionIndex: number }): string {
  return `${t.blockNumber}-${t.transactionIndex}`;
}

/** `?cursor=` of the slashing history: the id of the last event of the previous page; `?hotkey=` filters. */
export const slashingListQuery = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, "cursor must be a slashing event id")
    .transform((v) => BigInt(v))
    .optional(),
  limit: limitQuery,
  hotkey: addressParam.optional(),
});
