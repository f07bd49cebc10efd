import type { Metadata } from "next";
import { EmptyState } from "@/components/explorer/EmptyState";
import { TxDetails } from "@/components/explorer/TxDetails";
import { txHashParam } from "@/lib/api/params";
import { getPublicClient } from "@/lib/chain/rpc";
import { getPrisma } from "@/lib/db/client";
import { shortHash } from "@/lib/explorer/format";
import { readRevertReason } from "@/lib/explorer/live";
import { parseOr404 } from "@/lib/explorer/params";
import { loadTxPage } from "@/lib/explorer/queries";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ hash: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Transaction ${shortHash((await params).hash)}` };
}

export default async function TxPage({ params }: Props) {
  const hash = parseOr404(txHashParam, (await params).hash);
  const data = await loadTxPage(getPrisma(), hash);
  // Only a reverted transaction needs the node (its reason is not indexed).
  const revert =
    data !== null && data.tx.status === "reverted"
      ? await readRevertReason(getPublicClient(), data.tx)
      : null;
  return (
    <>
      <h1 className="page-title">Transaction</h1>
      {data === null ? (
        <EmptyState title="Transaction not indexed">
          <span className="mono">{hash}</span> is not in the index: it may be pending, unknown, or the indexer
          has not reached its block.
        </EmptyState>
      ) : (
        <TxDetails data={data} revert={revert} />
      )}
    </>
  );
}
