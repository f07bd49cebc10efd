import type { Metadata } from "next";
import { EmptyState } from "@/components/explorer/EmptyState";
import { ModelLineage } from "@/components/explorer/ModelLineage";
import { NeuronDetails } from "@/components/explorer/NeuronDetails";
import { NeuronReceipts } from "@/components/explorer/NeuronReceipts";
import { netuidParam } from "@/lib/api/params";
import { getPrisma } from "@/lib/db/client";
import { parseOr404, uidParam } from "@/lib/explorer/params";
import { loadNeuronReceipts } from "@/lib/explorer/neuron-receipts";
import { loadNeuronPage } from "@/lib/explorer/queries";
import { modelLineage } from "@/lib/scheduler/receipts";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ netuid: string; uid: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `Neuron ${p.netuid}/${p.uid}` };
}

export default async function NeuronPage({ params }: Props) {
  const p = await params;
  const netuid = parseOr404(netuidParam, p.netuid);
  const uid = parseOr404(uidParam, p.uid);
  const [data, receipts, lineage] = await Promise.all([
    loadNeuronPage(getPrisma(), netuid, uid),
    loadNeuronReceipts(getPrisma(), netuid, uid),
    modelLineage(getPrisma(), netuid, uid),
  ]);
  return (
    <>
      <h1 className="page-title">
        Neuron {netuid}/{uid}
      </h1>
      {data === null ? (
        <EmptyState title="Neuron not found">
          No neuron has held UID {uid} on subnet {netuid}.
        </EmptyState>
      ) : (
        <NeuronDetails data={data} />
      )}
      <ModelLineage lineage={lineage.lineage} />
      <NeuronReceipts receipts={receipts} />
    </>
  );
}
