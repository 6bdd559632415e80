import { z } from 'zod'

const flag = z
  .enum(['0', '1', 'true', 'false', 'on', 'off', 'yes', 'no', ''])
  .transform((v) => !['0', 'false', 'off', 'no'].includes(v))

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
  SIGAP_DEMO_RATE: z.coerce.number().min(0).max(1000).default(0.5),
  SIGAP_REGIONS: z.string().optional(),
  SIGAP_BASEMAP_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  SIGAP_MAX_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  SIGAP_LOG: z.enum(['silent', 'error', 'info', 'debug']).default('info'),
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
