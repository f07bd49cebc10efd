import Link from "next/link";

/** "Newer / Older" links of a cursor-paginated list; `newerHref` null on the first page. */
export function Pager({ newerHref, olderHref }: { newerHref: string | null; olderHref: string | null }) {
  if (newerHref === null && olderHref === null) return null;
  return (
    <nav
      aria-label="Pagination"
      style={{ display: "flex", justifyContent: "space-between", marginTop: "0.75rem" }}
    >
      {newerHref === null ? <span /> : <Link href={newerHref}>← Newest</Link>}
      {olderHref === null ? <span /> : <Link href={olderHref}>Older →</Link>}
    </nav>
  );
}
