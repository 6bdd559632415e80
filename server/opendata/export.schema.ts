import { z } from 'zod'
import { Bbox } from '../incidents/incident.schema.js'
import { CHANNELS } from '../reports/report.schema.js'

const csv = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).min(1).max(50))

const Iso = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' })

/** Filters of GET /api/export/reports.{geojson,csv}. */
export const ReportExportQuery = z
  .object({
    from: Iso.optional(),
    to: Iso.optional(),
    category: csv(z.string().min(1).max(64)).optional(),
    channel: csv(z.enum(CHANNELS)).optional(),
    /** A region code: the region and everything under it. */
    region: z.string().trim().min(1).max(64).optional(),
    bbox: Bbox.optional(),
    limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] })
export type ReportExportQuery = z.infer<typeof ReportExportQuery>
