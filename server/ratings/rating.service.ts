import type { Principal } from '../auth/principal.js'
import { isCommandRoom, storedUserId } from '../auth/principal.js'
import { appendEvent } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'
import { AppError, notFound } from '../http/errors.js'
import { insertTicketEvent } from '../tickets/ticket.repository.js'
import { findLinkTarget, upsertRating, type LinkTarget } from './rating.repository.js'

const RATEABLE = ['resolved', 'closed']

/** A rating as it goes on the socket: no comment (free text from a citizen), no report's reporter. */
function ratingEvent(t: Pick<LinkTarget, 'incident_id' | 'agency_code'>, score: number, via: string) {
  return { incident_id: t.incident_id, agency_code: t.agency_code, score, via }
}

async function save(deps: Deps, t: LinkTarget, score: number, comment: string | null, via: 'link' | 'api', by: Principal | null, now: Date) {
  if (!RATEABLE.includes(t.status)) throw new AppError(409, 'not_resolved', 'A ticket can be rated once it is resolved')
  const r = await deps.db.db.transaction().execute(async (trx) => {
    const { created } = await upsertRating(trx, { report_id: t.report_id, incident_id: t.incident_id, agency_code: t.agency_code, score, comment, via }, now)
    await insertTicketEvent(trx, {
      incident_id: t.incident_id,
      kind: 'rated',
      agency_code: t.agency_code,
      actor_user_id: storedUserId(by),
      actor_role: by?.role ?? 'citizen',
      data: { score, report_id: t.report_id, via },
      at: now,
    })
    await appendEvent(trx, 'ticket.rated', ratingEvent(t, score, via))
    return { created }
  })
  deps.feed.poke()
  return { report_id: t.report_id, incident_id: t.incident_id, score, comment, created: r.created }
}

/** The citizen's own link (sent by the channel the report came in on). */
export async function rateByToken(deps: Deps, token: string, score: number, comment: string | null, now = new Date()) {
  const t = await findLinkTarget(deps.db.db, token)
  if (!t) throw notFound('Rating link')
  return save(deps, t, score, comment, 'link', null, now)
}

/** A rating the command room took down (a phone call back): by report id. */
export async function rateByApi(deps: Deps, p: Principal, incidentId: string, reportId: string, score: number, comment: string | null, now = new Date()) {
  if (!isCommandRoom(p)) throw new AppError(403, 'forbidden', 'Only operators and admins enter ratings for citizens')
  const link = await deps.db.db.selectFrom('reports').select('id').where('id', '=', reportId).where('incident_id', '=', incidentId).executeTakeFirst()
  if (!link) throw notFound(`Report ${reportId} of ticket ${incidentId}`)
  const t = await deps.db.db
    .selectFrom('incidents as i')
    .leftJoin('agencies as a', 'a.code', 'i.agency_code')
    .select(['i.id as incident_id', 'i.status', 'i.category_code', 'i.agency_code', 'a.short_name as agency_name', 'i.resolved_at', 'i.resolution_note'])
    .where('i.id', '=', incidentId)
    .executeTakeFirstOrThrow()
  return save(deps, { ...t, report_id: reportId, score: null, comment: null }, score, comment, 'api', p, now)
}
