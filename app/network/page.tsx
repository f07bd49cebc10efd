// The network monitor: every configured node's health, the network's figures, open alerts and
// their history, and charts of the recorded checks (lib/monitor). Checks are made by the monitor
// loop or the cron route; without a recent one the page probes the nodes itself.
import type { Metadata } from "next";
import { Badge, type BadgeTone } from "@/components/ui/Badge";
import { Card } from "@/components/ui/Card";
import { Stat } from "@/components/ui/Stat";
import { Table } from "@/components/ui/Table";
import { getPrisma } from "@/lib/db/client";
import { formatAge, formatNumber, formatTime } from "@/lib/explorer/format";
import { getMonitorConfig } from "@/lib/monitor/config";
import type { NodeStatus } from "@/lib/monitor/evaluate";
import {
  getNetworkOverview,
  type AlertView,
  type NetworkOverview,
  type NodeView,
} from "@/lib/monitor/status";
import { NetworkCharts } from "./NetworkCharts";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Network" };

const STATUS_TONE: Record<NodeStatus, BadgeTone> = {
  healthy: "success",
  degraded: "warning",
  down: "danger",
};

function AlertTable({ alerts, now, testId }: { alerts: AlertView[]; now: Date; testId: string }) {
  return (
    <div data-testid={testId}>
      <Table
        rows={alerts}
        rowKey={(a) => a.id}
        empty="No alerts."
        columns={[
          {
            key: "sev",
            header: "Severity",
            render: (a) => (
              <Badge tone={a.severity === "critical" ? "danger" : "warning"}>{a.severity}</Badge>
            ),
          },
          { key: "msg", header: "Alert", render: (a) => a.message },
          {
            key: "opened",
            header: "Opened",
            render: (a) => <span title={formatTime(a.openedAt)}>{formatAge(a.openedAt, now)}</span>,
          },
          {
            key: "state",
            header: "State",
            render: (a) =>
              a.resolvedAt === null ? (
                <Badge tone="danger">open</Badge>
              ) : (
                <span title={formatTime(a.resolvedAt)}>resolved {formatAge(a.resolvedAt, now)}</span>
              ),
          },
        ]}
      />
    </div>
  );
}

export default async function NetworkPage() {
  const config = getMonitorConfig();
  let overview: NetworkOverview;
  try {
    overview = await getNetworkOverview(getPrisma(), config);
  } catch (err) {
    return (
      <>
        <h1 className="page-title">Network</h1>
        <div className="ui-alert" role="alert">
          Monitor data unavailable: {(err as Error).message.split("\n")[0]}
        </div>
      </>
    );
  }
  const now = new Date();
  const healthy = overview.nodes.filter((n) => n.status === "healthy").length;
  const m = overview.metrics;
  return (
    <>
      <h1 className="page-title">Network</h1>
      <Card
        title="Network"
        actions={
          <span className="muted" style={{ fontSize: "0.85rem" }}>
            {overview.source === "monitor"
              ? `checked ${formatAge(overview.checkedAt, now)}`
              : "probed now (no monitor check recently)"}
          </span>
        }
      >
        <div className="ui-stat-grid" data-testid="net-metrics">
          <Stat label="Nodes healthy" value={`${healthy} / ${overview.nodes.length}`} testId="net-healthy" />
          <Stat label="Height" value={m.height === null ? "—" : formatNumber(m.height)} testId="net-height" />
          <Stat
            label="Validators"
            value={m.validators === null ? "—" : formatNumber(m.validators)}
            hint="active"
          />
          <Stat
            label="Avg block time"
            value={m.blockTimeMs === null ? "—" : `${formatNumber(m.blockTimeMs / 1000, 2)} s`}
          />
          <Stat label="Transactions / s" value={m.txPerSec === null ? "—" : formatNumber(m.txPerSec, 3)} />
        </div>
      </Card>
      <Card title="Nodes">
        <div data-testid="net-nodes">
          <Table<NodeView>
            rows={overview.nodes}
            rowKey={(n) => n.name}
            columns={[
              { key: "name", header: "Node", render: (n) => <span title={n.url}>{n.name}</span> },
              {
                key: "status",
                header: "Status",
                render: (n) => (
                  <span data-testid={`node-status-${n.name}`}>
                    <Badge tone={STATUS_TONE[n.status]}>{n.status}</Badge>
                  </span>
                ),
              },
              {
                key: "height",
                header: "Height",
                align: "right",
                mono: true,
                render: (n) => formatNumber(n.height),
              },
              { key: "lag", header: "Lag", align: "right", render: (n) => formatNumber(n.lag) },
              { key: "peers", header: "Peers", align: "right", render: (n) => formatNumber(n.peers) },
              {
                key: "rt",
                header: "Response",
                align: "right",
                render: (n) => (n.responseMs === null ? "—" : `${n.responseMs} ms`),
              },
              {
                key: "why",
                header: "Notes",
                render: (n) => (
                  <span className="muted">{n.reasons.join("; ") || (n.syncing ? "syncing" : "")}</span>
                ),
              },
            ]}
          />
        </div>
      </Card>
      <Card title={`Open alerts (${overview.openAlerts.length})`}>
        <AlertTable alerts={overview.openAlerts} now={now} testId="net-open-alerts" />
        <p className="muted" style={{ marginBottom: 0 }}>
          The chain counts as stalled after {overview.stallSeconds} s without a new block.
        </p>
      </Card>
      <Card title="History">
        <NetworkCharts samples={overview.samples} nodeNames={overview.nodes.map((n) => n.name)} />
        <h3>Alert history</h3>
        <AlertTable alerts={overview.history} now={now} testId="net-alert-history" />
      </Card>
    </>
  );
}
