import { Hono } from 'hono'
import { sql } from 'kysely'
import { z } from 'zod'
import { AgencyCode } from '../agencies/agency.schema.js'
import { isAdmin, isCommandRoom, storedUserId, ticketScope, type Principal } from '../auth/principal.js'
import { appendEvent } from '../events/event.repository.js'
import type { AppEnv } from '../http/context.js'
import { AppError, notFound } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { Period, periodRange } from '../stats/period.js'
import { findLinkTarget } from './rating.repository.js'
import { SKM_ELEMENTS, skmFromSums } from './skm.js'
import { storeSkmResponse } from './skm.service.js'

const Scores = z.array(z.number().int().min(1, 'each element is scored 1-4').max(4, 'each element is scored 1-4')).length(10, 'the survey has 10 elements (U1-U10)')

const ResponseInput = z
  .object({
    agency_code: AgencyCode.optional(),
    scores: Scores,
    /** A citizen's rating-link token: the survey is then about that ticket's agency, once per link. */
    token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/).optional(),
    submitted_at: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((r) => r.agency_code || r.token, { message: 'agency_code (or a rating token) is required', path: ['agency_code'] })

const ResultQuery = z.object({ period: Period, agency: AgencyCode.optional() })
const Recommendation = z.object({ agency_code: AgencyCode, period: Period, text: z.string().trim().min(3).max(8000) })

/** Staff entering paper or kiosk surveys: the command room for any agency, agency staff for their own. */
function mayEnterFor(p: Principal, agency: string): boolean {
  return isCommandRoom(p) || (p.role === 'agency_staff' && p.agencyCode === agency)
}

const tags = ['ratings']
defineRoute({ method: 'get', path: '/api/skm/elements', tags, summary: 'The 10 elements of the satisfaction survey (SKM)' })
const respond = defineRoute({ method: 'post', path: '/api/skm/responses', tags, summary: 'A satisfaction survey response: 10 scores of 1-4', body: ResponseInput, names: { body: 'survey response' } })
const results = defineRoute({ method: 'get', path: '/api/skm', tags, summary: 'Satisfaction index (IKM) per agency and period, with grades A-D', query: ResultQuery })
const recommend = defineRoute({ method: 'post', path: '/api/skm/recommendations', tags, summary: "An official's recommendation on an agency's period result", body: Recommendation, names: { body: 'recommendation' } })

export function skmRoutes() {
  return new Hono<AppEnv>()
    .get('/elements', (c) => c.json({ elements: SKM_ELEMENTS }))
    .post('/responses', async (c) => {
      const input = await respond.body(c)
      const db = c.var.deps.db.db
      let agency = input.agency_code
      let reportId: string | null = null
      if (input.token) {
        const t = await findLinkTarget(db, input.token)
        if (!t) throw notFound('Rating link')
        if (!t.agency_code) throw new AppError(409, 'conflict', 'This ticket has no agency to survey')
        if (agency && agency !== t.agency_code) throw new AppError(422, 'validation_failed', 'The link is about another agency', [{ field: 'agency_code', message: `the link is about ${t.agency_code}` }])
        agency = t.agency_code
        reportId = t.report_id
      } else if (!mayEnterFor(c.var.principal, agency!)) {
        throw new AppError(403, 'forbidden', 'Survey responses come with a rating link or from the staff of that agency')
      }
      const exists = await db.selectFrom('agencies').select('code').where('code', '=', agency!).executeTakeFirst()
      if (!exists) throw new AppError(422, 'validation_failed', `Unknown agency "${agency}"`, [{ field: 'agency_code', message: 'unknown agency' }])
      const key = c.req.header('idempotency-key')?.slice(0, 200) ?? null
      const stored = await storeSkmResponse(c.var.deps, {
        agency: agency!,
        scores: input.scores,
        reportId,
        key,
        submittedAt: input.submitted_at ? new Date(input.submitted_at) : undefined,
      })
      if (!stored) return c.json({ duplicate: true }, 200)
      return c.json({ id: stored.id, agency_code: agency, submitted_at: stored.submitted_at.toISOString() }, 201)
    })
    .get('/', async (c) => {
      const q = results.query(c)
      const scope = ticketScope(c.var.principal)
      const agency = 'agencyCode' in scope ? scope.agencyCode : q.agency
      const { from, to } = periodRange(q.period)
      const db = c.var.deps.db.db
      const rows = await sql<{ agency_code: string; n: number; sums: number[] }>`
        SELECT agency_code, count(*)::int AS n,
               ARRAY[${sql.join(SKM_ELEMENTS.map((_, i) => sql`sum(scores[${sql.lit(i + 1)}])::int`))}] AS sums
        FROM skm_responses
        WHERE submitted_at >= ${from.toISOString()}::timestamptz AND submitted_at < ${to.toISOString()}::timestamptz
          ${agency ? sql`AND agency_code = ${agency}` : sql``}
        GROUP BY agency_code ORDER BY agency_code`.execute(db)
      const recs = await db
        .selectFrom('skm_recommendations')
        .select(['id', 'agency_code', 'text', 'author_role', 'created_at'])
        .where('period', '=', q.period)
        .$if(agency !== undefined, (qb) => qb.where('agency_code', '=', agency!))
        .orderBy('created_at')
        .execute()
      return c.json({
        period: q.period,
        from: from.toISOString(),
        to: to.toISOString(),
        elements: SKM_ELEMENTS.map((e) => e.code),
        agencies: rows.rows.map((r) => ({
          agency_code: r.agency_code,
          ...skmFromSums(r.sums.map(Number), r.n),
          recommendations: recs.filter((x) => x.agency_code === r.agency_code).map((x) => ({ id: x.id, text: x.text, author_role: x.author_role, created_at: x.created_at.toISOString() })),
        })),
      })
    })
    .post('/recommendations', async (c) => {
      // Officials' recommendations: admins (the evaluators); leadership reads, changes nothing.
      if (!isAdmin(c.var.principal)) throw new AppError(403, 'forbidden', 'Only admins attach recommendations')
      const r = await recommend.body(c)
      const db = c.var.deps.db.db
      if (!(await db.selectFrom('agencies').select('code').where('code', '=', r.agency_code).executeTakeFirst()))
        throw new AppError(422, 'validation_failed', `Unknown agency "${r.agency_code}"`, [{ field: 'agency_code', message: 'unknown agency' }])
      const row = await db.transaction().execute(async (trx) => {
        const x = await trx
          .insertInto('skm_recommendations')
          .values({ ...r, author_user_id: storedUserId(c.var.principal), author_role: c.var.principal.role })
          .returning(['id', 'created_at'])
          .executeTakeFirstOrThrow()
        await appendEvent(trx, 'skm.recommendation', { id: x.id, agency_code: r.agency_code, period: r.period })
        return x
      })
      c.var.deps.feed.poke()
      return c.json({ id: row.id, ...r, created_at: row.created_at.toISOString() }, 201)
    })
}
