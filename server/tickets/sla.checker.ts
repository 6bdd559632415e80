import { sql } from 'kysely'
import { sweepExpiredSessions } from '../auth/session.repository.js'
import { appendEvent } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'
import { findAgencyTicketById } from './agency-ticket.repository.js'
import { agencyTicketView } from './agency-ticket.view.js'
import { findTicket, findTicketFor, insertTicketEvent } from './ticket.repository.js'
import { routeNewTicket } from './ticket.service.js'
import { ticketView } from './ticket.view.js'

export interface SlaCheckResult {
  routed: number
  response_breaches: number
  resolve_breaches: number
}

const BATCH = 500

/**
 * One pass: routes incidents that were made without the intake (splits, imports), then flags
 * every ticket past its first-response or resolution due time, once each, with a history row
 * and a `ticket.sla_breached` event for the wall. Safe to run in several processes at once:
 * each flag is set by one UPDATE ... WHERE not yet flagged.
 */
export async function checkSla(deps: Deps, now: Date = new Date()): Promise<SlaCheckResult> {
  const db = deps.db.db
  const result: SlaCheckResult = { routed: 0, response_breaches: 0, resolve_breaches: 0 }
  const unrouted = await db.selectFrom('incidents').select('id').where('routed_at', 'is', null).where('merged_into', 'is', null).orderBy('created_at').limit(BATCH).execute()
  for (const { id } of unrouted) {
    const r = await db.transaction().execute((trx) => routeNewTicket(trx, id, now))
    if (r) result.routed++
  }
  const t = sql`${now.toISOString()}::timestamptz`
  for (const kind of ['response', 'resolve'] as const) {
    const col = kind === 'response' ? sql.ref('response_breached_at') : sql.ref('resolve_breached_at')
    // sigap_late (the one definition): a ticket waiting for its reporter is judged at its pause.
    const due =
      kind === 'response'
        ? sql`response_due_at < ${t} AND sigap_late(response_due_at, first_response_at, NULL, paused_at, ${t})`
        : sql`resolve_due_at < ${t} AND sigap_late(resolve_due_at, ended_at, NULL, paused_at, ${t})`
    const n = await db.transaction().execute(async (trx) => {
      const res = await sql<{ id: string }>`
        UPDATE incidents SET ${col} = ${t}
        WHERE id IN (
          SELECT id FROM incidents
          WHERE ${col} IS NULL AND ended_at IS NULL AND merged_into IS NULL AND ${due}
          ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING id`.execute(trx)
      for (const { id } of res.rows) {
        const row = (await findTicket(trx, id))!
        const dueAt = kind === 'response' ? row.response_due_at : row.resolve_due_at
        await insertTicketEvent(trx, { incident_id: id, kind: 'sla_breached', agency_code: row.agency_code, actor_role: 'system', data: { sla: kind, due_at: dueAt?.toISOString() }, at: now })
        await appendEvent(trx, 'ticket.sla_breached', { ticket: ticketView(row, now), sla: kind, due_at: dueAt?.toISOString() ?? null })
      }
      return res.rows.length
    })
    if (kind === 'response') result.response_breaches = n
    else result.resolve_breaches = n
    const added = await flagAgencyTickets(deps, kind, now)
    if (kind === 'response') result.response_breaches += added
    else result.resolve_breaches += added
  }
  if (result.routed || result.response_breaches || result.resolve_breaches) deps.feed.poke()
  return result
}

/**
 * The same for added agencies' tickets (agency_tickets): flagged once each, a history row of
 * kind `agency_sla_breached` and an `agency_ticket.sla_breached` event for that agency's screens.
 * Their clocks never pause (no waiting state); one of a merged-away incident is not flagged.
 */
async function flagAgencyTickets(deps: Deps, kind: 'response' | 'resolve', now: Date): Promise<number> {
  const t = sql`${now.toISOString()}::timestamptz`
  const col = kind === 'response' ? sql.ref('response_breached_at') : sql.ref('resolve_breached_at')
  const due = kind === 'response' ? sql`x.response_due_at < ${t} AND x.first_response_at IS NULL` : sql`x.resolve_due_at < ${t}`
  return deps.db.db.transaction().execute(async (trx) => {
    const res = await sql<{ id: string }>`
      UPDATE agency_tickets SET ${col} = ${t}
      WHERE id IN (
        SELECT x.id FROM agency_tickets x JOIN incidents i ON i.id = x.incident_id
        WHERE x.${col} IS NULL AND x.ended_at IS NULL AND i.merged_into IS NULL AND ${due}
        ORDER BY x.id LIMIT ${BATCH} FOR UPDATE OF x SKIP LOCKED)
      RETURNING id`.execute(trx)
    for (const { id } of res.rows) {
      const x = (await findAgencyTicketById(trx, id))!
      const dueAt = (kind === 'response' ? x.response_due_at : x.resolve_due_at)?.toISOString() ?? null
      const lead = (await findTicket(trx, x.incident_id))!
      await insertTicketEvent(trx, { incident_id: x.incident_id, kind: 'agency_sla_breached', agency_code: x.agency_code, actor_role: 'system', data: { sla: kind, due_at: dueAt }, at: now })
      await appendEvent(trx, 'agency_ticket.sla_breached', {
        incident_id: x.incident_id,
        region_code: lead.region_code,
        agency_code: x.agency_code,
        agency_ticket: agencyTicketView(x, now),
        agency_view: ticketView((await findTicketFor(trx, x.incident_id, { all: false, agencyCode: x.agency_code }))!, now),
        sla: kind,
        due_at: dueAt,
      })
    }
    return res.rows.length
  })
}

/** Runs checkSla every `intervalMs` (the clock is injectable for tests and replays). */
export class SlaChecker {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly deps: Deps,
    private readonly opts: { intervalMs?: number; now?: () => Date } = {},
  ) {}

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs ?? 30_000)
    this.timer.unref()
  }

  /** One check now (awaitable); overlapping ticks wait for the previous one. */
  tick(): Promise<SlaCheckResult | null> {
    const run = this.running
      .then(async () => {
        const r = await checkSla(this.deps, this.opts.now?.() ?? new Date())
        // Housekeeping on the same beat: expired sessions are useless rows.
        await sweepExpiredSessions(this.deps.db.db)
        return r
      })
      .catch((err: Error) => {
        this.deps.log.error(`SLA check failed: ${err.message}`)
        return null
      })
    this.running = run
    return run
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }
}
