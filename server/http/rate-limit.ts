/** Keys held at most: a flood from made-up addresses cannot grow the process without bound. */
const MAX_KEYS = 50_000

/**
 * At most `limit` requests per `windowMs` per key (a client address), counted in fixed windows.
 * In memory: each server process counts its own, and a restart forgets.
 */
export class RateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; answers 0 when it may go ahead, else the seconds until it may. */
  take(key: string): number {
    const now = this.now()
    let w = this.windows.get(key)
    if (!w || now - w.start >= this.windowMs) {
      this.windows.delete(key) // re-inserted last: the map's order is the eviction order
      w = { start: now, count: 0 }
      this.windows.set(key, w)
      while (this.windows.size > MAX_KEYS) this.windows.delete(this.windows.keys().next().value!)
    }
    if (w.count >= this.limit) return Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000))
    w.count++
    return 0
  }
}
