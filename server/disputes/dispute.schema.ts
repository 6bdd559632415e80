import { z } from 'zod'

export const DISPUTE_STATES = ['open', 'proposed', 'moved', 'kept', 'returned', 'cleared'] as const
export const DECISIONS = ['move', 'keep', 'return'] as const

export const DisputeIdParam = z.object({ id: z.uuid('id must be a dispute id (UUID)') })

const RegionCode = z.string().trim().regex(/^\d{2}(\.\d{2}){0,2}(\.\d{4})?$/, 'region must be a region code like 31.71.05 or 31.71.05.1003')
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')

export const DisputeListQuery = z.object({
  region: RegionCode.optional(),
  /** One state, several comma-separated, or `active` (open and proposed). */
  state: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean).flatMap((x) => (x === 'active' ? ['open', 'proposed'] : [x])))
    .pipe(z.array(z.enum(DISPUTE_STATES, `state must be one of ${DISPUTE_STATES.join(', ')} or active`)).min(1))
    .optional(),
  overdue: flag.optional(),
  /** Opened at least / at most this many hours ago. */
  min_age_hours: z.coerce.number().min(0).max(24 * 3650).optional(),
  max_age_hours: z.coerce.number().min(0).max(24 * 3650).optional(),
  order: z.enum(['oldest', 'newest']).default('oldest'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})

const Reason = z.string({ error: 'reason is required' }).trim().min(3, 'reason must say why (3 characters or more)').max(2000)
const finite = (min: number, max: number, what: string) =>
  z.number({ error: `${what} must be a number` }).refine(Number.isFinite, `${what} must be finite`).pipe(z.number().min(min).max(max))

/** A proposal or a decision: what should happen to the report, and why. */
export const DisputeStep = z
  .object({
    decision: z.enum(DECISIONS, `decision must be one of ${DECISIONS.join(', ')}`),
    reason: Reason,
    /** keep only: where the problem really is (the pin was wrong); must lie in the claimed region. */
    corrected_location: z.object({ lat: finite(-90, 90, 'lat'), lon: finite(-180, 180, 'lon') }).optional(),
  })
  .refine((b) => b.corrected_location === undefined || b.decision === 'keep', {
    message: 'corrected_location goes only with decision keep',
    path: ['corrected_location'],
  })
export type DisputeStep = z.infer<typeof DisputeStep>
