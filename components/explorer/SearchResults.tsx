import Link from "next/link";
import { Card } from "@/components/ui/Card";
import type { SearchHit } from "@/lib/explorer/search";

export function SearchResults({ query, hits }: { query: string; hits: SearchHit[] }) {
  if (query.trim() === "") {
    return (
      <p className="muted">
        Search by block height, transaction or block hash (0x + 64 hex), address (0x + 40 hex), subnet id,
        subnet name or <span className="mono">netuid/uid</span>.
      </p>
    );
  }
  if (hits.length === 0) {
    return (
      <Card title="Nothing found">
        <p className="muted" style={{ margin: 0 }} data-testid="search-nothing">
          Nothing matches <span className="mono">{query}</span>. Block heights, hashes and subnets appear once
          the indexer has seen them.
        </p>
      </Card>
    );
  }
  return (
    <Card title={`${hits.length} results`}>
      <ul style={{ margin: 0, paddingLeft: "1.2rem" }} data-testid="search-results">
        {hits.map((h) => (
          <li key={h.href}>
            <span className="muted">{h.type}: </span>
            <Link href={h.href} className="mono">
              {h.label}
            </Link>
          </li>
        ))}
      </ul>
    </Card>
  );
}
