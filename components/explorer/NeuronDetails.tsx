import Link from "next/link";
import { Badge } from "@/components/ui/Badge";
import { Card } from "@/components/ui/Card";
import { Stat } from "@/components/ui/Stat";
import { formatTen, weiToTenNumber } from "@/lib/explorer/format";
import type { loadNeuronPage } from "@/lib/explorer/queries";
import { TimeSeriesChart } from "./charts/TimeSeriesChart";
import { DetailList } from "./DetailList";
import { AddressLink, BlockLink, ShortHash } from "./Links";

type NeuronPage = NonNullable<Awaited<ReturnType<typeof loadNeuronPage>>>;

export function NeuronDetails({ data }: { data: NeuronPage }) {
  const { netuid, neuron, latest, history } = data;
  return (
    <>
      <p style={{ marginTop: 0 }}>
        <Link href={`/subnets/${netuid}`}>← Subnet {netuid}</Link>
      </p>
      <Card
        title="Neuron"
        actions={neuron?.isValidator ? <Badge tone="info">validator</Badge> : <Badge>miner</Badge>}
      >
        {neuron === null ? (
          <p className="muted">This UID is not occupied now; the history below is from past epochs.</p>
        ) : (
          <DetailList
            items={[
              { label: "Hotkey", value: <AddressLink address={neuron.hotkey} full /> },
              { label: "Coldkey", value: <AddressLink address={neuron.coldkey} full /> },
              { label: "Registered", value: <BlockLink number={neuron.registeredAt} /> },
              {
                label: "Axon",
                value: neuron.axon ? (
                  <span className="mono">{neuron.axon}</span>
                ) : (
                  <span className="muted">not served</span>
                ),
              },
              { label: "Model", value: <ShortHash value={neuron.modelHash} /> },
              {
                label: "Model URI",
                value: neuron.modelUri ? (
                  <span className="mono">{neuron.modelUri}</span>
                ) : (
                  <span className="muted">—</span>
                ),
              },
              { label: "Fine-tuned from", value: <ShortHash value={neuron.modelParent} /> },
            ]}
          />
        )}
      </Card>
      {latest && (
        <Card title={`Latest epoch (block #${latest.blockNumber})`}>
          <div className="ui-stat-grid">
            <Stat label="Stake" value={formatTen(latest.stake, { maxFractionDigits: 2 })} />
            <Stat label="Incentive" value={latest.incentive.toFixed(4)} testId="neuron-incentive" />
            <Stat label="Dividends" value={latest.dividends.toFixed(4)} />
            <Stat label="Trust" value={latest.trust.toFixed(4)} />
            <Stat label="Consensus" value={latest.consensus.toFixed(4)} />
            <Stat label="Emission" value={formatTen(latest.emission, { maxFractionDigits: 6 })} />
          </div>
        </Card>
      )}
      <Card title="Incentive history">
        <TimeSeriesChart
          testId="incentive-chart"
          yLabel="Incentive"
          data={history.map((h) => ({ x: h.blockNumber, y: h.incentive }))}
        />
      </Card>
      <Card title="Emission history">
        <TimeSeriesChart
          testId="neuron-emission-chart"
          yLabel="Emission"
          unit="TEN"
          data={history.map((h) => ({ x: h.blockNumber, y: weiToTenNumber(h.emission) }))}
        />
      </Card>
    </>
  );
}
