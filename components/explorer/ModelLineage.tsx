// A neuron's model lineage: its current model and the chain of parents declared with
// publishModel, each with its latest score on the subnet's data set and the improvement over
// its parent that the evaluation receipt records (proof of learning; lib/scheduler/receipts.ts).
import { Card } from "@/components/ui/Card";
import { Table, type Column } from "@/components/ui/Table";
import type { LineageEntry } from "@/lib/scheduler/receipts";
import { ShortHash } from "./Links";

const points = (bps: number | null) => (bps === null ? "—" : (bps / 100).toFixed(2));
const gain = (bps: number | null) => (bps === null ? "—" : `${bps >= 0 ? "+" : ""}${(bps / 100).toFixed(2)}`);

const columns: Column<LineageEntry>[] = [
  { key: "model", header: "Model", render: (l) => <ShortHash value={l.modelHash} /> },
  { key: "parent", header: "Fine-tuned from", render: (l) => <ShortHash value={l.parentModelHash} /> },
  { key: "score", header: "Score", align: "right", render: (l) => points(l.scoreBps) },
  { key: "gain", header: "Over parent", align: "right", render: (l) => gain(l.improvementBps) },
];

export function ModelLineage({ lineage }: { lineage: LineageEntry[] }) {
  if (lineage.length === 0) return null;
  return (
    <Card title="Model lineage">
      <div data-testid="model-lineage">
        <Table columns={columns} rows={lineage} rowKey={(l) => l.modelHash} />
      </div>
    </Card>
  );
}
