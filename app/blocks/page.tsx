import type { Metadata } from "next";
import { Card } from "@/components/ui/Card";
import { BlockList } from "@/components/explorer/BlockList";
import { Pager } from "@/components/explorer/Pager";
import { blockListQuery } from "@/lib/api/params";
import { getPrisma } from "@/lib/db/client";
import { loadBlocksPage } from "@/lib/explorer/queries";
import { firstParam, parseOptional, type SearchParams } from "@/lib/explorer/params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Blocks" };

export default async function BlocksPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const cursor = parseOptional(blockListQuery.shape.cursor, firstParam((await searchParams).cursor));
  const page = await loadBlocksPage(getPrisma(), cursor);
  return (
    <>
      <h1 className="page-title">Blocks</h1>
      <Card>
        <BlockList blocks={page.items} />
        <Pager
          newerHref={cursor === undefined ? null : "/blocks"}
          olderHref={page.nextCursor === null ? null : `/blocks?cursor=${page.nextCursor}`}
        />
      </Card>
    </>
  );
}
