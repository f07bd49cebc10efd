import type { Metadata } from "next";
import { ChartsView } from "@/components/explorer/ChartsView";
import { getPrisma } from "@/lib/db/client";
import { loadChartsPage } from "@/lib/explorer/queries";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Charts" };

export default async function ChartsPage() {
  const data = await loadChartsPage(getPrisma());
  return (
    <>
      <h1 className="page-title">Charts</h1>
      <ChartsView data={data} />
    </>
  );
}
