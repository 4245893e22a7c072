// Per-ship delivery sequence bookkeeping for the ship channel: drop duplicates, remember the last
// processed seq across reloads, and compute the cumulative ack (pure apart from the storage object).

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export class SeqTracker {
  private last: number;

  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
  ) {
    const v = Number(store.getItem(key));
    this.last = Number.isSafeInteger(v) && v > 0 ? v : 0;
  }

  /** The last seq fully processed; sent as resume_from on (re)connect. */
  get lastSeq(): number {
    return this.last;
  }

  /** True if this seq is new (higher than anything processed); duplicates and replays return false. */
  isNew(seq: number): boolean {
    return Number.isSafeInteger(seq) && seq > this.last;
  }

  /** Record that `seq` was processed (shown to the master); persisted before it is acked. */
  commit(seq: number): void {
    if (seq > this.last) {
      this.last = seq;
      this.store.setItem(this.key, String(seq));
    }
  }

  /** True when `seq` skips over deliveries we have not seen (in-order delivery was broken). */
  isGap(seq: number): boolean {
    return seq > this.last + 1;
  }
}

/** Exponential reconnect delay in ms with +/-20 % jitter, capped (attempt 0 -> ~500 ms). */
export function backoffMs(attempt: number, rand: () => number = Math.random, capMs = 15000): number {
  const base = Math.min(capMs, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * rand()));
}
