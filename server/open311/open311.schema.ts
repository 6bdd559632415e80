import { z } from 'zod'

/** Open311 answers either format; the path's extension chooses. */
export type Format = 'json' | 'xml'

const num = (min: number, max: number, what: string) =>
  z.coerce
    .number({ error: `${what} must be a number` })
    .refine(Number.isFinite, `${what} must be a number`)
    .pipe(z.number().min(min, `${what} must be ≥ ${min}`).max(max, `${what} must be ≤ ${max}`))

const text = (max: number) => z.string().trim().max(max).optional().transform((s) => (s === '' ? undefined : s))

/**
 * POST requests.json as GeoReport v2 defines it (form fields; JSON accepted too). A location
 * is `lat` + `long`, or `address_string` (matched against region names), or `address_id`
 * (a region code).
 */
export const Open311RequestInput = z
  .object({
    api_key: z.string().trim().min(1, 'api_key is required'),
    jurisdiction_id: text(200),
    service_code: z.string().trim().min(1, 'service_code is required').max(64),
    lat: num(-90, 90, 'lat').optional(),
    long: num(-180, 180, 'long').optional(),
    address_string: text(500),
    address_id: text(64),
    email: text(200),
    device_id: text(200),
    account_id: text(200),
    first_name: text(100),
    last_name: text(100),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{4,30}$/, 'phone must be digits, optionally with + and spaces')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    description: text(4000),
    media_url: z.url({ protocol: /^https?$/, error: 'media_url must be an http(s) URL' }).max(2000).optional(),
    /** attribute[private]=true hides the reporter from everyone but admins and operators. */
    attribute: z.record(z.string(), z.string().max(500)).optional(),
  })
  .refine((r) => (r.lat === undefined) === (r.long === undefined), { message: 'lat and long go together', path: ['long'] })
  .refine((r) => r.lat !== undefined || r.address_string !== undefined || r.address_id !== undefined, {
    message: 'a location is required: lat and long, address_string or address_id',
    path: ['lat'],
  })
export type Open311RequestInput = z.infer<typeof Open311RequestInput>

const csvList = (max: number) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(max)).max(1000))

// W3C date and time formats (www.w3.org/TR/NOTE-datetime) as GeoReport v2 names them: a
// date alone (read in WIB, the command center's time), or a date and time to the minute, the
// second or a fraction, with its zone.
const W3C = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/
const W3C_HINT = 'must be a W3C date (2025-01-31, read in WIB) or date-time with a time zone (2025-01-31T08:00+07:00, 2025-01-31T08:00:00Z)'
/** A W3C date or date-time as an instant; a date alone is its first moment in WIB, or its last for an end. */
const w3cDate = (end: boolean) =>
  z
    .string()
    .regex(W3C, W3C_HINT)
    .transform((s, ctx) => {
      const dateOnly = s.length === 10
      const t = Date.parse(dateOnly ? `${s}T00:00:00+07:00` : s)
      if (Number.isNaN(t) || (dateOnly && new Date(t + 7 * 3_600_000).toISOString().slice(0, 10) !== s)) {
        ctx.addIssue({ code: 'custom', message: W3C_HINT })
        return z.NEVER
      }
      return new Date(dateOnly && end ? t + 86_400_000 - 1 : t)
    })

/** The code in services/{service_code}.json (the extension split off). */
export const ServiceCodeParam = z.object({ service_code: z.string().min(1) })
/** The id in requests/{service_request_id}.json: a report id or a ticket number. */
export const RequestIdParam = z.object({ service_request_id: z.string().min(1) })

/** GET requests.json filters. */
export const Open311ListQuery = z.object({
  jurisdiction_id: z.string().optional(),
  service_request_id: csvList(64).optional(),
  service_code: csvList(64).optional(),
  start_date: w3cDate(false).optional(),
  end_date: w3cDate(true).optional(),
  status: csvList(10)
    .pipe(z.array(z.enum(['open', 'closed'], 'status must be open or closed')))
    .optional(),
})
export type Open311ListQuery = z.infer<typeof Open311ListQuery>

/** A service (our category) as services.json lists it. */
export const Open311Service = z.object({
  service_code: z.string(),
  service_name: z.string(),
  description: z.string(),
  metadata: z.boolean(),
  type: z.enum(['realtime', 'batch', 'blackbox']),
  keywords: z.string(),
  group: z.string(),
})

/** One service request as requests.json answers it (GeoReport v2 field names). */
export const Open311Request = z.object({
  service_request_id: z.string(),
  status: z.enum(['open', 'closed']),
  status_notes: z.string().nullable(),
  service_name: z.string(),
  service_code: z.string(),
  description: z.string().nullable(),
  agency_responsible: z.string().nullable(),
  service_notice: z.string().nullable(),
  requested_datetime: z.string(),
  updated_datetime: z.string().nullable(),
  expected_datetime: z.string().nullable(),
  address: z.string().nullable(),
  address_id: z.string().nullable(),
  zipcode: z.string().nullable(),
  lat: z.number(),
  long: z.number(),
  media_url: z.string().nullable(),
})
export type Open311Request = z.infer<typeof Open311Request>

export const Open311Created = z.array(
  z.object({ service_request_id: z.string(), service_notice: z.string().nullable(), account_id: z.string().nullable() }),
)

export const Open311Errors = z.array(z.object({ code: z.number().int(), description: z.string() }))
