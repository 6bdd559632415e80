import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { canReadTicketDetail, canSeeTicket, ticketScope, type Principal } from '../auth/principal.js'
import { reportInScope } from '../tickets/ticket.scope.js'
import { PHOTO_TOKEN_HEADER, photoTokenMatches } from './photo.token.js'
import { intakeAnswer } from '../reports/intake.outcome.js'
import { findTicket } from '../tickets/ticket.repository.js'
import type { AppEnv } from '../http/context.js'
import { AppError, notFound, parseOr422, readFormBody } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { errorResponses, jsonResponse } from '../openapi/openapi.registry.js'
import { IdempotencyKey, ReportInput } from '../reports/report.schema.js'
import { httpIntakeOptions, intakeReport, scopedIdempotencyKey } from '../reports/report.service.js'
import { statusLinkPath } from '../status/status.service.js'
import { findPhoto, photosOf } from './photo.repository.js'
import { attachPhotos, checkPhotos, type PhotoFile } from './photo.service.js'
import { photoStore } from './photo.store.js'
import { displayKey, photoView, thumbKey } from './photo.view.js'

const MAX_FILES = 5
const IdParam = z.object({ id: z.uuid('id must be a UUID') })
const UpdateRef = z.object({ update_ref: z.string().trim().min(1).max(200).optional() })
/** The report part of a multipart intake: the JSON intake body, except that the location may come from a photo. */
export const ReportWithPhotosInput = ReportInput.extend({ location: ReportInput.shape.location.optional() })

/** Who may add photos to an incident (a ticket): the people working on it. */
const canAttachToIncident = (p: Principal) => ['admin', 'operator', 'agency_staff', 'field_officer'].includes(p.role)

/**
 * Photos added to a report after intake: by the staff working on it (agencies within their
 * scope), or by whoever holds the report's capability token from the intake answer. A channel
 * that keeps its own session with the reporter (WhatsApp) attaches through the service instead.
 */
async function mayAddReportPhotos(c: Context<AppEnv>, reportId: string, token: string | undefined) {
  const p = c.var.principal
  const db = c.var.deps.db.db
  if (canAttachToIncident(p) && (await reportInScope(db, reportId, ticketScope(p)))) return
  if (token === undefined || token === '') {
    throw new AppError(401, 'photo_token_required', `Adding photos to a report needs the photo_token of its intake answer (header ${PHOTO_TOKEN_HEADER} or field photo_token), or staff sign-in`)
  }
  if (token.length > 200 || !(await photoTokenMatches(db, reportId, token))) throw new AppError(403, 'forbidden', 'This photo_token is not the one issued for this report')
}

const Photos = z.object({ photos: z.array(z.object({ id: z.uuid(), url: z.string(), thumb_url: z.string(), width: z.number(), height: z.number() }).loose()) })
const multipart = (fields: Record<string, z.ZodType>) => ({
  required: true,
  content: { 'multipart/form-data': { schema: z.object({ photo: z.array(z.string().meta({ format: 'binary' })).max(MAX_FILES), ...fields }) } },
})
const photoErrors = {
  ...errorResponses,
  '413': { description: 'A file is larger than SIGAP_PHOTO_MAX_BYTES' },
  '415': { description: 'A file is not a JPEG, PNG or WebP image (checked by content, not by name)' },
}
defineRoute({
  method: 'post',
  path: '/api/reports/with-photos',
  tags: ['photos', 'reports'],
  summary: 'Take in a report with photos in one multipart request; the first photo GPS position is the location when none is given',
  requestBody: multipart({ report: z.string().meta({ description: 'The report as JSON: POST /api/reports body, location optional' }) }),
  responses: { '201': { description: 'Stored, with `photos` and `location_source` (given | photo)' }, '200': { description: 'A retry' }, ...photoErrors },
})
const addToReport = defineRoute({
  method: 'post',
  path: '/api/reports/:id/photos',
  tags: ['photos'],
  names: { params: 'report id' },
  summary: 'Add photos to a report: staff (agencies within their scope) or the holder of the photo_token from the intake answer (header X-Photo-Token or field photo_token)',
  params: IdParam,
  requestBody: multipart({ photo_token: z.string().optional() }),
  responses: {
    '201': jsonResponse('Stored', Photos),
    '200': jsonResponse('All were already attached', Photos),
    '401': { description: 'No photo_token and not staff' },
    '403': { description: 'A photo_token that is not this report\'s' },
    ...photoErrors,
  },
})
const ofReport = defineRoute({ method: 'get', path: '/api/reports/:id/photos', tags: ['photos'], summary: 'Photos of a report', params: IdParam, names: { params: 'report id' }, responses: { '200': jsonResponse('OK', Photos) } })
const addToIncident = defineRoute({
  method: 'post',
  path: '/api/incidents/:id/photos',
  names: { params: 'incident id' },
  tags: ['photos', 'incidents'],
  summary: 'Add photos to an incident (ticket), optionally to one ticket update (update_ref); operators and agency staff',
  params: IdParam,
  requestBody: multipart({ update_ref: z.string().optional() }),
  responses: { '201': jsonResponse('Stored', Photos), '403': { description: 'Role may not add photos' }, ...photoErrors },
})
const ofIncident = defineRoute({
  method: 'get',
  path: '/api/incidents/:id/photos',
  names: { params: 'incident id' },
  tags: ['photos', 'incidents'],
  summary: "Photos of an incident and of its reports",
  params: IdParam,
  responses: { '200': jsonResponse('OK', Photos) },
})
const jpeg = { '200': { description: 'image/jpeg', content: { 'image/jpeg': { schema: z.string().meta({ format: 'binary' }) } } }, '404': { description: 'No such photo' }, ...errorResponses }
const display = defineRoute({ method: 'get', path: '/api/photos/:id', tags: ['photos'], summary: 'A photo (JPEG, at most 2048 px, no metadata)', params: IdParam, names: { params: 'photo id' }, responses: jpeg })
const thumb = defineRoute({ method: 'get', path: '/api/photos/:id/thumb', tags: ['photos'], summary: 'A 320 px square thumbnail (JPEG, no metadata)', params: IdParam, names: { params: 'photo id' }, responses: jpeg })

/**
 * Photo upload and download. Mounted before the API's JSON body limit: uploads have their
 * own, sized for SIGAP_PHOTO_MAX_BYTES per file.
 */
export function photoRoutes() {
  const app = new Hono<AppEnv>()
  app.post('/api/reports/with-photos', uploadLimit, async (c) => {
    const form = await readFormBody(c, { all: true })
    const raw = form.report
    if (typeof raw !== 'string') throw new AppError(422, 'validation_failed', 'Field "report" (the report as JSON) is required', [{ field: 'report', message: 'required' }])
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      throw new AppError(400, 'malformed_json', 'Field "report" is not valid JSON')
    }
    const input = parseOr422(ReportWithPhotosInput, json, 'report')
    const header = c.req.header('idempotency-key')
    const key = header === undefined ? null : scopedIdempotencyKey(c.var.principal.userId, input.channel, parseOr422(IdempotencyKey, header, 'Idempotency-Key header'))
    const processed = await checkPhotos(c.var.deps, await filesOf(form))
    const fromPhoto = processed.find((p) => p.exif)?.exif
    const location = input.location ?? (fromPhoto ? { ...fromPhoto } : undefined)
    if (!location) {
      throw new AppError(422, 'validation_failed', 'location is required: none was given and no photo carries a GPS position', [
        { field: 'location', message: 'required (no GPS position in the photos)' },
      ])
    }
    const result = await intakeReport(c.var.deps, { ...input, location }, key, httpIntakeOptions(c.var.principal))
    const photos = processed.length ? await attachPhotos(c.var.deps, { reportId: result.report.id }, processed, input.channel) : []
    return c.json(
      Object.assign(intakeAnswer(c.var.principal, result), {
        status_path: await statusLinkPath(c.var.deps.db.db, result.report.id),
        location_source: input.location ? ('given' as const) : ('photo' as const),
        photos,
      }),
      result.created ? 201 : 200,
    )
  })
  app.post('/api/reports/:id/photos', uploadLimit, async (c) => {
    const { id } = addToReport.params(c)
    const form = await readFormBody(c, { all: true })
    await mayAddReportPhotos(c, id, c.req.header(PHOTO_TOKEN_HEADER) ?? (typeof form.photo_token === 'string' ? form.photo_token : undefined))
    const files = await filesOf(form)
    if (files.length === 0) throw noFiles()
    const photos = await attachPhotos(c.var.deps, { reportId: id }, files, 'upload')
    return c.json({ photos }, photos.every((p) => p.duplicate) ? 200 : 201)
  })
  app.get('/api/reports/:id/photos', async (c) => {
    const { id } = ofReport.params(c)
    return c.json({ photos: (await photosOf(c.var.deps.db.db, { reportId: id })).map(photoView) })
  })
  app.post('/api/incidents/:id/photos', uploadLimit, async (c) => {
    if (!canAttachToIncident(c.var.principal)) throw new AppError(403, 'forbidden', 'Only operators and agency staff may add photos to an incident')
    const { id } = addToIncident.params(c)
    // Agency staff and field officers work on their own agency's tickets only.
    const ticket = await findTicket(c.var.deps.db.db, id)
    if (!ticket || !canSeeTicket(c.var.principal, ticket)) throw notFound(`Incident ${id}`)
    const form = await readFormBody(c, { all: true })
    const { update_ref } = parseOr422(UpdateRef, { update_ref: typeof form.update_ref === 'string' ? form.update_ref : undefined }, 'update_ref')
    const files = await filesOf(form)
    if (files.length === 0) throw noFiles()
    const photos = await attachPhotos(c.var.deps, { incidentId: id, ...(update_ref ? { updateRef: update_ref } : {}) }, files, c.var.principal.role)
    return c.json({ photos }, photos.every((p) => p.duplicate) ? 200 : 201)
  })
  app.get('/api/incidents/:id/photos', async (c) => {
    const { id } = ofIncident.params(c)
    // A ticket's photos are its details: for people whose scope holds the ticket (as GET /api/tickets/:id), not wall screens.
    const ticket = await findTicket(c.var.deps.db.db, id)
    if (!ticket || !canReadTicketDetail(c.var.principal) || !canSeeTicket(c.var.principal, ticket)) throw notFound(`Incident ${id}`)
    return c.json({ photos: (await photosOf(c.var.deps.db.db, { incidentId: id })).map(photoView) })
  })
  const serve = (variant: 'display' | 'thumb') => async (c: Context<AppEnv>) => {
    const { id } = (variant === 'display' ? display : thumb).params(c)
    const photo = await findPhoto(c.var.deps.db.db, id)
    const bytes = photo ? await photoStore(c.var.deps).get(variant === 'display' ? displayKey(id) : thumbKey(id)) : null
    if (!bytes) throw notFound(`Photo ${id}`)
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': 'image/jpeg',
      // A photo id always means the same bytes.
      'cache-control': 'private, max-age=86400, immutable',
      'x-content-type-options': 'nosniff',
    })
  }
  app.get('/api/photos/:id', serve('display'))
  app.get('/api/photos/:id/thumb', serve('thumb'))
  return app
}

const uploadLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const max = c.var.deps.config.SIGAP_PHOTO_MAX_BYTES * MAX_FILES + 256 * 1024
  return bodyLimit({
    maxSize: max,
    onError: () => {
      throw new AppError(413, 'body_too_large', `Upload is larger than ${max} bytes`)
    },
  })(c, next)
}

const noFiles = () => new AppError(422, 'validation_failed', 'No photo: send the files in multipart field "photo"', [{ field: 'photo', message: 'required' }])

async function filesOf(form: Record<string, unknown>): Promise<PhotoFile[]> {
  const v = form.photo ?? form['photo[]']
  const list = (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is File => x instanceof File)
  if (list.length > MAX_FILES) throw new AppError(422, 'too_many_photos', `At most ${MAX_FILES} photos per upload`)
  return Promise.all(list.map(async (f, i) => ({ name: f.name || `photo ${i + 1}`, bytes: Buffer.from(await f.arrayBuffer()) })))
}
