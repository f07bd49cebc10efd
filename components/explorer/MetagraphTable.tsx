// The metagraph of a subnet (PROTOCOL.md columns). Sorting is by query-string links rendered on
// the server, so it works without JavaScript and a sorted view can be shared.
import Link from "next/link";
import { Badge } from "@/components/ui/Badge";
import { Table, type Column } from "@/components/ui/Table";
import { formatTen } from "@/lib/explorer/format";
import type { MetagraphNeuron } from "@/lib/explorer/queries";
import { sortHref, type MetagraphColumn, type MetagraphSort } from "@/lib/explorer/sort";
import { AddressLink } from "./Links";

const fraction = (f: number) => f.toFixed(4);

export function MetagraphTable({
  netuid,
  neurons,
  sort,
}: {
  netuid: number;
  neurons: MetagraphNeuron[];
  sort: MetagraphSort;
}) {
  const base = `/subnets/${netuid}`;
  const header = (column: MetagraphColumn, label: string) => {
    const active = sort.column === column;
    return (
      <Link href={sortHref(base, sort, column)} data-testid={`sort-${column}`} scroll={false}>
        {label}
        {active ? (sort.dir === "asc" ? " ▲" : " ▼") : ""}
      </Link>
    );
  };
  const columns: Column<MetagraphNeuron>[] = [
    {
      key: "uid",
      header: header("uid", "UID"),
      render: (n) => <Link href={`${base}/neurons/${n.uid}`}>{n.uid}</Link>,
    },
    { key: "hotkey", header: header("hotkey", "Hotkey"), render: (n) => <AddressLink address={n.hotkey} /> },
    {
      key: "stake",
      header: header("stake", "Stake"),
      align: "right",
      mono: true,
      render: (n) => formatTen(n.stake, { maxFractionDigits: 2, symbol: false }),
    },
    {
      key: "trust",
      header: header("trust", "Trust"),
      align: "right",
      mono: true,
      render: (n) => fraction(n.trust),
    },
    {
      key: "consensus",
      header: header("consensus", "Consensus"),
      align: "right",
      mono: true,
      render: (n) => fraction(n.consensus),
    },
    {
      key: "incentive",
      header: header("incentive", "Incentive"),
      align: "right",
      mono: true,
      render: (n) => fraction(n.incentive),
    },
    {
      key: "dividends",
      header: header("dividends", "Dividends"),
      align: "right",
      mono: true,
      render: (n) => fraction(n.dividends),
    },
    {
      key: "emission",
      header: header("emission", "Emission"),
      align: "right",
      mono: true,
      render: (n) => formatTen(n.emission, { maxFractionDigits: 6, symbol: false }),
    },
    {
      key: "active",
      header: header("active", "Active"),
      render: (n) => (n.active ? <Badge tone="success">yes</Badge> : <Badge>no</Badge>),
    },
    {
      key: "permit",
      header: header("permit", "Permit"),
      render: (n) =>
        n.validatorPermit ? <Badge tone="info">validator</Badge> : <span className="muted">—</span>,
    },
  ];
  return (
    <Table
      columns={columns}
      rows={neurons}
      rowKey={(n) => String(n.uid)}
      empty="No neurons in the latest snapshot."
      caption="Stake and emission in TEN"
    />
  );
}
