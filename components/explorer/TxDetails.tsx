import { Card } from "@/components/ui/Card";
import { Table } from "@/components/ui/Table";
import { formatNumber, formatTen, formatTime, hexByteLength } from "@/lib/explorer/format";
import type { Live, RevertReason } from "@/lib/explorer/live";
import type { loadTxPage } from "@/lib/explorer/queries";
import { DetailList } from "./DetailList";
import { AddressLink, BlockLink } from "./Links";
import { TxStatus, TxTo } from "./TxTable";

type TxPage = NonNullable<Awaited<ReturnType<typeof loadTxPage>>>;
type LogRow = TxPage["tx"]["logs"][number];

const TX_TYPES: Record<number, string> = { 0: "legacy (0)", 1: "access list (1)", 2: "EIP-1559 (2)" };

function JsonValue({ value }: { value: unknown }) {
  return <span className="mono">{typeof value === "string" ? value : JSON.stringify(value)}</span>;
}

function RevertReasonView({ revert }: { revert: Live<RevertReason | null> | null }) {
  if (revert === null) return <span className="muted">—</span>;
  if (!revert.ok) return <span className="muted">unavailable (node: {revert.error})</span>;
  if (revert.value === null)
    return (
      <span className="muted">
        the replay did not revert (it depends on earlier transactions of the block)
      </span>
    );
  return (
    <span className="mono" data-testid="revert-reason" style={{ color: "var(--danger)" }}>
      {revert.value.description}
    </span>
  );
}

export function TxDetails({ data, revert }: { data: TxPage; revert: Live<RevertReason | null> | null }) {
  const { tx, call } = data;
  const gasPrice = BigInt(tx.effectiveGasPrice ?? "0");
  return (
    <>
      <Card title="Overview">
        <DetailList
          items={[
            { label: "Hash", value: <span className="mono">{tx.hash}</span> },
            {
              label: "Status",
              value: (
                <span data-testid="tx-status">
                  <TxStatus status={tx.status} />
                </span>
              ),
            },
            ...(tx.status === "reverted"
              ? [{ label: "Revert reason", value: <RevertReasonView revert={revert} /> }]
              : []),
            { label: "Block", value: <BlockLink number={tx.blockNumber} /> },
            { label: "Timestamp", value: formatTime(tx.timestamp) },
            { label: "From", value: <AddressLink address={tx.from} full /> },
            { label: tx.to === null ? "Contract created" : "To", value: <TxTo tx={tx} /> },
            { label: "Value", value: <span className="mono">{formatTen(tx.value)}</span> },
            {
              label: "Fee",
              value: (
                <span className="mono" data-testid="tx-fee" title={`${tx.gasUsed} gas × ${gasPrice} wei`}>
                  {formatTen(tx.fee)}
                </span>
              ),
            },
            { label: "Gas used / limit", value: `${formatNumber(tx.gasUsed)} / ${formatNumber(tx.gas)}` },
            { label: "Effective gas price", value: `${formatNumber(gasPrice)} wei` },
            { label: "Nonce", value: formatNumber(tx.nonce) },
            { label: "Type", value: TX_TYPES[tx.type] ?? String(tx.type) },
            { label: "Position in block", value: formatNumber(tx.transactionIndex) },
          ]}
        />
      </Card>
      {call !== null && (
        <Card title="Protocol call">
          <p style={{ marginTop: 0 }} data-testid="decoded-call">
            <strong>{call.contract}</strong>.<span className="mono">{call.functionName}</span>
          </p>
          <Table
            rows={call.args}
            rowKey={(a) => a.name}
            empty="No arguments."
            columns={[
              { key: "name", header: "Argument", render: (a) => a.name },
              { key: "type", header: "Type", mono: true, render: (a) => a.type },
              { key: "value", header: "Value", render: (a) => <JsonValue value={a.value} /> },
            ]}
          />
        </Card>
      )}
      <Card title={`Input data (${formatNumber(hexByteLength(tx.input))} bytes)`}>
        <pre
          className="mono"
          style={{
            whiteSpace: "pre-wrap",
            wordBreak: "break-all",
            margin: 0,
            maxHeight: "16rem",
            overflow: "auto",
          }}
        >
          {tx.input}
        </pre>
      </Card>
      <Card title={`Logs (${tx.logs.length})`}>
        {tx.logs.length === 0 ? (
          <p className="muted" style={{ margin: 0 }}>
            This transaction emitted no logs.
          </p>
        ) : (
          tx.logs.map((l) => <LogView key={l.logIndex} log={l} />)
        )}
      </Card>
    </>
  );
}

function LogView({ log }: { log: LogRow }) {
  const args =
    log.args !== null && typeof log.args === "object" && !Array.isArray(log.args)
      ? Object.entries(log.args as Record<string, unknown>)
      : [];
  return (
    <div style={{ borderTop: "1px solid var(--border)", padding: "0.6rem 0" }} data-testid="tx-log">
      <div>
        <span className="muted">#{log.logIndex} </span>
        {log.eventName ? <strong>{log.eventName}</strong> : <span className="muted">undecoded event</span>}
        <span className="muted"> from </span>
        <AddressLink address={log.address} />
      </div>
      {args.length > 0 ? (
        <DetailList items={args.map(([k, v]) => ({ label: k, value: <JsonValue value={v} /> }))} />
      ) : (
        <DetailList
          items={[
            ...log.topics.map((t, i) => ({ label: `topic ${i}`, value: <span className="mono">{t}</span> })),
            { label: "data", value: <span className="mono">{log.data}</span> },
          ]}
        />
      )}
    </div>
  );
}
