// Application-level peer scores. Gossipsub keeps its own mesh scores; this one counts what the
// node itself judged: rejected gossip, malformed responses, `reportInvalid` from higher layers.
// Pure bookkeeping with an injected clock; the network acts on `penalize`'s verdict.

export interface ScoringParams {
  invalidPenalty: number;
  banThreshold: number;
  banMs: number;
  recoveryPerMinute: number;
}

interface Entry {
  score: number;
  updatedAt: number;
  bannedUntil?: number;
  lastReason?: string;
}

export interface PenaltyOutcome {
  score: number;
  /** True when this penalty crossed the threshold: disconnect the peer now. */
  banned: boolean;
}

export interface PeerScoreInfo {
  score: number;
  bannedUntil?: number;
  lastReason?: string;
}

export class PeerScorer {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly params: ScoringParams,
    private readonly now: () => number = Date.now,
  ) {}

  /** Lowers the peer's score by `weight` penalties; bans it when the threshold is reached. */
  penalize(peerId: string, reason: string, weight = 1): PenaltyOutcome {
    const entry = this.current(peerId);
    if (entry.bannedUntil !== undefined) return { score: entry.score, banned: false };
    entry.score -= this.params.invalidPenalty * weight;
    entry.lastReason = reason;
    if (entry.score <= this.params.banThreshold) {
      entry.bannedUntil = this.now() + this.params.banMs;
      return { score: entry.score, banned: true };
    }
    return { score: entry.score, banned: false };
  }

  score(peerId: string): number {
    return this.entries.has(peerId) ? this.current(peerId).score : 0;
  }

  isBanned(peerId: string): boolean {
    return this.entries.has(peerId) && this.current(peerId).bannedUntil !== undefined;
  }

  info(peerId: string): PeerScoreInfo {
    if (!this.entries.has(peerId)) return { score: 0 };
    const { score, bannedUntil, lastReason } = this.current(peerId);
    return { score, bannedUntil, lastReason };
  }

  /** Peers currently banned, with the time their ban ends. */
  banned(): Array<{ peerId: string; until: number }> {
    const out: Array<{ peerId: string; until: number }> = [];
    for (const peerId of [...this.entries.keys()]) {
      const entry = this.current(peerId);
      if (entry.bannedUntil !== undefined) out.push({ peerId, until: entry.bannedUntil });
    }
    return out;
  }

  /** Forgets peers that recovered fully, so the table does not grow with every peer ever seen. */
  prune(): void {
    for (const peerId of [...this.entries.keys()]) {
      const entry = this.current(peerId);
      if (entry.bannedUntil === undefined && entry.score >= 0) this.entries.delete(peerId);
    }
  }

  /** Returns the entry with recovery and ban expiry applied up to now. */
  private current(peerId: string): Entry {
    const now = this.now();
    let entry = this.entries.get(peerId);
    if (!entry) {
      entry = { score: 0, updatedAt: now };
      this.entries.set(peerId, entry);
      return entry;
    }
    if (entry.bannedUntil !== undefined) {
      if (now < entry.bannedUntil) return entry;
      // A served ban wipes the slate: the peer gets a fresh start rather than a hair trigger.
      entry.bannedUntil = undefined;
      entry.score = 0;
      entry.updatedAt = now;
      return entry;
    }
    // Recover in whole points, carrying the remainder, so scores stay integers a person can read.
    const msPerPoint = this.params.recoveryPerMinute > 0 ? 60_000 / this.params.recoveryPerMinute : Infinity;
    const points = Math.floor((now - entry.updatedAt) / msPerPoint);
    if (points > 0) {
      entry.score = Math.min(0, entry.score + points);
      entry.updatedAt += points * msPerPoint;
    }
    if (entry.score === 0 || msPerPoint === Infinity) entry.updatedAt = now;
    return entry;
  }
}
