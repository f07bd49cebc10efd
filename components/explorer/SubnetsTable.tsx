import Link from "next/link";
import { Table } from "@/components/ui/Table";
import { formatNumber, formatTen } from "@/lib/explorer/format";
import type { loadSubnetsPage } from "@/lib/explorer/queries";
import { AddressLink, BlockLink } from "./Links";

type SubnetRow = Awaited<ReturnType<typeof loadSubnetsPage>>[number];

export function SubnetsTable({ subnets }: { subnets: SubnetRow[] }) {
  return (
    <Table
      rows={subnets}
      rowKey={(s) => String(s.netuid)}
      empty="No subnets registered yet."
      columns={[
        {
          key: "netuid",
          header: "Netuid",
          render: (s) => <Link href={`/subnets/${s.netuid}`}>{s.netuid}</Link>,
        },
        {
          key: "name",
          header: "Name",
          render: (s) => (
            <Link href={`/subnets/${s.netuid}`}>{s.name ?? <span className="muted">unnamed</span>}</Link>
          ),
        },
        { key: "owner", header: "Owner", render: (s) => <AddressLink address={s.owner} /> },
        { key: "neurons", header: "Neurons", align: "right", render: (s) => formatNumber(s.neuronCount) },
        {
          key: "stake",
          header: "Total stake",
          align: "right",
          mono: true,
          render: (s) => formatTen(s.totalStake, { maxFractionDigits: 2 }),
        },
        {
          key: "emission",
          header: "Last epoch emission",
          align: "right",
          mono: true,
          render: (s) => formatTen(s.lastEmission, { maxFractionDigits: 4 }),
        },
        { key: "registered", header: "Registered", render: (s) => <BlockLink number={s.registeredAt} /> },
      ]}
    />
  );
}
