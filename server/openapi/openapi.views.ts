import { z } from 'zod'
import { IntakeFacts, LocationCheckAnswer } from '../reports/intake.outcome.js'

/**
 * The JSON the report and incident views build (report.view.ts, incident.view.ts,
 * intake.outcome.ts), as the routes' documented responses.
 */

const Region = z.object({ code: z.string(), name: z.string() }).nullable()
export const ReportView = z.object({
  id: z.uuid(),
  channel: z.string(),
  external_id: z.string().nullable(),
  category: z.string(),
  description: z.string(),
  location: z.object({ lat: z.number(), lon: z.number(), accuracy_m: z.number().nullable() }),
  claimed_region: z.string().nullable(),
  region: Region,
  reported_at: z.iso.datetime({ offset: true }),
  received_at: z.iso.datetime({ offset: true }),
  incident_id: z.uuid().nullable(),
  location_check: LocationCheckAnswer.optional().meta({ description: 'Absent for a report stored before location checks' }),
  reporter: z
    .object({ name: z.string().nullable(), phone: z.string().nullable(), private: z.boolean() })
    .optional()
    .meta({ description: 'Only for roles allowed to see the reporter (private reporters: admin and operator only)' }),
})

export const IncidentView = z.object({
  id: z.uuid(),
  category: z.string(),
  status: z.string(),
  location: z.object({ lat: z.number(), lon: z.number() }),
  region: Region,
  report_count: z.number().int(),
  channels: z.array(z.string()),
  first_reported_at: z.string(),
  last_reported_at: z.string(),
  merged_into: z.uuid().nullable(),
  split_from: z.uuid().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
})

/**
 * POST /api/reports' answer (intake.outcome.ts intakeAnswer): the report, what intake decided,
 * and, for a new report, its photo token. Strict: a field the route adds must be described here
 * (tests/openapi.intake.test.ts checks real answers against the published document).
 */
const StatusPath = z.string().meta({ description: "The reporter's own status page, /status/NUMBER?k=TAG (status.service.ts statusLinkPath)" })
export const IntakeAnswer = z.strictObject({
  ...ReportView.shape,
  ...IntakeFacts.shape,
  duplicate: z.boolean().meta({ description: 'true for a retry of a report already stored (answered 200, without photo_token)' }),
  photo_token: z.string().meta({ description: 'Given once, with a new report: lets the sender add photos later (X-Photo-Token)' }),
  status_path: StatusPath,
})
export const RetriedAnswer = z.strictObject({ ...ReportView.shape, duplicate: z.boolean(), status_path: StatusPath })

