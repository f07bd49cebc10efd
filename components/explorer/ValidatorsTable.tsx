import { Badge, type BadgeTone } from "@/components/ui/Badge";
import { Table } from "@/components/ui/Table";
import { formatNumber, formatPercent, formatTen } from "@/lib/explorer/format";
import type { Live } from "@/lib/explorer/live";
import type { ValidatorRow } from "@/lib/explorer/queries";
import { AddressLink } from "./Links";

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
                `until #${v.jailedUntil}`
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
