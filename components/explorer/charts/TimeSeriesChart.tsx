"use client";
// One line chart over block numbers, coloured by the theme's CSS variables so it follows light
// and dark mode. Values arrive as plain numbers from a server component.
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";

export interface SeriesPoint {
  x: number;
  y: number;
}

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 3 });

export function TimeSeriesChart({
  data,
  yLabel,
  unit = "",
  height = 260,
  testId,
}: {
  data: SeriesPoint[];
  yLabel: string;
  unit?: string;
  height?: number;
  testId?: string;
}) {
  if (data.length === 0) {
    return (
      <p className="muted" data-testid={testId ? `${testId}-empty` : undefined}>
        No data yet.
      </p>
    );
  }
  return (
    <div style={{ width: "100%", height }} data-testid={testId} role="img" aria-label={`${yLabel} by block`}>
      <LineChart
        responsive
        style={{ width: "100%", height: "100%" }}
        data={data}
        margin={{ top: 8, right: 16, bottom: 8, left: 8 }}
      >
        <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
        <XAxis
          dataKey="x"
          type="number"
          domain={["dataMin", "dataMax"]}
          tick={{ fill: "var(--fg-muted)", fontSize: 12 }}
          stroke="var(--border)"
          tickFormatter={(v: number) => `#${v}`}
        />
        <YAxis
          tick={{ fill: "var(--fg-muted)", fontSize: 12 }}
          stroke="var(--border)"
          tickFormatter={(v: number) => compact.format(v)}
          width={56}
        />
        <Tooltip
          contentStyle={{ background: "var(--bg)", border: "1px solid var(--border)", color: "var(--fg)" }}
          labelFormatter={(v) => `Block #${String(v)}`}
          formatter={(v) => [
            `${typeof v === "number" ? compact.format(v) : String(v)}${unit ? ` ${unit}` : ""}`,
            yLabel,
          ]}
        />
        <Line
          type="monotone"
          dataKey="y"
          stroke="var(--accent)"
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}
