import type { Db } from '../db/connect.js'
import { EVENTS_CHANNEL, latestSeq, readEventsAfter, type StoredEvent } from './event.repository.js'

export type EventListener = (events: StoredEvent[]) => void

const PAGE = 1000
const FALLBACK_POLL_MS = 1000
const GAP_RETRY_MS = 25

/**
 * Reads the event log in sequence order and hands every committed event to the listeners
 * exactly once, in order, with no gaps that could later fill.
 *
 * Sequence numbers are taken before commit, so seq 7 can become visible before seq 6. A
 * missing seq is only passed over once every transaction that was running when the gap
 * was first seen has ended (snapshot xmin past the xmax noted then): by then the gap's
 * owner has either committed (and is read) or rolled back (and never will be).
 */
export class EventFeed {
  private last = 0
  private listeners = new Set<EventListener>()
  private polling = false
  /** The highest seq a poke during a read asked for (Infinity: unknown); read once more after it. */
  private wanted = 0
  private gap: { seq: number; xmax: bigint } | null = null
  private timer: NodeJS.Timeout | null = null
  private retry: NodeJS.Timeout | null = null
  private unlisten: (() => Promise<void>) | null = null
  private stopped = false
  private readAt = Date.now()
  /** The last seq of each transaction of this process between writing its events and its commit's answer (expecting). */
  private own = new Set<number>()

  constructor(private readonly db: Db) {}

  get lastSeq(): number {
    return this.last
  }

  /**
   * When the event log was last read successfully (ms since the epoch). The feed reads at
   * least every second, so an old time means the database cannot be read: what a screen
   * shows may be stale, and the WebSocket hub stops saying otherwise (ws.hub.ts heartbeat).
   */
  get lastReadAt(): number {
    return this.readAt
  }

  async start(): Promise<void> {
    this.last = await latestSeq(this.db.db)
    this.readAt = Date.now()
    // The payload is the last seq the notifying transaction wrote (sigap_append_events): one this
    // feed has handed out already (read after a poke, or given by this process's own writer)
    // needs no read, nor does one whose writer is about to hand it over (expecting).
    this.unlisten = await this.db.listen(EVENTS_CHANNEL, (payload) => {
      const upTo = /^\d+$/.test(payload) ? Number(payload) : Infinity
      if (!this.own.has(upTo)) this.poke(upTo)
    })
    this.timer = setInterval(() => this.poke(), FALLBACK_POLL_MS)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    if (this.retry) clearTimeout(this.retry)
    await this.unlisten?.()
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Something was committed (up to seq `upTo`, when the caller knows): read it soon, unless it
   * was read already. Calls during a read coalesce into one more read.
   */
  poke(upTo = Infinity): void {
    if (this.stopped || upTo <= this.last) return
    if (this.polling) {
      this.wanted = Math.max(this.wanted, upTo)
      return
    }
    this.polling = true
    void this.drain().finally(() => {
      this.polling = false
      const wanted = this.wanted
      this.wanted = 0
      if (wanted > 0) this.poke(wanted)
    })
  }

  /**
   * Events this process has written and is about to commit (writeAndPublish's, called
   * before the commit): their NOTIFY, which may arrive before the commit's answer, is left to
   * `committed`, which hands them to the listeners at once when they follow the last one handed
   * out, with no read of the log (the intake writes most events; reading them back cost it a
   * fifth of its CPU: bench/README.md). When another transaction's events come between, or a
   * read is running, the log is read as after a poke, and they are handed out in their turn.
   */
  expecting(written: StoredEvent[]): { committed(): void; failed(): void } {
    const upTo = written.at(-1)?.seq
    if (upTo === undefined) return { committed: () => {}, failed: () => {} }
    this.own.add(upTo)
    return {
      committed: () => {
        this.own.delete(upTo)
        const inTurn = !this.polling && !this.stopped && written.every((ev, i) => ev.seq === this.last + 1 + i)
        if (!inTurn) return this.poke(upTo)
        this.gap = null
        this.last = upTo
        for (const l of this.listeners) l(written)
      },
      // Rolled back: no NOTIFY comes. Should the commit have happened after all (its answer lost), the fallback poll reads it.
      failed: () => void this.own.delete(upTo),
    }
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const page = await readEventsAfter(this.db.db, this.last, PAGE)
        this.readAt = Date.now()
        const ready: StoredEvent[] = []
        for (const ev of page.events) {
          if (ev.seq !== this.last + 1 && !this.gapSettled(page.xmin, page.xmax)) break
          this.gap = null
          ready.push(ev)
          this.last = ev.seq
        }
        if (ready.length) for (const l of this.listeners) l(ready)
        if (ready.length < page.events.length) {
          this.scheduleRetry()
          return
        }
        if (page.events.length < PAGE) return
      }
    } catch {
      // The database may be restarting; the fallback poll tries again.
    }
  }

  private gapSettled(xmin: string, xmax: string): boolean {
    if (!this.gap || this.gap.seq !== this.last + 1) {
      this.gap = { seq: this.last + 1, xmax: BigInt(xmax) }
      return false
    }
    return BigInt(xmin) >= this.gap.xmax
  }

  private scheduleRetry(): void {
    if (this.retry || this.stopped) return
    this.retry = setTimeout(() => {
      this.retry = null
      this.poke()
    }, GAP_RETRY_MS)
  }
}
