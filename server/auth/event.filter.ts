import type { StoredEvent } from '../events/event.repository.js'
import { canView, type EventViewer } from '../events/event.visibility.js'
import { disputeScope } from '../disputes/dispute.access.js'
import { canSeePrivateIdentity, isAdmin, ticketScope, type Principal } from './principal.js'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * What this principal may see of the event log, from the same rules as the API: tickets by
 * ticketScope, disputes by disputeScope, accounts for admins. Used live (createEventFilter)
 * and on replay (the hub passes it to the query).
 */
export function viewerOf(p: Principal): EventViewer {
  const t = ticketScope(p)
  const d = disputeScope(p)
  return {
    admin: isAdmin(p),
    place: t.all ? { all: true } : 'regionCodes' in t ? { regionCodes: t.regionCodes } : { agencyCode: t.agencyCode },
    regions: d.all ? { all: true } : { regionCodes: d.regionCodes },
  }
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
 * The WebSocket hub's per-client filter: the event's data if this viewer may see it (a
 * comparison of the viewer's scope with the scope stored with the event, event.visibility.ts),
 * else null. Viewers who may not see private identities get the data without reporter keys,
 * worked out once per event so the hub serialises one copy for all of them.
 */
export function createEventFilter() {
  const stripped = new WeakMap<StoredEvent, unknown>()
  const viewers = new WeakMap<Principal, EventViewer>()
  return (p: Principal, ev: StoredEvent): unknown | null => {
    let v = viewers.get(p)
    if (!v) viewers.set(p, (v = viewerOf(p)))
    if (!canView(v, ev)) return null
    if (canSeePrivateIdentity(p)) return ev.data
    let data = stripped.get(ev)
    if (data === undefined) stripped.set(ev, (data = stripIdentity(ev.data)))
    return data
  }
}
