import { Hono } from 'hono'
import type { AppEnv } from '../http/context.js'
import { notFound } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { privateIdentitiesOf } from '../tickets/ticket.repository.js'
import { redact } from '../tickets/ticket.view.js'
import { ANONYMOUS_DISPLAY } from '../auth/principal.js'
import { findLinkTarget } from './rating.repository.js'
import { RatingInput, TokenParam } from './rating.schema.js'
import { rateByToken } from './rating.service.js'

const tags = ['ratings']
const link = defineRoute({ method: 'get', path: '/api/ratings/:token', tags, summary: 'What a rating link is for', params: TokenParam, names: { params: 'rating link' } })
const rate = defineRoute({ method: 'post', path: '/api/ratings/:token', tags, summary: 'Rate a resolved ticket (1-5, with a comment)', params: TokenParam, body: RatingInput, names: { params: 'rating link', body: 'rating' } })

/**
 * The citizen's rating link: public, the token is the credential. GET shows what is being
 * rated (the rating page), POST rates it 1-5 with an optional comment.
 */
export function ratingRoutes() {
  return new Hono<AppEnv>()
    .get('/:token', async (c) => {
      const { token } = link.params(c)
      const t = await findLinkTarget(c.var.deps.db.db, token)
      if (!t) throw notFound('Rating link')
      // The note is staff-written and may name other (private) reporters of the same ticket.
      const identities = await privateIdentitiesOf(c.var.deps.db.db, t.incident_id)
      return c.json({
        ticket_id: t.incident_id,
        category: t.category_code,
        status: t.status,
        agency: t.agency_code ? { code: t.agency_code, name: t.agency_name ?? t.agency_code } : null,
        resolved_at: t.resolved_at?.toISOString() ?? null,
        resolution_note: redact(t.resolution_note, identities, ANONYMOUS_DISPLAY),
        rating: t.score === null ? null : { score: t.score, comment: t.comment },
        can_rate: t.status === 'resolved' || t.status === 'closed',
      })
    })
    .post('/:token', async (c) => {
      const { token } = rate.params(c)
      const input = await rate.body(c)
      const r = await rateByToken(c.var.deps, token, input.score, input.comment ?? null)
      return c.json(r, r.created ? 201 : 200)
    })
}
