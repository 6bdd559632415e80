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

const PACE_STEPS = 5
const PACE = (step: number) => 0.6 + step * 0.45

/** How slowly an agency works, 0.6 (quick) to 2.4 (slow): fixed per agency, so the demo's ranking holds still. */
export function agencyPace(code: string): number {
  let h = 7
  for (const c of code) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return PACE(h % PACE_STEPS)
}

// Hours from one step of a course to the next at pace 1: the least, and how much a draw adds.
const DISPATCH = { least: 0.2, spread: 5 }
const DISPATCH_EMERGENCY = { least: 0.05, spread: 0.4 }
const START = { least: 0.3, spread: 8 }
const WORK = { least: 1, spread: 30 }
const hours = (span: { least: number; spread: number }, draw: number) => span.least + draw * span.spread

/** The longest any ticket's course can take, in hours: the slowest agency, every draw at its top. */
export const LONGEST_COURSE_H = [DISPATCH, START, WORK].reduce((sum, s) => sum + s.least + s.spread, 0) * PACE(PACE_STEPS - 1)

type Step = { afterH: number; from: readonly string[]; who: Principal; body: TransitionBody }

/** A ticket's course, in hours after it opened. */
export function ticketCourse(t: { id: string; agency_code: string; is_emergency: boolean }): Step[] {
  const r = rng(seedOf(t.id))
  const pace = agencyPace(t.agency_code)
  const field: Principal = { role: 'field_officer', agencyCode: t.agency_code }
  const dispatch = hours(t.is_emergency ? DISPATCH_EMERGENCY : DISPATCH, r.next()) * pace
  const start = dispatch + hours(START, r.next()) * pace
  const done = start + hours(WORK, r.next()) * pace
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

// Hours from a dispute's opening to its decision: most the same day, some waiting for the lurah.
const DISPUTE = { least: 0.5, spread: 20 }
const DISPUTE_WAITS = { least: 24, spread: 72 }
/** The longest any dispute waits for its decision, in hours. */
export const LONGEST_DISPUTE_H = DISPUTE_WAITS.least + DISPUTE_WAITS.spread

/**
 * The command room settles most mismatched locations within a day; about one in seven waits
 * for the lurah for up to four days (some of them past the overdue mark, as in practice).
 */
export async function settleDueDisputes(deps: Deps, now = new Date()): Promise<number> {
  const disputes = await deps.db.db.selectFrom('location_disputes').select(['id', 'opened_at']).where('state', '=', 'open').where('opened_at', '<=', now).orderBy('opened_at').execute()
  let settled = 0
  for (const d of disputes) {
    const r = rng(seedOf(d.id))
    const afterH = r.next() < 0.15 ? hours(DISPUTE_WAITS, r.next()) : hours(DISPUTE, r.next())
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
