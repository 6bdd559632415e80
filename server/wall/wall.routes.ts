import { Hono } from 'hono'
import { z } from 'zod'
import { wibMidnight } from '../wib.js'

import { ticketScope } from '../auth/principal.js'
import { latestSeq } from '../events/event.repository.js'
import type { AppEnv } from '../http/context.js'
import { defineRoute } from '../http/route.js'
import { errorResponses } from '../openapi/openapi.registry.js'
import { encodeTickets } from './wall.codec.js'
import { oldestOpen, openTickets, wallSummary, type OldestOpenRow, type SummaryRow } from './wall.repository.js'

const DAY = 86_400_000
/** As many as a 4K wall's tickets panel has room for; the screen shows those that fit. */
const OLDEST_LISTED = 15

export const SummaryQuery = z.object({
  /** The moment to report on (default now): replays and tests. */
  at: z.iso.datetime({ offset: true, message: 'at must be an ISO 8601 time with a zone' }).optional(),
})

const change = (now: number | null, before: number | null) => (now === null || before === null ? null : Math.round((now - before) * 10) / 10)
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10)

function summaryView(r: SummaryRow, oldest: OldestOpenRow[], at: Date, todayStart: Date, seq: number) {
  const fig = (today: number, yesterday: number) => ({ today, yesterday, change: today - yesterday })
  return {
    seq,
    at: at.toISOString(),
    /** Today runs from midnight WIB to `at`; yesterday is the same stretch one day earlier. */
    today_from: todayStart.toISOString(),
    open_tickets: fig(r.open_now, r.open_yesterday),
    new_today: fig(r.new_today, r.new_yesterday),
    /** Open tickets past their SLA now (and at yesterday's same moment): the tickets scene's figure. */
    late_open: fig(r.late_now, r.late_yesterday),
    response_median_min: {
      today: round1(r.response_p50_today),
      yesterday: round1(r.response_p50_yesterday),
      change: change(round1(r.response_p50_today), round1(r.response_p50_yesterday)),
      responded_today: r.responded_today,
      responded_yesterday: r.responded_yesterday,
    },
    /** The longest-open tickets now, oldest first (category, kelurahan, agency, since when, late). */
    oldest_open: oldest.map((o) => ({ ...o, created_at: new Date(o.created_at).toISOString() })),
  }
}
export type WallSummary = ReturnType<typeof summaryView>

const tags = ['wall']
const summary = defineRoute({
  method: 'get',
  path: '/api/wall/summary',
  tags,
  summary: 'Headline figures for the wall: open tickets now, new tickets today, open tickets past their SLA now, median response time today, each beside the same moment or stretch of yesterday (WIB)',
  query: SummaryQuery,
  responses: { '200': { description: 'Figures; `change` is today minus yesterday' }, ...errorResponses },
})
defineRoute({
  method: 'get',
  path: '/api/wall/tickets.bin',
  tags,
  summary: 'Every open ticket in the viewer\'s scope as one binary block of typed arrays (layout in server/wall/wall.codec.ts)',
  responses: { '200': { description: 'application/octet-stream: SGT1 block', content: { 'application/octet-stream': { schema: z.string() } } } },
})

/** The command-room wall's own answers: figures and the compact open-ticket layer. */
export function wallRoutes() {
  return new Hono<AppEnv>()
    .get('/summary', async (c) => {
      const q = summary.query(c)
      const at = q.at ? new Date(q.at) : new Date()
      const todayStart = wibMidnight(at)
      const db = c.var.deps.db.db
      const seq = await latestSeq(db)
      const scope = ticketScope(c.var.principal)
      const [row, oldest] = await Promise.all([
        wallSummary(db, scope, { now: at, todayStart, yesterdayStart: new Date(todayStart.getTime() - DAY), yesterdayNow: new Date(at.getTime() - DAY) }),
        oldestOpen(db, scope, at, OLDEST_LISTED),
      ])
      return c.json(summaryView(row, oldest, at, todayStart, seq))
    })
    .get('/tickets.bin', async (c) => {
      const db = c.var.deps.db.db
      // Read before the rows: an event after it may repeat a row, none can be missed.
      const seq = await latestSeq(db)
      const now = new Date()
      const rows = await openTickets(db, ticketScope(c.var.principal), now)
      c.header('Content-Type', 'application/octet-stream')
      c.header('Cache-Control', 'no-store')
      return c.body(encodeTickets(rows, seq, now) as Uint8Array<ArrayBuffer>)
    })
}
