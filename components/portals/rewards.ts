// Rewards history of one delegation from the chain alone: the position's stake sampled at a
// few past blocks (eth_call at a block), minus what the delegator itself added or removed in
// between (StakeAdded / StakeRemoved logs). What is left is what the validator's dividends
// (after its take) added to the position, or a slash took from it. Pure, client-safe.

export interface StakeSample {
  block: bigint;
  /** The position's stake after `block`. */
  stake: bigint;
}

export interface StakeFlow {
  block: bigint;
  /** +amount for StakeAdded, −amount for StakeRemoved. */
  amount: bigint;
}

export interface RewardInterval {
  /** Exclusive. */
  fromBlock: bigint;
  /** Inclusive. */
  toBlock: bigint;
  reward: bigint;
}

/** `count` block numbers evenly spread over the last `window` blocks up to `head`, ascending, distinct. */
export function sampleBlocks(head: bigint, window: bigint, count: number): bigint[] {
  const from = head > window ? head - window : 0n;
  const span = head - from;
  const out = new Set<bigint>();
  for (let i = 0; i < count; i++) out.add(from + (span * BigInt(i)) / BigInt(Math.max(1, count - 1)));
  out.add(head);
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** For each pair of consecutive samples: the change of stake not explained by the delegator's own flows. */
export function rewardIntervals(
  samples: readonly StakeSample[],
  flows: readonly StakeFlow[],
): RewardInterval[] {
  const sorted = [...samples].sort((a, b) => (a.block < b.block ? -1 : a.block > b.block ? 1 : 0));
  const out: RewardInterval[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    const own = flows
      .filter((f) => f.block > a.block && f.block <= b.block)
      .reduce((s, f) => s + f.amount, 0n);
    out.push({ fromBlock: a.block, toBlock: b.block, reward: b.stake - a.stake - own });
  }
  return out;
}
