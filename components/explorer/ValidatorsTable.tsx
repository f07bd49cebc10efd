import { Badge, type BadgeTone } from "@/components/ui/Badge";
import { Table } from "@/components/ui/Table";
import { formatNumber, formatPercent, formatTen, formatTime } from "@/lib/explorer/format";
import type { Live } from "@/lib/explorer/live";
import type { SlashingRow, ValidatorRow } from "@/lib/explorer/queries";
import { AddressLink, BlockLink } from "./Links";

const STATUS_TONE: Record<string, BadgeTone> = {
  active: "success",
  inactive: "neutral",
  jailed: "warning",
  tombstoned: "danger",
};

export function ValidatorStatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? "neutral"}>{status}</Badge>;
}

/** `takes` come live from the staking precompile; a failed read shows "—". */
export function ValidatorsTable({
  validators,
  takes,
}: {
  validators: ValidatorRow[];
  takes: Map<string, Live<number>>;
}) {
  return (
    <Table
      rows={validators}
      rowKey={(v) => v.hotkey}
      empty="No validators indexed yet."
      columns={[
        {
          key: "validator",
          header: "Validator",
          render: (v) => <AddressLink address={v.hotkey} label={v.moniker} />,
        },
        { key: "status", header: "Status", render: (v) => <ValidatorStatusBadge status={v.status} /> },
        {
          key: "stake",
          header: "Stake",
          align: "right",
          mono: true,
          render: (v) => formatTen(v.stake, { maxFractionDigits: 2 }),
        },
        {
          key: "power",
          header: "Voting power",
          align: "right",
          render: (v) => (
            <>
              {formatNumber(v.votingPower)}{" "}
              <span className="muted">({formatPercent(v.votingPowerShare)})</span>
            </>
          ),
        },
        { key: "uptime", header: "Uptime", align: "right", render: (v) => formatPercent(v.uptime) },
        {
          key: "proposed",
          header: "Proposed",
          align: "right",
          render: (v) => formatNumber(v.proposedBlocks),
        },
        {
          key: "take",
          header: "Take",
          align: "right",
          render: (v) => {
            const t = takes.get(v.hotkey);
            return t?.ok ? formatPercent(t.value) : <span className="muted">—</span>;
          },
        },
        {
          key: "jail",
          header: "Jailed / slashed",
          render: (v) => (
            <>
              {v.status === "tombstoned" ? (
                "tombstoned"
              ) : v.jailedUntil !== null ? (
                `until ${formatTime(new Date(v.jailedUntil * 1000))}`
              ) : (
                <span className="muted">no</span>
              )}
              {v.slashCount > 0 && (
                <span className="muted">
                  {" "}
                  · {v.slashCount} slash{v.slashCount > 1 ? "es" : ""}
                </span>
              )}
            </>
          ),
        },
      ]}
    />
  );
}

/** Slashing history: one row per ValidatorSlashed (double sign → tombstoned, downtime → jailed). */
export function SlashingTable({ rows }: { rows: SlashingRow[] }) {
  return (
    <Table
      rows={rows}
      rowKey={(r) => `${r.hotkey}:${r.blockNumber}:${r.kind}`}
      empty="No validator has been slashed."
      columns={[
        { key: "block", header: "Block", render: (r) => <BlockLink number={r.blockNumber} /> },
        { key: "validator", header: "Validator", render: (r) => <AddressLink address={r.hotkey} /> },
        {
          key: "kind",
          header: "Fault",
          render: (r) => (
            <Badge tone={r.kind === "double_sign" ? "danger" : "warning"}>
              {r.kind === "double_sign" ? "double sign" : "downtime"}
            </Badge>
          ),
        },
        {
          key: "amount",
          header: "Slashed",
          align: "right",
          mono: true,
          render: (r) => formatTen(r.amount, { maxFractionDigits: 4 }),
        },
        {
          key: "penalty",
          header: "Penalty",
          render: (r) =>
            r.tombstoned
              ? "tombstoned"
              : r.jailedUntil !== null
                ? `jailed until ${formatTime(new Date(r.jailedUntil * 1000))}`
                : "—",
        },
      ]}
    />
  );
}
