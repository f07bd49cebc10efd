"use client";
// The monitor's history over wall-clock time: chain height, every node's response time, and the
// network's throughput. Series arrive as plain numbers from the server page.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { SamplePoint } from "@/lib/monitor/status";

const PALETTE = ["var(--accent)", "var(--success)", "var(--warning)", "var(--info)", "var(--danger)"];
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 3 });
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

function TimeChart({
  rows,
  series,
  unit,
  testId,
  label,
}: {
  rows: Record<string, number | null>[];
  series: string[];
  unit: string;
  testId: string;
  label: string;
}) {
  if (rows.length < 2) {
    return (
      <p className="muted" data-testid={`${testId}-empty`}>
        Not enough monitor checks yet.
      </p>
    );
  }
  return (
    <div style={{ width: "100%", height: 240 }} data-testid={testId} role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 600, height: 240 }}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            domain={["dataMin", "dataMax"]}
            tickFormatter={clock}
            tick={{ fill: "var(--fg-muted)", fontSize: 12 }}
            stroke="var(--border)"
          />
          <YAxis
            tickFormatter={(v: number) => compact.format(v)}
            tick={{ fill: "var(--fg-muted)", fontSize: 12 }}
            stroke="var(--border)"
            width={56}
          />
          <Tooltip
            contentStyle={{ background: "var(--bg)", border: "1px solid var(--border)", color: "var(--fg)" }}
            labelFormatter={(v) => `${clock(Number(v))} UTC`}
            formatter={(v, name) => [
              `${typeof v === "number" ? compact.format(v) : "—"} ${unit}`,
              String(name),
            ]}
          />
          {series.length > 1 && <Legend />}
          {series.map((s, i) => (
            <Line
              key={s}
              type="monotone"
              dataKey={s}
              stroke={PALETTE[i % PALETTE.length]}
              strokeWidth={2}
              dot={false}
              connectNulls={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function NetworkCharts({ samples, nodeNames }: { samples: SamplePoint[]; nodeNames: string[] }) {
  const t = (s: SamplePoint) => Date.parse(s.at);
  return (
    <>
      <h3>Chain height</h3>
      <TimeChart
        testId="net-height-chart"
        label="Chain height over time"
        unit=""
        series={["height"]}
        rows={samples.map((s) => ({ t: t(s), height: s.height }))}
      />
      <h3>Response time per node</h3>
      <TimeChart
        testId="net-latency-chart"
        label="Node response time over time"
        unit="ms"
        series={nodeNames}
        rows={samples.map((s) => ({
          t: t(s),
          ...Object.fromEntries(nodeNames.map((n) => [n, s.responseMs[n] ?? null])),
        }))}
      />
      <h3>Throughput</h3>
      <TimeChart
        testId="net-tps-chart"
        label="Transactions per second over time"
        unit=""
        series={["tx/s", "block time (s)"]}
        rows={samples.map((s) => ({
          t: t(s),
          "tx/s": s.txPerSec,
          "block time (s)": s.blockTimeMs === null ? null : s.blockTimeMs / 1000,
        }))}
      />
    </>
  );
}
