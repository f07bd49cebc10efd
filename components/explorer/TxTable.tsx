// A list of transactions (a block's, an address's).
import { Badge } from "@/components/ui/Badge";
import { Table, type Column } from "@/components/ui/Table";
import { formatTen, formatTime } from "@/lib/explorer/format";
import { precompileName } from "@/lib/explorer/decode-call";
import type { TxSummary } from "@/lib/explorer/queries";
import { AddressLink, BlockLink, TxLink } from "./Links";

export function TxStatus({ status }: { status: "success" | "reverted" }) {
  return status === "success" ? <Badge tone="success">success</Badge> : <Badge tone="danger">reverted</Badge>;
}

/** `to`, or the created contract, or the precompile's name. */
export function TxTo({ tx }: { tx: Pick<TxSummary, "to" | "contractAddress"> }) {
  if (tx.to === null) {
    return (
      <span>
        <span className="muted">create </span>
        <AddressLink address={tx.contractAddress} />
      </span>
    );
  }
  return <AddressLink address={tx.to} label={precompileName(tx.to)} />;
}

export function TxTable({
  txs,
  showBlock = true,
  highlight,
}: {
  txs: TxSummary[];
  showBlock?: boolean;
  highlight?: string;
}) {
  const columns: Column<TxSummary>[] = [
    { key: "hash", header: "Hash", render: (t) => <TxLink hash={t.hash} /> },
    ...(showBlock
      ? [{ key: "block", header: "Block", render: (t: TxSummary) => <BlockLink number={t.blockNumber} /> }]
      : []),
    { key: "time", header: "Time", render: (t) => <span className="muted">{formatTime(t.timestamp)}</span> },
    {
      key: "from",
      header: "From",
      render: (t) =>
        t.from === highlight ? (
          <span className="mono" title={t.from}>
            this address
          </span>
        ) : (
          <AddressLink address={t.from} />
        ),
    },
    {
      key: "to",
      header: "To",
      render: (t) =>
        t.to !== null && t.to === highlight ? <span className="mono">this address</span> : <TxTo tx={t} />,
    },
    {
      key: "value",
      header: "Value",
      align: "right",
      mono: true,
      render: (t) => formatTen(t.value, { maxFractionDigits: 6 }),
    },
    {
      key: "fee",
      header: "Fee",
      align: "right",
      mono: true,
      render: (t) => formatTen(t.fee, { maxFractionDigits: 8 }),
    },
    { key: "status", header: "Status", render: (t) => <TxStatus status={t.status} /> },
  ];
  return <Table columns={columns} rows={txs} rowKey={(t) => t.hash} empty="No transactions." />;
}
