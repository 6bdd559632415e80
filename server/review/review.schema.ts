import { z } from 'zod'
import type { TimeWindow } from '../hotspots/hotspot.window.js'

const DAY = 86_400_000
const MAX_RANGE_MS = 366 * DAY
const Iso = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' })

/**
 * The period of a review or report: `period=week` (the last 7 days), `period=month` (the last
 * 30 days), `period=YYYY-MM` (a calendar month in WIB), or `from` and `to` (ISO date-times).
 * Nothing given means the last 7 days.
 */
export const ReviewQuery = z.object({
  period: z
    .string()
    .trim()
    .regex(/^(week|month|\d{4}-(0[1-9]|1[0-2]))$/, 'period is week, month or YYYY-MM')
    .optional(),
  from: Iso.optional(),
  to: Iso.optional(),
  lang: z.enum(['id', 'en']).default('id'),
  /** PDF only: `0` leaves the content streams uncompressed (the text can be read back). */
  compress: z.enum(['0', '1']).default('1'),
})
export type ReviewQueryInput = z.infer<typeof ReviewQuery>

export interface ReviewWindow {
  /** week, month, a YYYY-MM month, or range. */
  key: string
  from: Date
  to: Date
  /** The window hotspots are found in: a standard one (kept current by the scheduler) when it matches. */
  hotspots: TimeWindow
}

/** The window a parsed query names; a bad combination is a list of field issues instead. */
export function reviewWindow(q: ReviewQueryInput, now = new Date()): ReviewWindow | { field: string; message: string }[] {
  if (q.period && (q.from || q.to)) return [{ field: 'period', message: 'give either period or from/to, not both' }]
  if (q.period === 'week' || (!q.period && !q.from && !q.to)) {
    const from = new Date(now.getTime() - 7 * DAY)
    return { key: 'week', from, to: now, hotspots: { key: '7d', from, to: now } }
  }
  if (q.period === 'month') {
    const from = new Date(now.getTime() - 30 * DAY)
    return { key: 'month', from, to: now, hotspots: { key: '30d', from, to: now } }
  }
  if (q.period) {
    const [y, m] = q.period.split('-').map(Number) as [number, number]
    const from = new Date(`${q.period}-01T00:00:00+07:00`)
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
    const to = new Date(`${next}-01T00:00:00+07:00`)
    return { key: q.period, from, to, hotspots: { key: 'range', from, to } }
  }
  if (!q.from || !q.to) return [{ field: q.from ? 'to' : 'from', message: 'a range needs both from and to' }]
  const from = new Date(q.from)
  const to = new Date(q.to)
  if (from >= to) return [{ field: 'from', message: 'from must be before to' }]
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) return [{ field: 'to', message: 'a range may span at most 366 days' }]
  return { key: 'range', from, to, hotspots: { key: 'range', from, to } }
}
