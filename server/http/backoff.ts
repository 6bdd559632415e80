/** The first wait after the free failures; each further failure doubles it, up to the cap. */
const FIRST_WAIT_MS = 1000
const MAX_WAIT_MS = 15 * 60_000
/** Failures are forgotten after this long without one. */
const FORGET_AFTER_MS = 30 * 60_000
/** Keys held at most: a flood of made-up keys cannot grow the process without bound. */
const MAX_KEYS = 50_000

interface Failures {
  count: number
  last: number
}

/**
 * Failures counted per key (an account, an address), with a doubling wait once a key has used
 * its free ones. In memory: each server process keeps its own tally, and a restart forgets it.
 */
export class Backoff {
  private readonly failures = new Map<string, Failures>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds `key` must still wait, given `free` failures before any wait; 0 if it may go now. */
  waitMs(key: string, free: number): number {
    const f = this.current(key)
    if (!f || f.count < free) return 0
    const wait = Math.min(FIRST_WAIT_MS * 2 ** Math.min(f.count - free, 20), MAX_WAIT_MS)
    return Math.max(0, f.last + wait - this.now())
  }

  failed(key: string) {
    const f = this.current(key)
    this.failures.delete(key) // re-inserted last: the map's order is the eviction order
    this.failures.set(key, { count: (f?.count ?? 0) + 1, last: this.now() })
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!)
  }

  clear(key: string) {
    this.failures.delete(key)
  }

  private current(key: string): Failures | undefined {
    const f = this.failures.get(key)
    if (f && this.now() - f.last > FORGET_AFTER_MS) {
      this.failures.delete(key)
      return undefined
    }
    return f
  }
}
