// The staking page's APR estimate: a hotkey's emission over each subnet's last epoch,
// annualised with the measured block time, less the validator's take, over its total stake.
// An estimate from one epoch of history, labelled as such in the UI.
const SECONDS_PER_YEAR = 365.25 * 24 * 3600;
const U16_MAX = 65535;

export interface EpochEarning {
  /** Wei the hotkey earned in the subnet's last epoch. */
  emission: bigint;
  /** Blocks per epoch of that subnet. */
  tempoBlocks: number;
}

/** Yearly return as a fraction (0.12 = 12%), or null when there is nothing to base it on. */
export function estimateApr(o: {
  earnings: readonly EpochEarning[];
  totalStake: bigint;
  take: number;
  secondsPerBlock: number | undefined;
}): number | null {
  if (o.totalStake === 0n || o.secondsPerBlock === undefined || o.secondsPerBlock <= 0) return null;
  let perYearWei = 0;
  for (const e of o.earnings) {
    if (e.tempoBlocks <= 0) continue;
    const epochsPerYear = SECONDS_PER_YEAR / (e.tempoBlocks * o.secondsPerBlock);
    perYearWei += Number(e.emission) * epochsPerYear;
  }
  const delegatorShare = 1 - Math.min(Math.max(o.take, 0), U16_MAX) / U16_MAX;
  return (perYearWei * delegatorShare) / Number(o.totalStake);
}
