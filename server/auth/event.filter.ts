import type { StoredEvent } from '../events/event.repository.js'
import { canSeePrivateIdentity, isAdmin, regionWithin, ticketScope, type Principal } from './principal.js'

/** Events about accounts and tokens: admins only. */
const ADMIN_ONLY = /^(user|display_token)\./
/** Events of an added agency's ticket on an incident (agency_tickets). */
const ADDED_TICKET = /^agency_ticket\./

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null)

interface EventScope {
  regions: string[]
  agencies: string[]
  incidents: string[]
}

/** Where an event happens and whose it is, from the shapes our events use. */
function scopeOfData(data: unknown): EventScope {
  const s: EventScope = { regions: [], agencies: [], incidents: [] }
  if (!isObj(data)) return s
  const add = (list: string[], v: unknown) => {
    const x = str(v)
    if (x && !list.includes(x)) list.push(x)
  }
  const visit = (o: Obj) => {
    if (isObj(o.region)) add(s.regions, o.region.code)
    add(s.regions, o.region_code)
    if (isObj(o.agency)) add(s.agencies, o.agency.code)
    add(s.agencies, o.agency_code)
    add(s.agencies, o.from_agency)
    add(s.incidents, o.incident_id)
    // A merge concerns the incident merged away too: its agency's screens must drop it.
    add(s.incidents, o.merged_id)
  }
  visit(data)
  for (const key of ['incident', 'ticket', 'report'] as const) {
    const inner = data[key]
    if (isObj(inner)) {
      visit(inner)
      if (key !== 'report') add(s.incidents, inner.id)
    }
  }
  return s
}

/** Removes every `reporter*` key, deep: defence in depth, since events are built without them. */
function stripIdentity(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripIdentity)
  if (!isObj(v)) return v
  const out: Obj = {}
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('reporter')) out[k] = stripIdentity(x)
  return out
}

/**
 * The WebSocket hub's per-client filter. Everyone sees the events of their scope; a region
 * head those located in their regions, agency staff and field officers their agency's. An
 * event that names only an incident is placed by what earlier events said about that
 * incident (remembered here); an event that cannot be placed is held back from scoped roles.
 * Events about no place or agency at all (hotspots, catalogue) go to everyone.
 */
export function createEventFilter(maxRemembered = 200_000) {
  const known = new Map<string, { region: string | null; agency: string | null }>()
  let lastSeq = -1

  /** Remembers where each incident is and whose it is, from the events that say so (in seq order). */
  const remember = (ev: StoredEvent) => {
    // An added agency's ticket says nothing of whose the incident is (its agency_code is the added one).
    if (ev.seq <= lastSeq || !isObj(ev.data) || ADDED_TICKET.test(ev.type)) return
    lastSeq = ev.seq
    const d = ev.data
    const t = isObj(d.ticket) ? d.ticket : isObj(d.incident) ? d.incident : null
    const id = t ? str(t.id) : str(d.incident_id)
    if (!id) return
    const from = t ?? d
    const prev = known.get(id)
    known.delete(id) // re-insert: the map's order is least recently mentioned first
    known.set(id, {
      region: (isObj(from.region) ? str(from.region.code) : null) ?? prev?.region ?? null,
      agency: (isObj(from.agency) ? str(from.agency.code) : null) ?? str(d.agency_code) ?? prev?.agency ?? null,
    })
    if (known.size > maxRemembered) known.delete(known.keys().next().value!)
  }

  /**
   * What does not depend on the viewer, worked out once per event (a broadcast asks for every
   * client): where it is and whose it is, and its data without reporter keys. Every viewer of
   * a kind then gets the same object, which the hub serialises once.
   */
  const perEvent = new WeakMap<StoredEvent, { scope: EventScope & { placed: boolean }; stripped: unknown }>()
  const factsOf = (ev: StoredEvent) => {
    let f = perEvent.get(ev)
    if (f) return f
    remember(ev)
    const s = scopeOfData(ev.data)
    for (const id of s.incidents) {
      const k = known.get(id)
      if (k?.region && !s.regions.includes(k.region)) s.regions.push(k.region)
      if (k?.agency && !s.agencies.includes(k.agency)) s.agencies.push(k.agency)
    }
    // An added agency's ticket is that agency's (and the region's): not the lead agency's nor another added one's.
    if (ADDED_TICKET.test(ev.type) && isObj(ev.data)) {
      const own = str(ev.data.agency_code)
      s.agencies = own ? [own] : []
    }
    f = { scope: { ...s, placed: s.regions.length > 0 || s.agencies.length > 0 }, stripped: stripIdentity(ev.data) }
    perEvent.set(ev, f)
    return f
  }

  return (p: Principal, ev: StoredEvent): unknown | null => {
    const { scope: s, stripped } = factsOf(ev)
    if (ADMIN_ONLY.test(ev.type) && !isAdmin(p)) return null
    const data = canSeePrivateIdentity(p) ? ev.data : stripped
    const scope = ticketScope(p)
    if (scope.all) return data
    if (!s.placed) return s.incidents.length > 0 ? null : data
    if ('regionCodes' in scope) return s.regions.some((r) => regionWithin(r, scope.regionCodes)) ? data : null
    return s.agencies.includes(scope.agencyCode) ? data : null
  }
}
