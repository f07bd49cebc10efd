import type { Metadata } from "next";
import { EmptyState } from "@/components/explorer/EmptyState";
import { SubnetDetails } from "@/components/explorer/SubnetDetails";
import { netuidParam } from "@/lib/api/params";
import { getPrisma } from "@/lib/db/client";
import { parseOr404, type SearchParams } from "@/lib/explorer/params";
import { loadSubnetPage } from "@/lib/explorer/queries";
import { parseMetagraphSort, sortMetagraph } from "@/lib/explorer/sort";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ netuid: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Subnet ${(await params).netuid}` };
}

export default async function SubnetPage({ params, searchParams }: Props) {
  const netuid = parseOr404(netuidParam, (await params).netuid);
  const sort = parseMetagraphSort(await searchParams);
  const data = await loadSubnetPage(getPrisma(), netuid);
  return (
    <>
      <h1 className="page-title">
        Subnet {netuid}
        {data?.subnet.name ? ` · ${data.subnet.name}` : ""}
      </h1>
      {data === null ? (
        <EmptyState title="Subnet not found">
          Subnet {netuid} is not registered (or not indexed yet).
        </EmptyState>
      ) : (
        <SubnetDetails data={data} neurons={sortMetagraph(data.metagraph.neurons, sort)} sort={sort} />
      )}
    </>
  );
}
