import { ChainHeadCard } from "@/components/ChainHeadCard";
import { getConfig } from "@/lib/config";
import { getChainHead } from "@/lib/chain/rpc";

// The head changes every block: render on every request, never at build time.
export const dynamic = "force-dynamic";

export default async function HomePage() {
  const result = await getChainHead();
  const { chain } = getConfig();
  return (
    <>
      <h1 className="page-title">{chain.name}</h1>
      <ChainHeadCard result={result} chainId={chain.id} now={new Date()} />
    </>
  );
}
