import { z } from 'zod'

export const HolidayKind = z.enum(['libur_nasional', 'cuti_bersama'])

const Day = z.object({
  day: z.iso.date('day is YYYY-MM-DD'),
  kind: HolidayKind.default('libur_nasional'),
  name: z.string().trim().min(1).max(160),
})

/** One year of the calendar, as decreed: every day must fall in that year, none twice. */
export const HolidayYear = z
  .object({
    year: z.number().int().min(2000).max(2100),
    status: z.enum(['official', 'provisional']).default('official'),
    decree: z.string().trim().min(3).max(1000),
    days: z.array(Day).min(1).max(100),
  })
  .superRefine((y, ctx) => {
    const seen = new Set<string>()
    y.days.forEach((d, i) => {
      if (!d.day.startsWith(`${y.year}-`)) ctx.addIssue({ code: 'custom', path: ['days', i, 'day'], message: `${d.day} is not in ${y.year}` })
      if (seen.has(d.day)) ctx.addIssue({ code: 'custom', path: ['days', i, 'day'], message: `${d.day} is listed twice` })
      seen.add(d.day)
    })
  })
export type HolidayYear = z.infer<typeof HolidayYear>

/** A calendar file (server/holidays/indonesia.json and admins' imports): `{ years: [...] }`. */
export const HolidayCalendar = z
  .object({ about: z.string().optional(), years: z.array(HolidayYear).min(1).max(50) })
  .superRefine((c, ctx) => {
    const seen = new Set<number>()
    c.years.forEach((y, i) => {
      if (seen.has(y.year)) ctx.addIssue({ code: 'custom', path: ['years', i, 'year'], message: `${y.year} is given twice` })
      seen.add(y.year)
    })
  })
export type HolidayCalendar = z.infer<typeof HolidayCalendar>
