import type { Metadata } from "next";
import { EmptyState } from "@/components/explorer/EmptyState";
import { NeuronDetails } from "@/components/explorer/NeuronDetails";
import { netuidParam } from "@/lib/api/params";
import { getPrisma } from "@/lib/db/client";
import { parseOr404, uidParam } from "@/lib/explorer/params";
import { loadNeuronPage } from "@/lib/explorer/queries";

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
  const data = await loadNeuronPage(getPrisma(), netuid, uid);
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
    </>
  );
}
