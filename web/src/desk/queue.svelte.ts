import { getJson } from '../lib/api'
import { LiveConnection, loadWithRetry, wsUrl, type LiveEvent } from '../lib/live.svelte'
import type { Ticket } from '../field/types'

export type DeskTicket = Ticket & { channels: string[] }

const isTicket = (v: unknown): v is DeskTicket =>
  typeof v === 'object' && v !== null && typeof (v as Ticket).id === 'string' && typeof (v as Ticket).status === 'string' && typeof (v as Ticket).location === 'object'

/** The states the command room still has to act on; the rest of the open ones are with an agency. */
export const NEEDS_ACTION = ['new', 'verified', 'field_check', 'waiting_reporter', 'reopened']

/**
 * When the ticket's next clock runs out: the response clock until someone responded, then the
 * resolution clock. The queue is sorted by it, so the most urgent (and the overdue) come first.
 */
export function nextDue(t: Ticket): { at: number; clock: 'respond' | 'resolve'; paused?: boolean } | null {
  // Waiting for the reporter: the clock stands still, as much time left as at the pause.
  if (t.sla.paused_at && t.sla.resolve_due_at) return { at: Date.parse(t.sla.resolve_due_at) - Date.parse(t.sla.paused_at) + Date.now(), clock: 'resolve', paused: true }
  if (t.sla.first_response_at === null && t.sla.response_due_at) return { at: Date.parse(t.sla.response_due_at), clock: 'respond' }
  if (t.sla.resolve_due_at) return { at: Date.parse(t.sla.resolve_due_at), clock: 'resolve' }
  return null
}

export function byUrgency(a: Ticket, b: Ticket): number {
  const da = nextDue(a)?.at ?? Infinity
  const db = nextDue(b)?.at ?? Infinity
  if (da !== db) return da - db
  if (a.is_emergency !== b.is_emergency) return a.is_emergency ? -1 : 1
  return a.priority - b.priority || a.id.localeCompare(b.id)
}

/**
 * Every open ticket the viewer may see, kept current by the live stream: a `ticket.*` event
 * replaces its ticket; merges and splits reload the list (they add or remove whole tickets).
 */
export class DeskQueue {
  tickets = $state.raw<DeskTicket[]>([])
  loaded = $state(false)
  failed = $state(false)
  /** Ids of the tickets the last live batch changed, with a counter so the same id twice still notifies. */
  touched = $state.raw<{ n: number; ids: Set<string> }>({ n: 0, ids: new Set() })
  readonly live: LiveConnection
  private off: (() => void) | null = null
  private reloadTimer: ReturnType<typeof setTimeout> | null = null

  constructor() {
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

  async load(): Promise<number> {
    const res = await getJson<{ seq: number; tickets: DeskTicket[] }>('/api/tickets?status=open&limit=5000')
    this.tickets = res.tickets.filter((t) => t.open)
    this.loaded = true
    this.failed = false
    return res.seq
  }

  /** A change made on this screen (the server's answer), shown before the live echo. */
  upsert(t: DeskTicket) {
    this.merge(new Map([[t.id, t]]))
  }

  private apply(batch: LiveEvent[]) {
    const latest = new Map<string, DeskTicket>()
    let reshaped = false
    for (const ev of batch) {
      const data = ev.data as { ticket?: unknown } | null
      if (ev.event.startsWith('ticket.') && isTicket(data?.ticket)) latest.set(data.ticket.id, data.ticket)
      // New tickets come as ticket.routed; merges and splits add or remove whole tickets.
      if (ev.event === 'incident.merged' || ev.event === 'incident.split') reshaped = true
    }
    if (latest.size) this.merge(latest)
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
        .then(() => (this.touched = { n: this.touched.n + 1, ids }))
        .catch(() => {})
    }, 300)
  }

  private merge(changed: Map<string, DeskTicket>) {
    const byId = new Map(this.tickets.map((t) => [t.id, t]))
    for (const t of changed.values()) {
      if (t.open && !t.merged_into) byId.set(t.id, { ...t, channels: t.channels ?? byId.get(t.id)?.channels ?? [] })
      else byId.delete(t.id)
    }
    this.tickets = [...byId.values()]
    this.touched = { n: this.touched.n + 1, ids: new Set(changed.keys()) }
  }
}
