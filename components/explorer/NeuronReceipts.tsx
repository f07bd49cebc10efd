import { Card } from "@/components/ui/Card";
import { Table } from "@/components/ui/Table";
import { formatTime } from "@/lib/explorer/format";
import type { NeuronReceiptRow } from "@/lib/explorer/neuron-receipts";
import { AddressLink, BlockLink, ShortHash } from "./Links";

/** Evaluation receipts of a UID (validators' scores of its model); renders nothing without any. */
export function NeuronReceipts({ receipts }: { receipts: NeuronReceiptRow[] }) {
  if (receipts.length === 0) return null;
  return (
    <Card title="Evaluation receipts">
      <Table
        rows={receipts}
        rowKey={(r) => r.id}
        columns={[
          { key: "block", header: "Block", render: (r) => <BlockLink number={r.blockNumber} /> },
          {
            key: "validator",
            header: "Validator",
            render: (r) => <AddressLink address={r.validatorHotkey} />,
          },
          { key: "model", header: "Model", render: (r) => <ShortHash value={r.modelHash} /> },
          { key: "metric", header: "Metric", render: (r) => r.metric },
          { key: "value", header: "Score", align: "right", mono: true, render: (r) => r.value.toFixed(4) },
          { key: "at", header: "Evaluated", render: (r) => formatTime(r.createdAt) },
        ]}
      />
    </Card>
  );
}
