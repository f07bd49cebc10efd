import { Table } from "@/components/ui/Table";
import { formatNumber, formatTime } from "@/lib/explorer/format";
import type { loadBlocksPage } from "@/lib/explorer/queries";
import { AddressLink, BlockLink, ShortHash } from "./Links";

type BlockRow = Awaited<ReturnType<typeof loadBlocksPage>>["items"][number];

export function BlockList({ blocks }: { blocks: BlockRow[] }) {
  return (
    <Table
      rows={blocks}
      rowKey={(b) => String(b.number)}
      empty="No blocks indexed yet."
      columns={[
        { key: "number", header: "Block", render: (b) => <BlockLink number={b.number} /> },
        {
          key: "time",
          header: "Time",
          render: (b) => <span className="muted">{formatTime(b.timestamp)}</span>,
        },
        { key: "hash", header: "Hash", render: (b) => <ShortHash value={b.hash} /> },
        { key: "proposer", header: "Proposer", render: (b) => <AddressLink address={b.miner} /> },
        { key: "txs", header: "Txs", align: "right", render: (b) => formatNumber(b.txCount) },
        {
          key: "gas",
          header: "Gas used",
          align: "right",
          mono: true,
          render: (b) => formatNumber(b.gasUsed),
        },
      ]}
    />
  );
}
