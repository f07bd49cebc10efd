import type { Metadata } from "next";
import { Card } from "@/components/ui/Card";
import { SlashingTable, ValidatorsTable } from "@/components/explorer/ValidatorsTable";
import { getPublicClient } from "@/lib/chain/rpc";
import { getPrisma } from "@/lib/db/client";
import { formatNumber } from "@/lib/explorer/format";
import { readTakes } from "@/lib/explorer/live";
import { UPTIME_WINDOW_BLOCKS } from "@/lib/api/explorer";
import { loadValidatorsPage } from "@/lib/explorer/queries";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Validators" };

export default async function ValidatorsPage() {
  const data = await loadValidatorsPage(getPrisma());
  const takes = await readTakes(
    getPublicClient(),
    data.validators.map((v) => v.hotkey),
  );
  return (
    <>
      <h1 className="page-title">Validators</h1>
      <Card
        title={`${data.validators.length} validators · total voting power ${formatNumber(data.totalVotingPower)}`}
      >
        <ValidatorsTable validators={data.validators} takes={takes} />
        <p className="muted" style={{ marginBottom: 0, fontSize: "0.9rem" }}>
          Uptime over the latest {formatNumber(UPTIME_WINDOW_BLOCKS)} indexed blocks; take read live from the
          staking precompile.
        </p>
      </Card>
      <Card title="Slashing history">
        <SlashingTable rows={data.slashing} />
      </Card>
    </>
  );
}
