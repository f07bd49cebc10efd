// From a round's evaluation scores to the u16 weight vector a validator commits. Pure.
//
// Weight of a miner = its score relative to the round's best score, scaled to u16 (the chain
// normalizes rows, so only ratios matter): a model scoring half the best gets half the weight.
// Models that failed (score 0), the validator itself and UIDs without a finished evaluation get
// no weight.

export interface UidScore {
  uid: number;
  /** 0–10000 (basis points of the 0–100 score). */
  scoreBps: number;
}

export interface WeightVector {
  uids: number[];
  values: number[];
}

export const U16_MAX = 65_535;

export function deriveWeights(scores: readonly UidScore[], selfUid?: number): WeightVector {
  // One score per UID: the best if a UID was evaluated twice (a re-run after a lost lease).
  const best = new Map<number, number>();
  for (const s of scores) {
    if (s.uid === selfUid || !(s.scoreBps > 0)) continue;
    best.set(s.uid, Math.max(best.get(s.uid) ?? 0, s.scoreBps));
  }
  const top = Math.max(0, ...best.values());
  const uids = [...best.keys()].sort((a, b) => a - b);
  if (top === 0) return { uids: [], values: [] };
  return { uids, values: uids.map((u) => Math.max(1, Math.round((best.get(u)! / top) * U16_MAX))) };
}
