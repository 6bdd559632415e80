import { sql } from 'kysely'
import { sweepExpiredSessions } from '../auth/session.repository.js'
import { appendEvent } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'
import { findTicket, insertTicketEvent } from './ticket.repository.js'
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
  }
  if (result.routed || result.response_breaches || result.resolve_breaches) deps.feed.poke()
  return result
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
