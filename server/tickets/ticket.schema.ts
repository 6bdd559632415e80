import { z } from 'zod'
import { AgencyCode } from '../agencies/agency.schema.js'
import { REJECT_CODES, STATUSES } from './ticket.rules.js'

export const TicketStatus = z.enum(STATUSES)
export const TicketIdParam = z.object({ id: z.uuid('id must be a ticket id (UUID)') })

const Text = (min: number, what: string) => z.string().trim().min(min, `${what} must have at least ${min} characters`).max(4000)
const bool = z.enum(['true', 'false']).transform((v) => v === 'true')

/** POST /api/tickets/:id/transition */
export const TransitionBody = z
  .object({
    to: TicketStatus,
    /** Optional guard: refuse (409) if the ticket is no longer in this state. */
    from: TicketStatus.optional(),
    note: Text(1, 'note').optional(),
    reason: Text(3, 'reason').optional(),
    /** With `rejected`: what kind of rejection, counted in the statistics. */
    reject_code: z.enum(REJECT_CODES).optional(),
    agency_code: AgencyCode.optional(),
    field_team: z.string().trim().min(1).max(120).optional(),
    photo_ids: z.array(z.uuid('photo_ids must be photo ids (UUID)')).max(20).optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.to === 'rejected' || b.to === 'reopened') && !b.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: `a ticket is ${b.to} only with a reason` })
    if (b.to === 'field_check' && !b.field_team)
      ctx.addIssue({ code: 'custom', path: ['field_team'], message: 'name the team that checks the site (field_team)' })
    if (b.to === 'waiting_reporter' && !b.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'say what the reporter is asked (reason, at least 3 characters)' })
    if (b.reject_code !== undefined && b.to !== 'rejected')
      ctx.addIssue({ code: 'custom', path: ['reject_code'], message: 'only a rejection has a reject_code' })
    if (b.to === 'resolved' && !(b.note && b.note.length >= 3))
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'a resolution needs a note saying what was done (at least 3 characters)' })
  })
export type TransitionBody = z.infer<typeof TransitionBody>

/** POST /api/tickets/:id/agencies: another agency's ticket on the same incident. */
export const AddAgencyBody = z.object({
  agency_code: AgencyCode,
  field_team: z.string().trim().min(1).max(120).optional(),
  reason: Text(3, 'reason').optional(),
})
export type AddAgencyBody = z.infer<typeof AddAgencyBody>
export const AgencyTicketParam = z.object({ id: z.uuid('id must be a ticket id (UUID)'), agency: AgencyCode })

/** POST /api/tickets/:id/route */
export const RouteBody = z.object({
  agency_code: AgencyCode,
  reason: Text(3, 'reason'),
  /** Optional guard: refuse (409) if the ticket's agency is no longer this one (null: it had none). */
  from_agency: AgencyCode.nullable().optional(),
})

/** POST /api/tickets/:id/category */
export const CategoryBody = z.object({
  category_code: z.string().trim().min(1, 'category_code is required').max(64),
  reason: Text(3, 'reason'),
  /** Optional guard: refuse (409) if the ticket's category is no longer this one. */
  from_category: z.string().trim().min(1).max(64).optional(),
})

export const TicketListQuery = z
  .object({
    /** Status codes, comma separated, or `open`. */
    status: z.string().trim().max(200).optional(),
    agency: AgencyCode.optional(),
    region: z.string().trim().min(1).max(64).optional(),
    category: z.string().trim().min(1).max(64).optional(),
    emergency: bool.optional(),
    breached: bool.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(50_000).default(1000),
  })
  .transform((q, ctx) => {
    const statuses = q.status === undefined || q.status === 'open' ? undefined : q.status.split(',').map((s) => s.trim())
    for (const s of statuses ?? [])
      if (!TicketStatus.safeParse(s).success) ctx.addIssue({ code: 'custom', path: ['status'], message: `unknown status "${s}"` })
    return { ...q, open: q.status === 'open', statuses }
  })
