import { sql } from 'kysely'
import type { Deps } from '../http/context.js'
import { settleDueDisputes, workDueTickets } from './demo.agencies.js'

/**
 * Makes the demo's backfilled week read like a week the command center ran. The backfill
 * posts a week of reports through intake in a few seconds, so every ticket, dispute and
 * "received" time says today: the wall showed every ticket as new today and the leadership
 * review showed no resolved ticket. Here each ticket opens a few minutes after its first
 * report (its SLA clocks from then, by the same routing rule as intake), and the agencies work
 * the older ones through the ticket service at the times they would have: dispatched, started,
 * resolved, a few rejected, each agency at its own pace, so the response figures differ; the
 * command room settles most of the week's location disputes.
 * Only for a freshly seeded demo: it rewrites the times of every ticket it finds.
 */
export async function replayDemoWeek(deps: Deps, now = new Date()): Promise<{ tickets: number; moves: number; disputes: number }> {
  const db = deps.db.db
  await db.transaction().execute(async (trx) => {
    await sql`UPDATE reports SET received_at = reported_at WHERE reported_at < received_at`.execute(trx)
    await sql`
      UPDATE incidents i
      SET created_at = o.opened, updated_at = greatest(o.opened, i.last_reported_at), status_changed_at = o.opened,
          routed_at = CASE WHEN i.routed_at IS NOT NULL THEN o.opened END,
          (response_due_at, resolve_due_at) = (SELECT t.response_due_at, t.resolve_due_at FROM sigap_ticket_routing(i.category_code, i.region_code, o.opened) t)
      FROM (SELECT id, least(first_reported_at + interval '3 minutes', ${now.toISOString()}::timestamptz) AS opened FROM incidents) o
      WHERE o.id = i.id`.execute(trx)
    await sql`
      UPDATE ticket_events e SET at = i.created_at
      FROM incidents i WHERE i.id = e.incident_id AND e.kind IN ('opened', 'routed')`.execute(trx)
    await sql`
      UPDATE location_disputes d SET opened_at = r.received_at, updated_at = r.received_at
      FROM reports r WHERE r.id = d.report_id`.execute(trx)
    await sql`
      UPDATE dispute_actions a SET at = d.opened_at
      FROM location_disputes d WHERE d.id = a.dispute_id AND a.action = 'opened'`.execute(trx)
  })

  const tickets = await db.selectFrom('incidents').select((eb) => eb.fn.countAll<number>().as('n')).where('merged_into', 'is', null).where('agency_code', 'is not', null).executeTakeFirstOrThrow()
  // The agencies and the command room work the week by the same course they follow live.
  const moves = await workDueTickets(deps, now)
  return { tickets: Number(tickets.n), moves, disputes: await settleDueDisputes(deps, now) }
}
