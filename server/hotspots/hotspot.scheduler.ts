import type { Config } from '../config.js'
import type { Deps } from '../http/context.js'
import { loadSet } from './hotspot.repository.js'
import { refreshWindow } from './hotspot.service.js'
import type { StandardWindow } from './hotspot.window.js'

/** Longer windows change more slowly relative to their size: recomputed every N ticks' worth of time. */
const PERIOD_TICKS: Record<StandardWindow, number> = { '24h': 1, '7d': 2, '30d': 4 }

/** Milliseconds between hotspot recomputations (SIGAP_HOTSPOT_INTERVAL_S; 0: none). */
export const hotspotIntervalMs = (config: Pick<Config, 'SIGAP_HOTSPOT_INTERVAL_S'>): number => config.SIGAP_HOTSPOT_INTERVAL_S * 1000

/** A window's stored set older than this is recomputed by the API itself (no scheduler running). */
export const staleAfterMs = (intervalMs: number) => Math.max(5 * 60_000, 10 * (intervalMs || 30_000))

/**
 * Keeps the stored hotspots of the standard windows current on a short schedule, so that
 * page loads read a stored result. Runs one pass at a time; a pass skips a window another
 * process refreshed recently enough (several servers on one database share the work).
 */
export class HotspotScheduler {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private stopped = false

  constructor(
    private readonly deps: Deps,
    readonly intervalMs = hotspotIntervalMs(deps.config),
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return
    this.stopped = false
    this.schedule(2_000)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
  }

  /** One pass over the standard windows; returns those whose hotspots changed. */
  async runOnce(now = new Date()): Promise<StandardWindow[]> {
    const changed: StandardWindow[] = []
    for (const key of Object.keys(PERIOD_TICKS) as StandardWindow[]) {
      if (this.stopped) break
      const stored = await loadSet(this.deps.db.db, key)
      const due = !stored || now.getTime() - stored.computed_at.getTime() >= PERIOD_TICKS[key] * this.intervalMs * 0.9
      if (due && (await refreshWindow(this.deps, key, now)).changed) changed.push(key)
    }
    return changed
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.deps.log.error(`hotspot recomputation failed: ${(err as Error).message}`))
        .finally(() => {
          this.running = null
          this.schedule(this.intervalMs)
        })
    }, delayMs)
    this.timer.unref()
  }
}
