import { Card } from "@/components/ui/Card";
import { weiToTenNumber } from "@/lib/explorer/format";
import type { loadChartsPage } from "@/lib/explorer/queries";
import { BLOCKS_PER_POINT } from "@/lib/explorer/queries";
import { TimeSeriesChart } from "./charts/TimeSeriesChart";

type ChartsPage = Awaited<ReturnType<typeof loadChartsPage>>;

export function ChartsView({ data }: { data: ChartsPage }) {
  return (
    <>
      <p className="muted" style={{ marginTop: 0 }}>
        Over the latest {data.blockCount.toLocaleString("en-US")} indexed blocks, one point per{" "}
        {BLOCKS_PER_POINT} blocks.
      </p>
      <Card title="Transactions per second">
        <TimeSeriesChart
          testId="tps-chart"
          yLabel="tx/s"
          unit="tx/s"
          data={data.throughput.map((p) => ({ x: p.blockNumber, y: p.txPerSec }))}
        />
      </Card>
      <Card title="Block time">
        <TimeSeriesChart
          testId="block-time-chart"
          yLabel="Block time"
          unit="s"
          data={data.throughput.map((p) => ({ x: p.blockNumber, y: p.blockTimeS }))}
        />
      </Card>
      <Card title="Emission per epoch (all subnets)">
        <TimeSeriesChart
          testId="emission-total-chart"
          yLabel="Emission"
          unit="TEN"
          data={data.emission.map((p) => ({ x: p.blockNumber, y: weiToTenNumber(p.emission) }))}
        />
      </Card>
    </>
  );
}
