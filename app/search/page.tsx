import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SearchBox } from "@/components/explorer/SearchBox";
import { SearchResults } from "@/components/explorer/SearchResults";
import { getPrisma } from "@/lib/db/client";
import { firstParam, type SearchParams } from "@/lib/explorer/params";
import { resolveSearch } from "@/lib/explorer/search";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Search" };

export default async function SearchPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const q = firstParam((await searchParams).q) ?? "";
  const outcome = await resolveSearch(getPrisma(), q);
  // redirect() throws Next's redirect signal, so it must not sit inside a try block.
  if (outcome.redirect !== null) redirect(outcome.redirect);
  return (
    <>
      <h1 className="page-title">Search</h1>
      <div style={{ marginBottom: "1rem", display: "flex" }}>
        <SearchBox defaultValue={q} autoFocus={q === ""} />
      </div>
      <SearchResults query={q} hits={outcome.hits} />
    </>
  );
}
