import { z } from 'zod'

/** The windows the scheduler keeps current; any other range is computed when asked. */
export const STANDARD_WINDOWS = { '24h': 24, '7d': 24 * 7, '30d': 24 * 30 } as const
export type StandardWindow = keyof typeof STANDARD_WINDOWS

export interface TimeWindow {
  /** '24h' | '7d' | '30d', or 'range' for a chosen from/to. */
  key: StandardWindow | 'range'
  from: Date
  to: Date
}

export const windowLengthMs = (w: TimeWindow) => w.to.getTime() - w.from.getTime()

/** The window of the same length just before `w`: what a trend compares with. */
export const previousWindow = (w: TimeWindow): TimeWindow => ({ key: w.key, from: new Date(w.from.getTime() - windowLengthMs(w)), to: w.from })

export function standardWindow(key: StandardWindow, now = new Date()): TimeWindow {
  return { key, from: new Date(now.getTime() - STANDARD_WINDOWS[key] * 3_600_000), to: now }
}

const Iso = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' })
const MAX_RANGE_MS = 366 * 86_400_000

/**
 * `window=24h|7d|30d`, or `window=FROM,TO`, or `from=...&to=...` (ISO date-times). Default 24h.
 * Parsed into a TimeWindow; a range is at most a year and must not be empty.
 */
/** The query fields of a time window, before they are read as one. */
export const WindowFields = z.object({
  window: z.string().trim().optional(),
  from: Iso.optional(),
  to: Iso.optional(),
})

export const WindowQuery = WindowFields.transform((q, ctx): TimeWindow => {
    let from = q.from
    let to = q.to
    if (q.window && q.window in STANDARD_WINDOWS) {
      if (from || to) ctx.addIssue({ code: 'custom', path: ['window'], message: 'give either window or from/to, not both' })
      return standardWindow(q.window as StandardWindow)
    }
    if (q.window) {
      const parts = q.window.split(',')
      const ok = parts.length === 2 && parts.every((p) => Iso.safeParse(p.trim()).success)
      if (!ok) {
        ctx.addIssue({ code: 'custom', path: ['window'], message: 'window must be 24h, 7d, 30d or FROM,TO (ISO date-times)' })
        return z.NEVER
      }
      ;[from, to] = parts.map((p) => p.trim())
    }
    if (!from && !to) return standardWindow('24h')
    if (!from || !to) {
      ctx.addIssue({ code: 'custom', path: [from ? 'to' : 'from'], message: 'a range needs both from and to' })
      return z.NEVER
    }
    const f = new Date(from)
    const t = new Date(to)
    if (f >= t) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be before to' })
    else if (t.getTime() - f.getTime() > MAX_RANGE_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: 'a range may span at most 366 days' })
    return { key: 'range', from: f, to: t }
  })
