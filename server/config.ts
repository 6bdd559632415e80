import { z } from 'zod'

const flag = z
  .enum(['0', '1', 'true', 'false', 'on', 'off', 'yes', 'no', ''])
  .transform((v) => !['0', 'false', 'off', 'no'].includes(v))

// An empty variable counts as unset (the default applies).
const unsetIfEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema)

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  SIGAP_DATA_DIR: z.string().min(1).default('./data'),
  SIGAP_DEMO: flag.default(true),
  // The demo's live reports: SIGAP_DEMO_PER_DAY a day by a daily rhythm with bursts (a regency's
  // pace); SIGAP_DEMO_RATE, when set, a steady stream of that many a second instead (load demos).
  SIGAP_DEMO_PER_DAY: z.coerce.number().min(0).max(100_000).default(40),
  SIGAP_DEMO_RATE: unsetIfEmpty(z.coerce.number().min(0).max(1000).optional()),
  SIGAP_REGIONS: z.string().optional(),
  SIGAP_BASEMAP_URL: unsetIfEmpty(z.string().url().optional()),
  // The address citizens reach this server at (https://lapor.example.go.id): links in WhatsApp
  // messages (status page, rating page). Without it, messages give the ticket number only.
  SIGAP_PUBLIC_URL: unsetIfEmpty(z.string().url().transform((u) => u.replace(/\/+$/, '')).optional()),
  // The government the reports are for ("Kabupaten Purwakarta"): on the periodic report's pages.
  SIGAP_AUTHORITY_NAME: unsetIfEmpty(z.string().trim().max(120).optional()),
  // Scheduled periodic report: "daily", "weekly" or "daily,weekly" (off when unset), written as
  // PDF into SIGAP_REPORT_DIR (default: DATA_DIR/reports) after 06:00 WIB for the day / week before.
  SIGAP_REPORT_SCHEDULE: z
    .string()
    .regex(/^(daily|weekly)(,(daily|weekly))?$/, 'daily, weekly or daily,weekly')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  SIGAP_REPORT_DIR: unsetIfEmpty(z.string().min(1).optional()),
  // E-mail of the scheduled reports (off unless SIGAP_REPORT_EMAIL_TO is set): the SMTP server as a
  // URL (smtp://user:password@host:587, STARTTLS when offered; smtps://… for TLS from the start),
  // the comma-separated addresses, and the sender.
  SIGAP_SMTP_URL: unsetIfEmpty(z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional()),
  SIGAP_REPORT_EMAIL_TO: unsetIfEmpty(
    z
      .string()
      .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
      .pipe(z.array(z.email('every address must be an e-mail address')).min(1).max(50, 'at most 50 addresses'))
      .optional(),
  ),
  SIGAP_REPORT_EMAIL_FROM: unsetIfEmpty(z.email('must be an e-mail address').default('sigap@localhost')),
  SIGAP_MAX_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  // Reports waiting to be stored, beyond which intake answers 503 (retry): a flood must not
  // grow the waiting line without end (about 10 s of work at the default).
  SIGAP_INTAKE_MAX_WAITING: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  // Intake transactions run at once on PostgreSQL (PGlite has one connection: always 1). Unset:
  // the default in reports/intake.service.ts (bench/README.md "Intake workers" has the figures).
  // At most 16: the pool holds 20 connections, and reads need some.
  SIGAP_INTAKE_WORKERS: unsetIfEmpty(z.coerce.number().int().min(1).max(16).optional()),
  SIGAP_LOG: z.enum(['silent', 'error', 'info', 'debug']).default('info'),
  // Sign-in (issue 5): hours a session lasts after sign-in (default a 12-hour shift; at most 30 days).
  SIGAP_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  // Location check (issue 4): metres outside the claimed region still counted as near its boundary
  // (or the reported GPS accuracy, if larger); hours before an undecided location dispute is overdue.
  SIGAP_BOUNDARY_TOLERANCE_M: z.coerce.number().min(0).max(5000).default(30),
  SIGAP_DISPUTE_OVERDUE_HOURS: z.coerce.number().positive().max(24 * 365).default(72),
  // Channels (issue 7). Open311: comma-separated API keys (more can live in open311_api_keys).
  SIGAP_OPEN311_API_KEYS: z.string().default(''),
  // WhatsApp Cloud API webhook: app secret (X-Hub-Signature-256) and the verify token of the handshake.
  SIGAP_WHATSAPP_APP_SECRET: unsetIfEmpty(z.string().optional()),
  SIGAP_WHATSAPP_VERIFY_TOKEN: unsetIfEmpty(z.string().optional()),
  // Set both to send replies and fetch photos through the Graph API; otherwise replies are logged.
  SIGAP_WHATSAPP_ACCESS_TOKEN: unsetIfEmpty(z.string().optional()),
  SIGAP_WHATSAPP_PHONE_NUMBER_ID: unsetIfEmpty(z.string().optional()),
  // SMS to callers who agreed to status messages by SMS (server/sms/sms.gateway.ts): a gateway
  // taking POST { to, message } with the token as a Bearer; without it SMS are written to the log.
  SIGAP_SMS_GATEWAY_URL: unsetIfEmpty(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  SIGAP_SMS_GATEWAY_TOKEN: unsetIfEmpty(z.string().optional()),
  SIGAP_WHATSAPP_WINDOW_S: z.coerce.number().int().min(5).max(3600).default(120),
  SIGAP_WHATSAPP_MAX_AGE_S: z.coerce.number().int().min(60).max(7 * 86_400).default(86_400),
  // Photos: folder (default SIGAP_DATA_DIR/photos) and the largest accepted file.
  SIGAP_PHOTO_DIR: unsetIfEmpty(z.string().optional()),
  SIGAP_PHOTO_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  // Bearer token required by GET /metrics when set.
  SIGAP_METRICS_TOKEN: unsetIfEmpty(z.string().optional()),
  // Seconds between hotspot recomputations (0 turns the scheduler off; empty: the default).
  SIGAP_HOTSPOT_INTERVAL_S: unsetIfEmpty(z.coerce.number().min(0).max(86_400).default(30)),
  // Incident matching rules per category code, JSON, e.g. {"banjir":{"radius_m":800,"group":"air"}}:
  // checked by server/incidents/incident.rules.ts when intake loads (a bad value stops the server).
  SIGAP_INCIDENT_RULES: unsetIfEmpty(z.string().optional()),
  // Reverse proxies in front of this server (comma-separated addresses, e.g. "127.0.0.1,10.0.0.5"):
  // a request from one of them is counted by the client address it names in X-Forwarded-For, so
  // sign-in backoff per address does not lock out every citizen behind the same nginx.
  SIGAP_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((a) => a.trim()).filter((a) => a !== ''))
    .pipe(z.array(z.union([z.ipv4(), z.ipv6()]).or(z.string().regex(/^::ffff:\d+\.\d+\.\d+\.\d+$/))).max(64)),
  // The built screens (default dist/web): another build side by side, in development.
  SIGAP_WEB_DIST: unsetIfEmpty(z.string().optional()),
}).superRefine((c, ctx) => {
  // Addresses without a server or a schedule would be a setting that silently does nothing.
  if (c.SIGAP_REPORT_EMAIL_TO && !c.SIGAP_SMTP_URL) ctx.addIssue({ code: 'custom', path: ['SIGAP_SMTP_URL'], message: 'is required when SIGAP_REPORT_EMAIL_TO is set' })
  if (c.SIGAP_REPORT_EMAIL_TO && !c.SIGAP_REPORT_SCHEDULE) ctx.addIssue({ code: 'custom', path: ['SIGAP_REPORT_SCHEDULE'], message: 'is required when SIGAP_REPORT_EMAIL_TO is set (daily, weekly or daily,weekly)' })
})

export type Config = z.infer<typeof EnvSchema>

/** Parses the environment once at start-up; a bad value stops the process with the variable named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}

let fromEnv: Config | undefined

/** The process environment's configuration, parsed once: for the one setting read where no Deps reach (the incident rules). */
export function envConfig(): Config {
  fromEnv ??= loadConfig()
  return fromEnv
}
