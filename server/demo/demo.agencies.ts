import type { Principal } from '../auth/principal.js'
import { decideDispute } from '../disputes/dispute.service.js'
import type { Deps } from '../http/context.js'
import type { TransitionBody } from '../tickets/ticket.schema.js'
import { transitionTicket } from '../tickets/ticket.service.js'
import { rng } from './random.js'

const HOUR = 3_600_000
const OPERATOR: Principal = { role: 'operator' }

/**
 * The demo's agencies and command room at work: each ticket's course (dispatched, started,
 * resolved, or rejected) and each location dispute's decision follow from its id, so the
 * backfilled week and the live demo are worked by the same hands at the same pace, and open
 * tickets and disputes stay at the level of a regency that keeps up instead of piling up.
 */

function seedOf(id: string): number {
  let h = 2166136261
  for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0
  return h
}

/** How slowly an agency works, 0.6 (quick) to 2.4 (slow): fixed per agency, so the demo's ranking holds still. */
export function agencyPace(code: string): number {
  let h = 7
  for (const c of code) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return 0.6 + (h % 5) * 0.45
}

type Step = { afterH: number; from: readonly string[]; who: Principal; body: TransitionBody }

/** A ticket's course, in hours after it opened. */
export function ticketCourse(t: { id: string; agency_code: string; is_emergency: boolean }): Step[] {
  const r = rng(seedOf(t.id))
  const pace = agencyPace(t.agency_code)
  const field: Principal = { role: 'field_officer', agencyCode: t.agency_code }
  const dispatch = (t.is_emergency ? 0.05 + r.next() * 0.4 : 0.2 + r.next() * 5) * pace
  const start = dispatch + (0.3 + r.next() * 8) * pace
  const done = start + (1 + r.next() * 30) * pace
  if (r.next() < 0.04) return [{ afterH: dispatch, from: ['new', 'verified'], who: OPERATOR, body: { to: 'rejected', reason: 'Tidak ditemukan masalah di lokasi (data demo)' } }]
  return [
    { afterH: dispatch, from: ['new', 'verified'], who: OPERATOR, body: { to: 'dispatched', field_team: 'Tim Reaksi Cepat' } },
    { afterH: start, from: ['dispatched'], who: field, body: { to: 'in_progress' } },
    { afterH: done, from: ['in_progress'], who: field, body: { to: 'resolved', note: 'Sudah ditangani di lokasi (data demo)' } },
  ]
}

/**
 * Takes every open ticket as far along its course as `now` allows, each step at its own time
 * (never before the ticket's last change: a person may have moved it in between). Steps that
 * no longer fit (someone else moved the ticket) are left out. Returns the status changes made.
 */
export async function workDueTickets(deps: Deps, now = new Date()): Promise<number> {
  const open = await deps.db.db
    .selectFrom('incidents')
    .select(['id', 'agency_code', 'created_at', 'is_emergency', 'status', 'status_changed_at'])
    .where('merged_into', 'is', null)
    .where('agency_code', 'is not', null)
    .where('status', 'in', ['new', 'verified', 'dispatched', 'in_progress'])
    .where('created_at', '<=', now)
    .orderBy('created_at')
    .execute()
  let moves = 0
  for (const t of open) {
    let status = t.status
    let last = (t.status_changed_at ?? t.created_at).getTime()
    for (const s of ticketCourse({ id: t.id, agency_code: t.agency_code!, is_emergency: t.is_emergency })) {
      const at = t.created_at.getTime() + s.afterH * HOUR
      if (at > now.getTime()) break
      if (!s.from.includes(status)) continue
      const when = new Date(Math.max(at, last))
      try {
        await transitionTicket(deps, s.who, t.id, s.body, { now: when })
      } catch {
        break // moved by someone else meanwhile: leave it to them
      }
      status = s.body.to
      last = when.getTime()
      moves++
    }
  }
  return moves
}

const SETTLED = [
  ['move', 'Titik GPS benar, laporan dipindah ke wilayah lokasinya (data demo)', 7],
  ['keep', 'Pelapor menyebut wilayah yang benar, titik GPS meleset (data demo)', 2],
  ['return', 'Lokasi belum jelas, ditanyakan kembali ke pelapor (data demo)', 1],
] as const

/**
 * The command room settles most mismatched locations within a day; about one in seven waits
 * for the lurah for up to four days (some of them past the overdue mark, as in practice).
 */
export async function settleDueDisputes(deps: Deps, now = new Date()): Promise<number> {
  const disputes = await deps.db.db.selectFrom('location_disputes').select(['id', 'opened_at']).where('state', '=', 'open').where('opened_at', '<=', now).orderBy('opened_at').execute()
  let settled = 0
  for (const d of disputes) {
    const r = rng(seedOf(d.id))
    const afterH = r.next() < 0.15 ? 24 + r.next() * 72 : 0.5 + r.next() * 20
    const at = new Date(d.opened_at.getTime() + afterH * HOUR)
    if (at > now) continue
    const [decision, reason] = r.weighted(SETTLED.map(([dec, why, w]) => [[dec, why] as const, w] as const))
    try {
      await decideDispute(deps, OPERATOR, d.id, { decision, reason }, at)
      settled++
    } catch {
      // decided meanwhile by someone else
    }
  }
  return settled
}

/** Runs both every `intervalMs` while the demo runs; returns a stop function. */
export function startDemoAgencies(deps: Deps, intervalMs = 60_000): () => void {
  let busy = false
  const timer = setInterval(() => {
    if (busy) return
    busy = true
    Promise.all([workDueTickets(deps), settleDueDisputes(deps)])
      .catch((err: Error) => deps.log.error(`demo agencies: ${err.message}`))
      .finally(() => (busy = false))
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
