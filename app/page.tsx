// The explorer home: the chain head as the node reports it now (the last committed block: one
// block finality), network figures, a search box, and the latest blocks and transactions from
// the index (or the node while nothing is indexed yet).
import Link from "next/link";
import { ChainHeadCard } from "@/components/ChainHeadCard";
import { BlockList } from "@/components/explorer/BlockList";
import { SearchBox } from "@/components/explorer/SearchBox";
import { TxTable } from "@/components/explorer/TxTable";
import { Badge } from "@/components/ui/Badge";
import { Card } from "@/components/ui/Card";
import { Stat } from "@/components/ui/Stat";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { getChainHead, getPublicClient } from "@/lib/chain/rpc";
import { formatNumber } from "@/lib/explorer/format";
import { loadHomeOverview } from "@/lib/home/overview";

// The head changes every block: render on every request, never at build time.
export const dynamic = "force-dynamic";

const SOURCE_BADGE = {
  index: <Badge tone="success">indexed</Badge>,
  node: <Badge tone="info">from node</Badge>,
  none: <Badge tone="danger">unavailable</Badge>,
} as const;

export default async function HomePage() {
  const [head, overview] = await Promise.all([
    getChainHead(),
    loadHomeOverview(getPrisma(), getPublicClient()),
  ]);
  const { chain } = getConfig();
  const window =
    overview.windowBlocks > 1 ? `over the latest ${overview.windowBlocks} blocks` : "not enough blocks yet";
  return (
    <>
      <h1 className="page-title">{chain.name}</h1>
      <div style={{ display: "flex", marginBottom: "1rem" }}>
        <SearchBox />
      </div>
      <ChainHeadCard result={head} chainId={chain.id} now={new Date()} />
      <Card title="Network" actions={SOURCE_BADGE[overview.source]}>
        <div className="ui-stat-grid" data-testid="home-stats">
          <Stat
            label="Transactions / s"
            value={overview.txPerSec === null ? "—" : formatNumber(overview.txPerSec, 3)}
            hint={window}
            testId="home-tps"
          />
          <Stat
            label="Block time"
            value={overview.blockTimeMs === null ? "—" : `${formatNumber(overview.blockTimeMs / 1000, 2)} s`}
            hint={window}
            testId="home-block-time"
          />
          <Stat
            label="Finality"
            value="1 block"
            hint={head.ok ? `last commit #${head.head.height.toLocaleString("en-US")}` : "node unreachable"}
            testId="home-finality"
          />
          <Stat
            label="Validators"
            value={
              overview.validators === null ? (
                "—"
              ) : (
                <Link href="/validators">{formatNumber(overview.validators)}</Link>
              )
            }
            hint={overview.validators === null ? "not indexed yet" : "active"}
            testId="home-validators"
          />
          <Stat
            label="Subnets"
            value={
              overview.subnets === null ? "—" : <Link href="/subnets">{formatNumber(overview.subnets)}</Link>
            }
            testId="home-subnets"
          />
        </div>
        {overview.notes.map((n) => (
          <p key={n} className="muted" style={{ marginBottom: 0 }} data-testid="home-note">
            {n}
          </p>
        ))}
      </Card>
      <Card
        title="Latest blocks"
        actions={<Link href="/blocks">All blocks →</Link>}
        className="home-latest-blocks"
      >
        <div data-testid="home-blocks">
          <BlockList blocks={overview.blocks} />
        </div>
      </Card>
      <Card title="Latest transactions" className="home-latest-txs">
        <div data-testid="home-txs">
          <TxTable txs={overview.txs} />
        </div>
      </Card>
    </>
  );
}
