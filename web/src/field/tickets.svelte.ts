import { getJson } from '../lib/api'
import { LiveConnection, loadWithRetry, wsUrl, type LiveEvent } from '../lib/live.svelte'
import type { Ticket } from './types'

type Scope = { all: true } | { all: false; regionCodes: string[] } | { all: false; agencyCode: string }

const isTicket = (v: unknown): v is Ticket =>
  typeof v === 'object' && v !== null && typeof (v as Ticket).id === 'string' && typeof (v as Ticket).status === 'string' && typeof (v as Ticket).location === 'object'

/**
 * The open tickets of the officer's agency, kept current by the live stream: a ticket
 * re-assigned to the agency appears, one re-assigned away or closed elsewhere leaves.
 */
export class FieldTickets {
  /** Open tickets by id (a few hundred at most for one agency: plain reactive state is fine). */
  tickets = $state.raw<Ticket[]>([])
  loaded = $state(false)
  failed = $state(false)
  /** Replaced at every change after the first load: the tickets it carried, and those new to the list. */
  touched = $state.raw<{ n: number; changed: Ticket[]; arrived: Ticket[] }>({ n: 0, changed: [], arrived: [] })
  readonly live: LiveConnection
  private scope: Scope = { all: true }
  private off: (() => void) | null = null

  constructor() {
    this.live = new LiveConnection(wsUrl(), () => this.load())
  }

  async start(scope: Scope) {
    this.scope = scope
    this.off = this.live.onEvents((batch) => this.apply(batch))
    this.live.start(await loadWithRetry(() => this.load(), () => (this.failed = true)))
  }

  stop() {
    this.off?.()
    this.live.stop()
  }

  /** Reloads the list; answers the event seq it is current to. */
  async load(): Promise<number> {
    const res = await getJson<{ seq: number; tickets: Ticket[] }>('/api/tickets?status=open&limit=2000')
    this.tickets = res.tickets.filter((t) => this.mine(t))
    this.loaded = true
    this.failed = false
    return res.seq
  }

  byId(id: string): Ticket | undefined {
    return this.tickets.find((t) => t.id === id)
  }

  /** A change this tablet made (the server's answer): shown at once, before the live echo. */
  upsert(t: Ticket) {
    this.merge([t])
  }

  private mine(t: Ticket): boolean {
    if (!t.open || t.merged_into) return false
    if (this.scope.all) return true
    if ('agencyCode' in this.scope) return t.agency?.code === this.scope.agencyCode
    return true
  }

  private apply(batch: LiveEvent[]) {
    // Merge the burst per ticket first: the list is replaced once per batch.
    const latest = new Map<string, Ticket>()
    for (const ev of batch) {
      const data = ev.data as { ticket?: unknown } | null
      if (ev.event.startsWith('ticket.') && isTicket(data?.ticket)) latest.set(data.ticket.id, data.ticket)
    }
    if (latest.size) this.merge([...latest.values()])
  }

  private merge(changed: Ticket[]) {
    const byId = new Map(this.tickets.map((t) => [t.id, t]))
    const arrived: Ticket[] = []
    for (const t of changed) {
      if (this.mine(t)) {
        if (!byId.has(t.id)) arrived.push(t)
        byId.set(t.id, t)
      } else byId.delete(t.id)
    }
    this.tickets = [...byId.values()]
    this.touched = { n: this.touched.n + 1, changed, arrived }
  }
}
