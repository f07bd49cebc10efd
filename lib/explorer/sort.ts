// Server-side sorting of the metagraph table: the column and direction come from the page's
// query string (?sort=stake&dir=desc), so sorting works without JavaScript and links are shareable.
import { z } from "zod";

export const METAGRAPH_COLUMNS = [
  "uid",
  "hotkey",
  "stake",
  "trust",
  "consensus",
  "incentive",
  "dividends",
  "emission",
  "active",
  "permit",
] as const;
export type MetagraphColumn = (typeof METAGRAPH_COLUMNS)[number];
export type SortDir = "asc" | "desc";
export interface MetagraphSort {
  column: MetagraphColumn;
  dir: SortDir;
}

export const DEFAULT_METAGRAPH_SORT: MetagraphSort = { column: "uid", dir: "asc" };

const sortSchema = z.object({
  sort: z.enum(METAGRAPH_COLUMNS).catch(DEFAULT_METAGRAPH_SORT.column),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
});

/** Numeric columns read best largest first, so a first click on them sorts descending. */
export function defaultDir(column: MetagraphColumn): SortDir {
  return column === "uid" || column === "hotkey" ? "asc" : "desc";
}

/** Parses `?sort=&dir=`; unknown values fall back to the default instead of failing the page. */
export function parseMetagraphSort(params: Record<string, string | string[] | undefined>): MetagraphSort {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const p = sortSchema.parse({
    sort: first(params.sort) ?? DEFAULT_METAGRAPH_SORT.column,
    dir: first(params.dir),
  });
  return { column: p.sort, dir: p.dir ?? defaultDir(p.sort) };
}

export interface MetagraphRowLike {
  uid: number;
  hotkey: string;
  stake: string | null;
  trust: number;
  consensus: number;
  incentive: number;
  dividends: number;
  emission: string | null;
  active: boolean;
  validatorPermit: boolean;
}

function cmp(a: MetagraphRowLike, b: MetagraphRowLike, column: MetagraphColumn): number {
  switch (column) {
    case "uid":
      return a.uid - b.uid;
    case "hotkey":
      return a.hotkey < b.hotkey ? -1 : a.hotkey > b.hotkey ? 1 : 0;
    case "stake":
    case "emission": {
      // Wei amounts exceed 2^53: compare as bigints.
      const x = BigInt(a[column] ?? "0");
      const y = BigInt(b[column] ?? "0");
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case "active":
      return Number(a.active) - Number(b.active);
    case "permit":
      return Number(a.validatorPermit) - Number(b.validatorPermit);
    default:
      return a[column] - b[column];
  }
}

/** A sorted copy; ties keep UID order so the table is stable between requests. */
export function sortMetagraph<T extends MetagraphRowLike>(rows: readonly T[], sort: MetagraphSort): T[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => sign * cmp(a, b, sort.column) || a.uid - b.uid);
}

/** The query string that sorts by `column`: toggles direction when it is already the sort column. */
export function sortHref(basePath: string, current: MetagraphSort, column: MetagraphColumn): string {
  const dir: SortDir =
    current.column === column ? (current.dir === "asc" ? "desc" : "asc") : defaultDir(column);
  return `${basePath}?sort=${column}&dir=${dir}`;
}
