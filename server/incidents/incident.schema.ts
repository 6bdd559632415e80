import { z } from 'zod'

const csv = <T extends z.ZodType<string, string>>(item: T, what: string) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).min(1, `${what} must name at least one value`).max(50))

export const Bbox = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .pipe(
    z.tuple(
      [z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)],
      { error: 'bbox must be west,south,east,north in degrees' },
    ),
  )
  .refine(([w, s, e, n]) => w < e && s < n, 'bbox must be west,south,east,north with west < east and south < north')

export const IncidentStatus = z.enum(['new', 'verified', 'field_check', 'waiting_reporter', 'dispatched', 'in_progress', 'resolved', 'closed', 'rejected', 'reopened'])

export const IncidentListQuery = z
  .object({
    bbox: Bbox.optional(),
    category: csv(z.string().min(1).max(64), 'category').optional(),
    /** Status codes, comma separated, or `open` (every state but resolved, closed, rejected). */
    status: z
      .union([z.literal('open'), csv(IncidentStatus, 'status')])
      .optional(),
    region: z.string().trim().min(1).max(64).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(50_000).default(5_000),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] })

export const IncidentIdParam = z.object({ id: z.uuid('id must be an incident id (UUID)') })

const Reason = z.string().trim().min(3, 'reason must say why (at least 3 characters)').max(1000)

/** POST /api/incidents/:id/merge: the incident in the body is merged into the one in the path. */
export const MergeBody = z.object({
  incident_id: z.uuid('incident_id must be an incident id (UUID)'),
  reason: Reason,
})

/** POST /api/incidents/:id/split: the listed reports leave the incident in the path for a new one. */
export const SplitBody = z.object({
  report_ids: z.array(z.uuid('report_ids must be report ids (UUID)')).min(1).max(1000),
  reason: Reason,
})
