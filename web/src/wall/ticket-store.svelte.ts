import { bytesToUuid, decodeTickets, FLAG_BREACHED, FLAG_EMERGENCY, FLAG_RED, flagsOf, PRIORITY_MASK } from '../../../server/wall/wall.codec'
import type { LiveEvent } from '../lib/live.svelte'
import { isOpen } from '../../../server/tickets/ticket.rules'

/** What the wall learns about one ticket from an event (ticket.* or incident.*). */
interface TicketLike {
  id: string
  category: string
  status: string
  location: { lat: number; lon: number }
  report_count: number
  merged_into?: string | null
  priority?: number
  is_emergency?: boolean
  sla?: { response_breached: boolean; resolve_breached: boolean; red?: boolean }
}

/**
 * The open tickets as parallel typed arrays (what deck.gl draws without an object per pin),
 * with an id -> slot index so that live events are merged per ticket: a new one is appended,
 * a changed one overwritten in place, a closed or merged one removed by moving the last into
 * its slot. `version` changes once per merged batch.
 */
export class TicketStore {
  version = $state(0)
  /** Set once the first load arrived (the scene says "loading" until then). */
  loaded = $state(false)
  n = 0
  positions = new Float32Array(0)
  counts = new Uint16Array(0)
  cats = new Uint8Array(0)
  flags = new Uint8Array(0)
  /** Category codes by the index `cats` holds. */
  categories: string[] = []
  private ids: string[] = []
  private index = new Map<string, number>()
  private catIndex = new Map<string, number>()

  /** Loads every open ticket; answers the event seq the data is current to. */
  async load(): Promise<number> {
    const res = await fetch('/api/wall/tickets.bin', { credentials: 'same-origin' })
    if (!res.ok) throw new Error(`tickets: ${res.status}`)
    const cols = decodeTickets(await res.arrayBuffer())
    const n = cols.header.count
    this.reset(Math.max(1024, Math.ceil(n * 1.25)))
    this.positions.set(cols.positions)
    this.counts.set(cols.counts)
    this.flags.set(cols.flags)
    const remap = cols.header.categories.map((c) => this.category(c))
    for (let i = 0; i < n; i++) {
      this.cats[i] = remap[cols.categories[i]!]!
      const id = bytesToUuid(cols.ids, i * 16)
      this.ids.push(id)
      this.index.set(id, i)
    }
    this.n = n
    this.loaded = true
    this.version++
    return cols.header.seq
  }

  /** Merges a batch of live events; true if any pin changed. */
  apply(batch: readonly LiveEvent[]): boolean {
    let changed = false
    for (const ev of batch) {
      const d = ev.data as Record<string, unknown> | null
      if (!d) continue
      if (ev.event.startsWith('ticket.') && d.ticket) changed = this.upsert(d.ticket as TicketLike) || changed
      else if (ev.event === 'incident.created' || ev.event === 'incident.updated') changed = this.upsert(d.incident as TicketLike) || changed
      else if (ev.event === 'incident.merged') {
        changed = this.remove(String(d.merged_id)) || changed
        changed = this.upsert(d.incident as TicketLike) || changed
      } else if (ev.event === 'incident.split') {
        changed = this.upsert(d.from as TicketLike) || changed
        changed = this.upsert(d.to as TicketLike) || changed
      }
    }
    if (changed) this.version++
    return changed
  }

  /** The id of the ticket in slot i (a picked pin). */
  idAt(i: number): string {
    return this.ids[i]!
  }

  /** Counts for the scene's panel. */
  stats(): PinStats {
    const byPriority = [0, 0, 0, 0, 0]
    const byCategory = new Map<string, number>()
    let emergencies = 0
    let breached = 0
    let red = 0
    const perCat = new Uint32Array(this.categories.length)
    for (let i = 0; i < this.n; i++) {
      const f = this.flags[i]!
      byPriority[f & PRIORITY_MASK]!++
      if (f & FLAG_EMERGENCY) emergencies++
      if (f & FLAG_BREACHED) breached++
      if (f & FLAG_RED) red++
      perCat[this.cats[i]!]!++
    }
    perCat.forEach((c, i) => c && byCategory.set(this.categories[i]!, c))
    return { total: this.n, emergencies, breached, red, byPriority, byCategory }
  }

  private upsert(t: TicketLike | undefined): boolean {
    if (!t?.id || !t.location) return false
    const open = isOpen(t.status) && !t.merged_into
    if (!open) return this.remove(t.id)
    let i = this.index.get(t.id)
    const before = i === undefined ? null : this.flags[i]!
    if (i === undefined) {
      if (this.n === this.counts.length) this.grow()
      i = this.n++
      this.ids[i] = t.id
      this.index.set(t.id, i)
    }
    this.positions[2 * i] = t.location.lon
    this.positions[2 * i + 1] = t.location.lat
    this.counts[i] = Math.min(65535, t.report_count)
    this.cats[i] = this.category(t.category)
    // incident.* events carry no ticket fields: keep what the ticket events said.
    const priority = t.priority ?? (before === null ? 3 : before & PRIORITY_MASK)
    const emergency = t.is_emergency ?? (before !== null && (before & FLAG_EMERGENCY) !== 0)
    const breached = t.sla ? t.sla.response_breached || t.sla.resolve_breached : before !== null && (before & FLAG_BREACHED) !== 0
    const red = t.sla ? t.sla.red === true : before !== null && (before & FLAG_RED) !== 0
    this.flags[i] = flagsOf(priority, emergency, breached, red)
    return true
  }

  private remove(id: string): boolean {
    const i = this.index.get(id)
    if (i === undefined) return false
    const last = --this.n
    if (i !== last) {
      this.positions[2 * i] = this.positions[2 * last]!
      this.positions[2 * i + 1] = this.positions[2 * last + 1]!
      this.counts[i] = this.counts[last]!
      this.cats[i] = this.cats[last]!
      this.flags[i] = this.flags[last]!
      this.ids[i] = this.ids[last]!
      this.index.set(this.ids[i]!, i)
    }
    this.ids.length = last
    this.index.delete(id)
    return true
  }

  private category(code: string): number {
    let c = this.catIndex.get(code)
    if (c === undefined) {
      c = this.categories.length
      this.categories.push(code)
      this.catIndex.set(code, c)
    }
    return c
  }

  private reset(cap: number) {
    this.positions = new Float32Array(2 * cap)
    this.counts = new Uint16Array(cap)
    this.cats = new Uint8Array(cap)
    this.flags = new Uint8Array(cap)
    this.ids = []
    this.index.clear()
    this.n = 0
  }

  private grow() {
    const cap = Math.max(1024, this.counts.length * 2)
    const grow = <T extends Float32Array | Uint16Array | Uint8Array>(a: T, size: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size)
      b.set(a)
      return b
    }
    this.positions = grow(this.positions, 2 * cap)
    this.counts = grow(this.counts, cap)
    this.cats = grow(this.cats, cap)
    this.flags = grow(this.flags, cap)
  }
}

/** The open pins' counts: by priority (index 0 unused), category, and the marks the legend explains. */
export interface PinStats {
  total: number
  emergencies: number
  breached: number
  red: number
  byPriority: number[]
  byCategory: Map<string, number>
}
