import { z } from 'zod'
import { USER_ROLES } from '../auth/principal.js'

export const Username = z
  .string()
  .trim()
  .min(2, 'username must have at least 2 characters')
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'username may hold letters, digits and . _ @ - only')

/** Long enough to resist guessing; no composition rules (NIST SP 800-63B). */
export const Password = z.string().min(10, 'password must have at least 10 characters').max(256)

const RegionCode = z.string().trim().regex(/^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/, 'region codes look like 32.14.01 or 32.14.01.2001')
const AgencyCode = z.string().trim().regex(/^[a-z0-9_]{2,40}$/, 'agency codes are lower-case letters, digits and _')

const scoped = <T extends { role: string; region_codes?: string[] | undefined; agency_code?: string | null | undefined }>(u: T, ctx: z.RefinementCtx) => {
  if (u.role === 'region_head' && !(u.region_codes && u.region_codes.length > 0))
    ctx.addIssue({ code: 'custom', path: ['region_codes'], message: 'a region head needs at least one region code' })
  if ((u.role === 'agency_staff' || u.role === 'field_officer') && !u.agency_code)
    ctx.addIssue({ code: 'custom', path: ['agency_code'], message: `${u.role} needs an agency_code` })
}

export const NewUserInput = z
  .object({
    username: Username,
    display_name: z.string().trim().min(1).max(120).optional(),
    role: z.enum(USER_ROLES),
    password: Password,
    region_codes: z.array(RegionCode).max(200).optional(),
    agency_code: AgencyCode.nullable().optional(),
  })
  .superRefine(scoped)
export type NewUserInput = z.infer<typeof NewUserInput>

export const UserPatch = z
  .object({
    display_name: z.string().trim().min(1).max(120).optional(),
    role: z.enum(USER_ROLES).optional(),
    password: Password.optional(),
    region_codes: z.array(RegionCode).max(200).optional(),
    agency_code: AgencyCode.nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change')
export type UserPatch = z.infer<typeof UserPatch>

export const LoginInput = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) })

export const UserIdParam = z.object({ id: z.uuid('id must be a user id (UUID)') })
