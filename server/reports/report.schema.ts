import { z } from 'zod'

// walk_in: a citizen who came to the office, logged by staff (Purwakarta counts them apart).
export const CHANNELS = ['app', 'call_center', 'whatsapp', 'lapor', 'web', 'open311', 'field', 'walk_in'] as const
export const Channel = z.enum(CHANNELS)
export type Channel = z.infer<typeof Channel>

const finite = (min: number, max: number, what: string) =>
  z.number({ error: `${what} must be a number` }).refine(Number.isFinite, `${what} must be finite`).pipe(z.number().min(min, `${what} must be ≥ ${min}`).max(max, `${what} must be ≤ ${max}`))

/**
 * The times a report may carry: none before 2000 (a zeroed or mistyped year, not a real
 * complaint), none more than five minutes ahead of the server clock (a phone's clock may run
 * a little fast; more is a wrong clock or a made-up time).
 */
export const EARLIEST_REPORTED_AT = Date.UTC(2000, 0, 1)
export const MAX_AHEAD_MS = 5 * 60_000

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
    .refine((s) => Date.parse(s) >= EARLIEST_REPORTED_AT, `reported_at must not be before ${new Date(EARLIEST_REPORTED_AT).toISOString()}`)
    .refine((s) => Date.parse(s) <= Date.now() + MAX_AHEAD_MS, `reported_at must not be more than ${MAX_AHEAD_MS / 60_000} minutes ahead of the server clock`)
    .optional(),
  reporter: z
    .object({
      name: z.string().trim().min(1).max(200).optional(),
      phone: z.string().trim().regex(/^\+?[0-9 ()-]{4,30}$/, 'phone must be digits, optionally with + and spaces').optional(),
      private: z.boolean().optional(),
      /** The caller agreed to be told of status changes at this phone (112, walk-in). */
      notify: z.boolean().optional(),
      /** How they agreed to be told: by SMS (the default) or on WhatsApp. */
      notify_via: z.enum(['sms', 'whatsapp']).optional(),
    })
    .refine((r) => !r.notify || r.phone, { message: 'notify needs a phone', path: ['phone'] })
    .optional(),
  /** Join this open incident instead of matching by place (an operator attaching a call to one they saw nearby). */
  incident_id: z.uuid('incident_id must be an incident id (UUID)').optional(),
  /** A link to a picture or video of it elsewhere (Open311 media_url); http(s) only. */
  media_url: z.url({ protocol: /^https?$/, error: 'media_url must be an http(s) URL' }).max(2000).optional(),
})
export type ReportInput = z.infer<typeof ReportInput>

export const IdempotencyKey = z.string().trim().min(1).max(200)

/** A page of GET /api/reports: at most this many by default, and never more than the maximum. */
export const REPORT_PAGE_DEFAULT = 1000
export const REPORT_PAGE_MAX = 5000

export const ReportListQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
  hours: z.coerce.number().positive().max(24 * 365).default(24),
  limit: z.coerce.number().int().min(1).max(REPORT_PAGE_MAX, `limit must be ≤ ${REPORT_PAGE_MAX}: follow \`next\` for more`).default(REPORT_PAGE_DEFAULT),
  /** The last report of the previous page (its `next` link carries it). */
  after: z.uuid('after must be a report id (UUID)').optional(),
})
