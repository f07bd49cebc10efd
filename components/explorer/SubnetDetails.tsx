import { Card } from "@/components/ui/Card";
import { Stat } from "@/components/ui/Stat";
import { formatNumber, formatTen, weiToTenNumber } from "@/lib/explorer/format";
import type { loadSubnetPage, MetagraphNeuron } from "@/lib/explorer/queries";
import type { MetagraphSort } from "@/lib/explorer/sort";
import { TimeSeriesChart } from "./charts/TimeSeriesChart";
import { JsonDetails } from "./JsonDetails";
import { AddressLink, BlockLink } from "./Links";
import { MetagraphTable } from "./MetagraphTable";

type SubnetPage = NonNullable<Awaited<ReturnType<typeof loadSubnetPage>>>;

/** `neurons` arrive already sorted by the page (lib/explorer/sort.ts). */
export function SubnetDetails({
  data,
  neurons,
  sort,
}: {
  data: SubnetPage;
  neurons: MetagraphNeuron[];
  sort: MetagraphSort;
}) {
  const { subnet, metagraph, emissionHistory } = data;
  const snap = metagraph.snapshot;
  return (
    <>
      <Card title="Overview">
        <div className="ui-stat-grid">
          <Stat label="Neurons" value={formatNumber(subnet.neuronCount)} testId="subnet-neurons" />
          <Stat
            label="Total stake"
            value={snap ? formatTen(snap.totalStake, { maxFractionDigits: 2 }) : "—"}
          />
          <Stat
            label="Last epoch emission"
            value={snap ? formatTen(snap.emission, { maxFractionDigits: 4 }) : "—"}
            hint={
              snap ? (
                <>
                  epoch {snap.epoch} at <BlockLink number={snap.blockNumber} />
                </>
              ) : (
                "no epoch yet"
              )
            }
          />
          <Stat
            label="Owner"
            value={<AddressLink address={subnet.owner} />}
            hint={
              <>
                registered at <BlockLink number={subnet.registeredAt} />
              </>
            }
          />
        </div>
      </Card>
      <Card title="Metagraph">
        {snap === null ? (
          <p className="muted" data-testid="metagraph-empty">
            No epoch has run on this subnet yet.
          </p>
        ) : (
          <MetagraphTable netuid={subnet.netuid} neurons={neurons} sort={sort} />
        )}
      </Card>
      <Card title="Emission per tempo">
        <TimeSeriesChart
          testId="emission-chart"
          yLabel="Emission"
          unit="TEN"
          data={emissionHistory.map((h) => ({ x: h.blockNumber, y: weiToTenNumber(h.emission) }))}
        />
      </Card>
      <Card title="Hyperparameters">
        <JsonDetails value={subnet.hyperparams} />
      </Card>
      <Card title="Task">
        <JsonDetails value={subnet.taskSpec} empty="The owner has not set a task spec yet." />
      </Card>
    </>
  );
}
