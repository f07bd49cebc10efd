import type { Metadata } from "next";
import { Card } from "@/components/ui/Card";
import { SubnetsTable } from "@/components/explorer/SubnetsTable";
import { getPrisma } from "@/lib/db/client";
import { loadSubnetsPage } from "@/lib/explorer/queries";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Subnets" };

export default async function SubnetsPage() {
  const subnets = await loadSubnetsPage(getPrisma());
  return (
    <>
      <h1 className="page-title">Subnets</h1>
      <Card>
        <SubnetsTable subnets={subnets} />
      </Card>
    </>
  );
}
