import { getJson } from './api'
import { LiveConnection, loadWithRetry, wsUrl, type LiveEvent } from './live.svelte'

/** What the store needs of a ticket (server/tickets/ticket.view.ts; screens extend it). */
export interface LiveTicket {
  id: string
  status: string
  open: boolean
  merged_into: string | null
  location: { lat: number; lon: number }
  agency: { code: string; name: string } | null
}

export interface Touched<T> {
  n: number
  /** The tickets the change carried (replaced or removed). */
  changed: T[]
  /** Those new to the list. */
  arrived: T[]
  /** Ids the change concerned: the tickets carried, or, after a merge or split, the incidents it named. */
  ids: Set<string>
}

export interface LiveTicketsOptions<T> {
  /** GET path of the list (it answers { seq, tickets }). */
  path: string
  /** Whether a ticket belongs in this list (open, not merged, in the screen's scope). */
  keep: (t: T) => boolean
  /** What to carry over from the row it replaces (a field the events leave out). */
  carry?: (next: T, prev: T | undefined) => T
  /**
   * The agency whose added tickets on other agencies' incidents this list shows (a field
   * screen): their `agency_ticket.*` events carry the incident as that agency works it.
   */
  asAgency?: () => string | null
}

const isTicket = (v: unknown): v is LiveTicket =>
  typeof v === 'object' && v !== null && typeof (v as LiveTicket).id === 'string' && typeof (v as LiveTicket).status === 'string' && typeof (v as LiveTicket).location === 'object'

/**
 * A list of tickets kept current by the live stream, for the desk's queue and the field's list
 * alike: a `ticket.*` event replaces its ticket (or drops it when it no longer belongs); a merge
 * or split adds or removes whole tickets, so it reloads the list (once per burst).
 */
export class LiveTickets<T extends LiveTicket> {
  tickets = $state.raw<T[]>([])
  loaded = $state(false)
  failed = $state(false)
  /** Replaced at every change after the first load; the counter tells two equal changes apart. */
  touched = $state.raw<Touched<T>>({ n: 0, changed: [], arrived: [], ids: new Set() })
  readonly live: LiveConnection
  private off: (() => void) | null = null
  private reloadTimer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly opts: LiveTicketsOptions<T>) {
    this.live = new LiveConnection(wsUrl(), () => this.load())
  }

  async start() {
    this.off = this.live.onEvents((batch) => this.apply(batch))
    this.live.start(await loadWithRetry(() => this.load(), () => (this.failed = true)))
  }

  stop() {
    this.off?.()
    this.live.stop()
    if (this.reloadTimer) clearTimeout(this.reloadTimer)
  }

  /** Reloads the list; answers the event seq it is current to. */
  async load(): Promise<number> {
    const res = await getJson<{ seq: number; tickets: T[] }>(this.opts.path)
    const before = new Map(this.tickets.map((t) => [t.id, t]))
    this.tickets = res.tickets.filter((t) => this.opts.keep(t)).map((t) => this.opts.carry?.(t, before.get(t.id)) ?? t)
    this.loaded = true
    this.failed = false
    return res.seq
  }

  byId(id: string): T | undefined {
    return this.tickets.find((t) => t.id === id)
  }

  /** A change made on this screen (the server's answer), shown before the live echo. */
  upsert(t: T) {
    this.merge([t])
  }

  private apply(batch: LiveEvent[]) {
    // Merge the burst per ticket first: the list is replaced once per batch.
    const latest = new Map<string, T>()
    let reshaped = false
    const own = this.opts.asAgency?.() ?? null
    for (const ev of batch) {
      const data = ev.data as { ticket?: unknown; agency_view?: unknown } | null
      if (ev.event.startsWith('ticket.') && isTicket(data?.ticket)) latest.set(data.ticket.id, data.ticket as T)
      // Our agency's ticket on another agency's incident (an accident: ambulance besides the lead).
      if (own && ev.event.startsWith('agency_ticket.') && isTicket(data?.agency_view) && data.agency_view.agency?.code === own)
        latest.set(data.agency_view.id, data.agency_view as T)
      if (ev.event === 'incident.merged' || ev.event === 'incident.split') reshaped = true
    }
    if (latest.size) this.merge([...latest.values()])
    if (reshaped) this.reloadSoon(batch)
  }

  private reloadSoon(batch: LiveEvent[]) {
    if (this.reloadTimer) return
    const ids = new Set<string>()
    for (const ev of batch) {
      const d = ev.data as { incident?: { id?: string }; merged_id?: string; from?: { id?: string }; to?: { id?: string }; incident_id?: string } | null
      for (const id of [d?.incident?.id, d?.merged_id, d?.from?.id, d?.to?.id, d?.incident_id]) if (typeof id === 'string') ids.add(id)
    }
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null
      this.load()
        .then(() => (this.touched = { n: this.touched.n + 1, changed: [], arrived: [], ids }))
        .catch(() => {})
    }, 300)
  }

  private merge(changed: T[]) {
    const byId = new Map(this.tickets.map((t) => [t.id, t]))
    const arrived: T[] = []
    for (const t of changed) {
      const prev = byId.get(t.id)
      if (this.opts.keep(t)) {
        if (!prev) arrived.push(t)
        byId.set(t.id, this.opts.carry?.(t, prev) ?? t)
      } else byId.delete(t.id)
    }
    this.tickets = [...byId.values()]
    this.touched = { n: this.touched.n + 1, changed, arrived, ids: new Set(changed.map((t) => t.id)) }
  }
}
