// The chain height stamped on evaluation receipts when a result arrives. Completing a job must
// not wait on a slow or absent node: the last known head is served at once and refreshed in
// the background when stale; only the very first lookup is waited for, briefly.
import { getChainHead } from "@/lib/chain/rpc";

const STALE_MS = 5_000;
const FIRST_LOOKUP_BUDGET_MS = 250;

export function cachedChainHeight(
  lookup: () => Promise<bigint | null> = defaultLookup,
): () => Promise<bigint | null> {
  let known: bigint | null = null;
  let checkedAt = -Infinity;
  let inFlight: Promise<bigint | null> | undefined;
  const refresh = (): Promise<bigint | null> => {
    inFlight ??= lookup()
      .catch(() => null)
      .then((h) => {
        if (h !== null) known = h;
        checkedAt = Date.now();
        inFlight = undefined;
        return known;
      });
    return inFlight;
  };
  return async () => {
    if (Date.now() - checkedAt <= STALE_MS) return known;
    const pending = refresh();
    if (checkedAt !== -Infinity) return known;
    const timeout = new Promise<null>((resolve) =>
      setTimeout(() => resolve(null), FIRST_LOOKUP_BUDGET_MS).unref(),
    );
    return (await Promise.race([pending, timeout])) ?? known;
  };
}

async function defaultLookup(): Promise<bigint | null> {
  const head = await getChainHead();
  return head.ok ? head.head.height : null;
}
