import Link from "next/link";
import { Card } from "@/components/ui/Card";
import { formatNumber, formatTen, formatTime } from "@/lib/explorer/format";
import type { loadBlockPage } from "@/lib/explorer/queries";
import { DetailList } from "./DetailList";
import { AddressLink, ShortHash } from "./Links";
import { TxTable } from "./TxTable";

type BlockPage = NonNullable<Awaited<ReturnType<typeof loadBlockPage>>>;

export function BlockDetails({ data }: { data: BlockPage }) {
  const { block, transactions, prevNumber, nextNumber, proposer } = data;
  const gasPct = block.gasLimit > 0 ? ` (${((block.gasUsed / block.gasLimit) * 100).toFixed(2)}%)` : "";
  return (
    <>
      <nav
        aria-label="Neighbouring blocks"
        style={{ display: "flex", justifyContent: "space-between", marginBottom: "0.75rem" }}
      >
        {prevNumber === null ? <span /> : <Link href={`/blocks/${prevNumber}`}>← Block #{prevNumber}</Link>}
        {nextNumber === null ? (
          <span className="muted">latest indexed</span>
        ) : (
          <Link href={`/blocks/${nextNumber}`}>Block #{nextNumber} →</Link>
        )}
      </nav>
      <Card title="Overview">
        <DetailList
          items={[
            { label: "Height", value: <span data-testid="block-number">{formatNumber(block.number)}</span> },
            { label: "Hash", value: <span className="mono">{block.hash}</span> },
            {
              label: "Parent hash",
              value:
                block.number > 0 ? (
                  <Link href={`/blocks/${block.number - 1}`} className="mono">
                    {block.parentHash}
                  </Link>
                ) : (
                  <span className="mono">{block.parentHash}</span>
                ),
            },
            { label: "Timestamp", value: formatTime(block.timestamp) },
            {
              label: "Proposer",
              value: (
                <>
                  <AddressLink address={block.miner} full />
                  {proposer?.moniker ? <span className="muted"> · {proposer.moniker}</span> : null}
                </>
              ),
            },
            { label: "Transactions", value: formatNumber(block.txCount) },
            {
              label: "Gas used",
              value: `${formatNumber(block.gasUsed)} / ${formatNumber(block.gasLimit)}${gasPct}`,
            },
            {
              label: "Base fee",
              value: block.baseFeePerGas === null ? "—" : `${formatNumber(BigInt(block.baseFeePerGas))} wei`,
            },
            { label: "Burnt fees", value: formatTen(block.burntFees) },
            { label: "State root", value: <ShortHash value={block.stateRoot} /> },
            { label: "Size", value: `${formatNumber(block.size)} bytes` },
            { label: "Extra data", value: <span className="mono">{block.extraData}</span> },
          ]}
        />
      </Card>
      <Card title={`Transactions (${transactions.length})`}>
        <TxTable txs={transactions} showBlock={false} />
      </Card>
    </>
  );
}
