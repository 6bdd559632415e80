import { sql } from 'kysely'
import type { Principal } from '../auth/principal.js'
import { decideDispute } from '../disputes/dispute.service.js'
import type { Deps } from '../http/context.js'
import type { TransitionBody } from '../tickets/ticket.schema.js'
import { transitionTicket } from '../tickets/ticket.service.js'
import type { Rng } from './random.js'

const HOUR = 3_600_000

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
export async function replayDemoWeek(deps: Deps, r: Rng, now = new Date()): Promise<{ tickets: number; moves: number; disputes: number }> {
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

  const tickets = await db
    .selectFrom('incidents')
    .select(['id', 'agency_code', 'created_at', 'is_emergency'])
    .where('merged_into', 'is', null)
    .where('agency_code', 'is not', null)
    .orderBy('created_at')
    .execute()
  const operator: Principal = { role: 'operator' }
  let moves = 0
  for (const t of tickets) {
    const pace = agencyPace(t.agency_code!)
    const field: Principal = { role: 'field_officer', agencyCode: t.agency_code! }
    const at = (h: number) => new Date(t.created_at.getTime() + h * HOUR)
    // Hours after opening: the command room dispatches, the team starts, the work is done.
    const dispatch = (t.is_emergency ? 0.05 + r.next() * 0.4 : 0.2 + r.next() * 5) * pace
    const start = dispatch + (0.3 + r.next() * 8) * pace
    const done = start + (1 + r.next() * 30) * pace
    const steps: [number, Principal, TransitionBody][] =
      r.next() < 0.04
        ? [[dispatch, operator, { to: 'rejected', reason: 'Tidak ditemukan masalah di lokasi (data demo)' }]]
        : [
            [dispatch, operator, { to: 'dispatched', field_team: 'Tim Reaksi Cepat' }],
            [start, field, { to: 'in_progress' }],
            [done, field, { to: 'resolved', note: 'Sudah ditangani di lokasi (data demo)' }],
          ]
    for (const [h, who, body] of steps) {
      if (at(h) >= now) break
      await transitionTicket(deps, who, t.id, body, { now: at(h) })
      moves++
    }
  }
  return { tickets: tickets.length, moves, disputes: await settleDisputes(deps, r, now) }
}

const SETTLED = [
  ['move', 'Titik GPS benar, laporan dipindah ke wilayah lokasinya (data demo)', 7],
  ['keep', 'Pelapor menyebut wilayah yang benar, titik GPS meleset (data demo)', 2],
  ['return', 'Lokasi belum jelas, ditanyakan kembali ke pelapor (data demo)', 1],
] as const

/** The command room settles most mismatched locations of the week within a day, a few are still waiting. */
async function settleDisputes(deps: Deps, r: Rng, now: Date): Promise<number> {
  const disputes = await deps.db.db.selectFrom('location_disputes').select(['id', 'opened_at']).where('state', '=', 'open').orderBy('opened_at').execute()
  const operator: Principal = { role: 'operator' }
  let settled = 0
  for (const d of disputes) {
    const at = new Date(d.opened_at.getTime() + (0.5 + r.next() * 20) * HOUR)
    if (at >= now || r.next() < 0.15) continue
    const [decision, reason] = r.weighted(SETTLED.map(([dec, why, w]) => [[dec, why] as const, w] as const))
    await decideDispute(deps, operator, d.id, { decision, reason }, at)
    settled++
  }
  return settled
}

/** How slowly an agency works, 0.6 (quick) to 2.4 (slow): fixed per agency, so the demo's ranking holds still. */
function agencyPace(code: string): number {
  let h = 7
  for (const c of code) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return 0.6 + (h % 5) * 0.45
}
