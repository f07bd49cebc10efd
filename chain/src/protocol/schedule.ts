// When each subnet's epoch runs, and the tempo index used by commit-reveal. Subnets are
// staggered by netuid (subtensor's rule: an epoch runs at block b when (b + netuid + 1) is a
// multiple of tempo + 1), so the per-block cost of epochs is spread across blocks instead of
// every subnet running in the same block.

function checkArgs(netuid: number, tempo: number, block: number): void {
  if (!Number.isSafeInteger(netuid) || netuid < 0)
    throw new RangeError(`netuid must be a non-negative integer, got ${netuid}`);
  if (!Number.isSafeInteger(tempo) || tempo < 1)
    throw new RangeError(`tempo must be a positive integer, got ${tempo}`);
  if (!Number.isSafeInteger(block) || block < 0)
    throw new RangeError(`block must be a non-negative integer, got ${block}`);
}

/** True when subnet `netuid` runs its epoch at the end of `block`. */
export function isEpochBlock(netuid: number, tempo: number, block: number): boolean {
  checkArgs(netuid, tempo, block);
  return (block + netuid + 1) % (tempo + 1) === 0;
}

/** The tempo a block belongs to: an epoch block closes its tempo, the next block opens the next. */
export function tempoIndex(netuid: number, tempo: number, block: number): number {
  checkArgs(netuid, tempo, block);
  return Math.floor((block + netuid) / (tempo + 1));
}

/** The first epoch block at or after `block`. */
export function nextEpochBlock(netuid: number, tempo: number, block: number): number {
  checkArgs(netuid, tempo, block);
  const period = tempo + 1;
  const rem = (block + netuid + 1) % period;
  return rem === 0 ? block : block + (period - rem);
}
