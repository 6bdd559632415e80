import { z } from 'zod'

// walk_in: a citizen who came to the office, logged by staff (Purwakarta counts them apart).
export const CHANNELS = ['app', 'call_center', 'whatsapp', 'lapor', 'web', 'open311', 'field', 'walk_in'] as const
export const Channel = z.enum(CHANNELS)
export type Channel = z.infer<typeof Channel>

const finite = (min: number, max: number, what: string) =>
  z.number({ error: `${what} must be a number` }).refine(Number.isFinite, `${what} must be finite`).pipe(z.number().min(min, `${what} must be ≥ ${min}`).max(max, `${what} must be ≤ ${max}`))

/** A report as any channel submits it to `POST /api/reports`. */
export const ReportInput = z.object({
  channel: Channel,
  external_id: z.string().trim().min(1).max(200).optional(),
  category: z.string().trim().min(1).max(64),
  description: z.string().trim().min(1, 'description must not be empty').max(5000),
  location: z.object({
    lat: finite(-90, 90, 'lat'),
    lon: finite(-180, 180, 'lon'),
    accuracy_m: finite(0, 100_000, 'accuracy_m').optional(),
  }),
  claimed_region: z.string().trim().min(1).max(200).optional(),
  reported_at: z.iso
    .datetime({ offset: true, message: 'reported_at must be an ISO 8601 date-time with a time zone' })
    .refine((s) => Date.parse(s) <= Date.now() + 5 * 60_000, 'reported_at is in the future')
    .optional(),
  reporter: z
    .object({
      name: z.string().trim().min(1).max(200).optional(),
      phone: z.string().trim().regex(/^\+?[0-9 ()-]{4,30}$/, 'phone must be digits, optionally with + and spaces').optional(),
      private: z.boolean().optional(),
      /** The caller agreed to be told of status changes at this phone (112, walk-in). */
      notify: z.boolean().optional(),
    })
    .refine((r) => !r.notify || r.phone, { message: 'notify needs a phone', path: ['phone'] })
    .optional(),
  /** Join this open incident instead of matching by place (an operator attaching a call to one they saw nearby). */
  incident_id: z.uuid('incident_id must be an incident id (UUID)').optional(),
})
export type ReportInput = z.infer<typeof ReportInput>

export const IdempotencyKey = z.string().trim().min(1).max(200)

export const ReportListQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  hours: z.coerce.number().positive().max(24 * 365).default(24),
  limit: z.coerce.number().int().min(1).max(200_000).default(20_000),
})
