import { z } from 'zod'

export const AgencyCode = z.string().trim().regex(/^[a-z0-9_]{2,40}$/, 'agency codes are 2-40 lower-case letters, digits and _')
export const CategoryCode = z.string().trim().regex(/^[a-z0-9_]{2,64}$/, 'category codes are lower-case letters, digits and _')
export const RegionCode = z.string().trim().regex(/^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/, 'region codes look like 32.14.01 or 32.14.01.2001')

const Name = z.string().trim().min(1).max(200)

export const NewAgency = z.object({
  code: AgencyCode,
  name_id: Name,
  name_en: Name,
  short_name: z.string().trim().min(1).max(40),
  /** Regions it serves (codes; a code covers everything under it); null or absent: all. */
  region_codes: z.array(RegionCode).min(1).max(500).nullable().optional(),
  active: z.boolean().optional(),
  sort_order: z.number().int().min(0).max(10_000).optional(),
})
export const AgencyPatch = NewAgency.omit({ code: true })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change')

const Minutes = z.number().int().min(1).max(366 * 1440)

const CategoryFields = z.object({
  name_id: Name,
  name_en: Name,
  grp: z.string().trim().min(1).max(40),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'color is #rrggbb'),
  agency_code: AgencyCode.nullable(),
  priority: z.number().int().min(1).max(4),
  is_emergency: z.boolean(),
  sla_response_minutes: Minutes,
  sla_resolve_minutes: Minutes,
  sla_working_days: z.boolean(),
  lapor_category: z.string().trim().min(1).max(200).nullable(),
  active: z.boolean(),
  sort_order: z.number().int().min(0).max(10_000),
})

export const NewCategory = CategoryFields.partial({ lapor_category: true, active: true, sort_order: true, agency_code: true, grp: true, color: true })
  .extend({ code: CategoryCode })
  .refine((c) => c.sla_resolve_minutes >= c.sla_response_minutes, { message: 'resolution cannot be due before the first response', path: ['sla_resolve_minutes'] })
export type NewCategory = z.infer<typeof NewCategory>

export const CategoryPatch = CategoryFields.partial().refine((p) => Object.keys(p).length > 0, 'nothing to change')
export type CategoryPatch = z.infer<typeof CategoryPatch>

export const RoutingRule = z.object({ category_code: CategoryCode, region_code: RegionCode, agency_code: AgencyCode })
export const RoutingRuleKey = RoutingRule.omit({ agency_code: true })

export const Holiday = z.object({ day: z.iso.date('day is YYYY-MM-DD'), name: Name, kind: z.enum(['libur_nasional', 'cuti_bersama']).default('libur_nasional') })
