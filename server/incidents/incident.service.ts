import type { Principal } from '../auth/principal.js'
import { appendEvent } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'
import { AppError, notFound } from '../http/errors.js'
import { moveAgencyTickets } from '../tickets/agency-ticket.repository.js'
import { matchLockKeys, sortLockKeys } from './incident.locks.js'
import {
  findEarlierSplit,
  findIncident,
  lockKeys,
  markMerged,
  moveReports,
  openSplitIncident,
  refreshIncident,
  reportIdsOf,
  type IncidentRow,
} from './incident.repository.js'
import { matchRules } from './incident.rules.js'
import { incidentView, type IncidentView } from './incident.view.js'

/** Merging and splitting re-shape the agencies' tickets: command-room operators and admins only. */
export function canEditIncidents(p: Principal): boolean {
  return p.role === 'admin' || p.role === 'operator'
}

function requireEditor(p: Principal): void {
  if (!canEditIncidents(p)) throw new AppError(403, 'forbidden', 'Only operators and admins may merge or split incidents')
}

/** Who did it, for the event: never more than an id and a role. */
const actor = (p: Principal) => ({ user_id: p.userId ?? null, role: p.role })

function matchKeysOf(i: IncidentRow): string[] {
  const rules = matchRules()
  return matchLockKeys(rules.group(i.category_code), rules.groupRadius(i.category_code), i.lon, i.lat)
}

export interface MergeResult {
  incident: IncidentView
  merged_id: string
  moved_report_ids: string[]
  /** false when the merge had already been done (a retry): nothing changed. */
  changed: boolean
}

/** Moves every report of `sourceId` into `targetId` and closes the source as merged. */
export async function mergeIncidents(deps: Deps, p: Principal, targetId: string, sourceId: string, reason: string): Promise<MergeResult> {
  requireEditor(p)
  if (targetId === sourceId) throw new AppError(422, 'validation_failed', 'An incident cannot be merged into itself', [{ field: 'incident_id', message: 'must differ from the incident in the path' }])
  const result = await deps.db.db.transaction().execute(async (trx) => {
    const [t0, s0] = await Promise.all([findIncident(trx, targetId), findIncident(trx, sourceId)])
    if (!t0) throw notFound(`Incident ${targetId}`)
    if (!s0) throw notFound(`Incident ${sourceId}`)
    // The intake's match locks of both places first (the order intake takes them), then the rows:
    // a report arriving meanwhile waits and then sees the merged incident.
    await lockKeys(trx, sortLockKeys([...matchKeysOf(t0), ...matchKeysOf(s0)]))
    const [a, b] = [targetId, sourceId].sort()
    const first = await findIncident(trx, a!, { forUpdate: true })
    const second = await findIncident(trx, b!, { forUpdate: true })
    const target = first!.id === targetId ? first! : second!
    const source = first!.id === sourceId ? first! : second!
    if (source.merged_into === targetId) return { incident: incidentView(target), merged_id: sourceId, moved_report_ids: [], changed: false }
    if (source.merged_into) throw new AppError(409, 'conflict', `Incident ${sourceId} was already merged into ${source.merged_into}`)
    if (target.merged_into) throw new AppError(409, 'conflict', `Incident ${targetId} was merged into ${target.merged_into}; merge into that one`)
    const moved = await moveReports(trx, await reportIdsOf(trx, sourceId), targetId)
    await markMerged(trx, sourceId, targetId)
    await moveAgencyTickets(trx, sourceId, targetId)
    await refreshIncident(trx, targetId)
    const after = incidentView((await findIncident(trx, targetId))!)
    await appendEvent(trx, 'incident.merged', {
      incident: after,
      merged_id: sourceId,
      moved_report_ids: moved,
      by: actor(p),
      reason,
    })
    return { incident: after, merged_id: sourceId, moved_report_ids: moved, changed: true }
  })
  if (result.changed) deps.feed.poke()
  return result
}

export interface SplitResult {
  from: IncidentView
  to: IncidentView
  /** false when the same split had already been done (a retry). */
  changed: boolean
}

/** Takes the given reports out of an incident into a new incident of their own. */
export async function splitIncident(deps: Deps, p: Principal, id: string, reportIds: string[], reason: string): Promise<SplitResult> {
  requireEditor(p)
  const wanted = [...new Set(reportIds)].sort()
  const result = await deps.db.db.transaction().execute(async (trx) => {
    const from = await findIncident(trx, id, { forUpdate: true })
    if (!from) throw notFound(`Incident ${id}`)
    const earlier = await findEarlierSplit(trx, id, wanted)
    if (earlier) return { from: incidentView(from), to: incidentView((await findIncident(trx, earlier))!), changed: false }
    if (from.merged_into) throw new AppError(409, 'conflict', `Incident ${id} was merged into ${from.merged_into}`)
    const members = new Set(await reportIdsOf(trx, id))
    const strangers = wanted.filter((r) => !members.has(r))
    if (strangers.length) {
      throw new AppError(409, 'conflict', `Not in incident ${id}: ${strangers.join(', ')}`, strangers.map((r) => ({ field: 'report_ids', message: `report ${r} is not in this incident` })))
    }
    if (wanted.length >= members.size) {
      throw new AppError(422, 'validation_failed', 'A split must leave at least one report in the incident', [{ field: 'report_ids', message: 'names every report of the incident' }])
    }
    const newId = await openSplitIncident(trx, id, wanted)
    await moveReports(trx, wanted, newId)
    await refreshIncident(trx, id)
    await refreshIncident(trx, newId)
    const [a, b] = await Promise.all([findIncident(trx, id), findIncident(trx, newId)])
    const out = { from: incidentView(a!), to: incidentView(b!), changed: true }
    await appendEvent(trx, 'incident.split', { from: out.from, to: out.to, report_ids: wanted, by: actor(p), reason })
    return out
  })
  if (result.changed) deps.feed.poke()
  return result
}
