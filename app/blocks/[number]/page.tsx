import type { Metadata } from "next";
import { BlockDetails } from "@/components/explorer/BlockDetails";
import { EmptyState } from "@/components/explorer/EmptyState";
import { getWalletSettings } from "@/lib/wallet/config";
import { VerifyBlock } from "@/components/explorer/LightClientVerify";
import { blockNumberParam } from "@/lib/api/params";
import { getPrisma } from "@/lib/db/client";
import { parseOr404 } from "@/lib/explorer/params";
import { loadBlockPage } from "@/lib/explorer/queries";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ number: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Block #${(await params).number}` };
}

export default async function BlockPage({ params }: Props) {
  const number = parseOr404(blockNumberParam, (await params).number);
  const data = await loadBlockPage(getPrisma(), number);
  return (
    <>
      <h1 className="page-title">Block #{number.toString()}</h1>
      {data === null ? (
        <EmptyState title="Block not indexed">
          Block #{number.toString()} is not in the index: it may not exist yet, or the indexer has not reached
          it.
        </EmptyState>
      ) : (
        <>
          <BlockDetails data={data} />
          <VerifyBlock height={Number(number)} hash={data.block.hash} chain={getWalletSettings().chain} />
        </>
      )}
    </>
  );
}
