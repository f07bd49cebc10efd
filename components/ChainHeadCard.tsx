import type { ChainHeadResult } from "@/lib/chain/rpc";
import { Badge } from "./ui/Badge";
import { Card } from "./ui/Card";
import { Stat } from "./ui/Stat";

function formatAge(seconds: number): string {
  if (seconds < 0) return "in the future (clock skew)";
  if (seconds < 90) return `${seconds}s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 129_600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

/** The chain head as read from the node at render time, or why it could not be read. */
export function ChainHeadCard({ result, chainId, now }: { result: ChainHeadResult; chainId: number; now: Date }) {
  if (!result.ok) {
    return (
      <Card title="Chain head" actions={<Badge tone="danger">offline</Badge>}>
        <div className="ui-alert" role="alert" data-testid="node-unreachable">
          Node unreachable at <span className="mono">{result.rpcUrl}</span>
          <div className="muted">{result.error}</div>
        </div>
      </Card>
    );
  }
  const { head } = result;
  const time = new Date(Number(head.timestamp) * 1000);
  return (
    <Card title="Chain head" actions={<Badge tone="success">live</Badge>}>
      <div className="ui-stat-grid">
        <Stat label="Height" value={head.height.toLocaleString("en-US")} testId="chain-height" />
        <Stat label="Block time" value={time.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC")} hint={formatAge(Math.round((now.getTime() - time.getTime()) / 1000))} />
        <Stat label="Chain id" value={chainId} />
      </div>
      <div style={{ marginTop: "1rem" }}>
        <Stat label="Block hash" value={head.hash} mono testId="chain-hash" />
      </div>
      <p className="muted" style={{ marginBottom: 0 }}>
        Read from <span className="mono">{result.rpcUrl}</span>
      </p>
    </Card>
  );
}
