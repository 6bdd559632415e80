import { z } from 'zod'

/**
 * Reporting periods in WIB: a year (2025), a semester (2025-S1), a quarter (2025-Q3) or a
 * month (2025-07). SKM results and recommendations are per agency and period.
 */
export const Period = z
  .string()
  .trim()
  .regex(/^\d{4}(-(S[12]|Q[1-4]|0[1-9]|1[0-2]))?$/, 'period is YYYY, YYYY-S1/S2, YYYY-Q1..Q4 or YYYY-MM')

const WIB = '+07:00'
const pad = (n: number) => String(n).padStart(2, '0')
const start = (y: number, m: number) => (m > 12 ? new Date(`${y + 1}-01-01T00:00:00${WIB}`) : new Date(`${y}-${pad(m)}-01T00:00:00${WIB}`))

/** [from, to) of a period, WIB midnight to WIB midnight. */
export function periodRange(p: string): { from: Date; to: Date } {
  const y = Number(p.slice(0, 4))
  const rest = p.slice(5)
  let m0 = 1
  let months = 12
  if (rest.startsWith('S')) [m0, months] = [rest === 'S1' ? 1 : 7, 6]
  else if (rest.startsWith('Q')) [m0, months] = [(Number(rest[1]) - 1) * 3 + 1, 3]
  else if (rest) [m0, months] = [Number(rest), 1]
  return { from: start(y, m0), to: start(y, m0 + months) }
}

type Range = { from?: string | undefined; to?: string | undefined; period?: string | undefined }

/** ?from&to or ?period (or the last 30 days): spread into a route's query object. */
export const RANGE_FIELDS = {
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  period: Period.optional(),
}

/**
 * The rules across the range fields, added to the route's own object rather than intersected
 * with it: the OpenAPI document lists an object's fields as query parameters, not an intersection's.
 */
export function withRangeRules<T extends z.ZodObject<typeof RANGE_FIELDS & z.ZodRawShape>>(schema: T): T {
  return schema
    .refine((q: Range) => !(q.period && (q.from || q.to)), { message: 'give either period or from/to', path: ['period'] })
    .refine((q: Range) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] })
}

export function rangeOf(q: Range, now = new Date()): { from: Date; to: Date } {
  if (q.period) return periodRange(q.period)
  const to = q.to ? new Date(q.to) : now
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * 86_400_000)
  return { from, to }
}
