import { Hono, type Context } from 'hono'
import type { z } from 'zod'
import type { AppEnv } from '../http/context.js'
import { declaredBodyLimit } from '../http/body-limit.js'
import { AppError, inputErrorOf, readFormBody, zodIssues } from '../http/errors.js'
import { textIssues } from '../http/text.js'
import { channelMessages } from '../metrics/metrics.js'
import { apiKeyClient } from './open311.keys.js'
import { respond, splitExtension } from './open311.format.js'
import { listRequests } from './open311.repository.js'
import { Open311ListQuery, Open311RequestInput, RequestIdParam, ServiceCodeParam, type Format } from './open311.schema.js'
import { Open311Error, serviceDefinition, serviceNotice, submitRequest, toOpen311, toService } from './open311.service.js'
import './open311.openapi.js'

const DEFAULT_DAYS = 90
const MAX_RESULTS = 1000

const formatOf = (c: Context): Format => (c.req.path.endsWith('.xml') ? 'xml' : 'json')
const baseUrl = (c: Context) => new URL(c.req.url).origin

/** GeoReport v2 at /open311/v2: services, service definitions, service requests; JSON and XML. */
export function open311Routes() {
  const app = new Hono<AppEnv>()
  app.use('*', async (c, next) =>
    declaredBodyLimit(c.var.deps.config.SIGAP_MAX_BODY_BYTES, () => {
      throw new Open311Error(413, `Request body is larger than ${c.var.deps.config.SIGAP_MAX_BODY_BYTES} bytes`)
    })(c, next),
  )
  for (const f of ['json', 'xml'] as const) {
    app.get(`/discovery.${f}`, (c) => respond(c, f, 200, discovery(baseUrl(c), f), 'discovery'))
    app.get(`/services.${f}`, async (c) => {
      const cats = (await c.var.deps.categories.all()).filter((x) => x.active)
      return respond(c, f, 200, cats.map(toService), 'services')
    })
    app.get(`/requests.${f}`, async (c) => {
      const q = parse(Open311ListQuery, c.req.query())
      const to = q.end_date
      // The spec: without dates, the last 90 days.
      const from = q.start_date ?? new Date((to?.getTime() ?? Date.now()) - DEFAULT_DAYS * 86_400_000)
      const rows = await listRequests(c.var.deps.db.db, {
        ...(q.service_request_id?.length ? { ids: q.service_request_id } : {}),
        ...(q.service_code?.length ? { serviceCodes: q.service_code } : {}),
        from,
        ...(to ? { to } : {}),
        ...(q.status ? { status: q.status } : {}),
        limit: MAX_RESULTS,
      })
      return respond(c, f, 200, rows.map((r) => toOpen311(r, baseUrl(c))), 'requests')
    })
    app.post(`/requests.${f}`, async (c) => {
      const form = await readForm(c)
      // The key first, as the spec says: without a valid one, 403 whatever else was sent.
      const apiKey = typeof form.api_key === 'string' ? form.api_key.trim() : ''
      const client = apiKey ? await apiKeyClient(c.var.deps.db.db, c.var.deps.config, apiKey) : null
      if (!client) {
        channelMessages.inc({ channel: 'open311', outcome: 'rejected' })
        throw new Open311Error(403, apiKey ? 'Invalid api_key' : 'api_key is required')
      }
      const body = parse(Open311RequestInput, form)
      const key = c.req.header('idempotency-key')?.trim()
      const res = await submitRequest(c.var.deps, body, client, key || undefined)
      channelMessages.inc({ channel: 'open311', outcome: res.created ? 'created' : 'duplicate' })
      const answer = [{ service_request_id: res.report.id, service_notice: serviceNotice(res.report.id), account_id: body.account_id ?? null }]
      return respond(c, f, res.created ? 201 : 200, answer, 'requests')
    })
  }
  app.get('/services/:file', async (c) => {
    const [file, f] = fileParam(c.req.param('file'))
    const { service_code: code } = parse(ServiceCodeParam, { service_code: file })
    const cat = await c.var.deps.categories.get(code)
    if (!cat || !cat.active) throw new Open311Error(404, `service_code "${code}" not found`)
    return respond(c, f, 200, serviceDefinition(cat.code), 'service_definition')
  })
  app.get('/requests/:file', async (c) => {
    const [file, f] = fileParam(c.req.param('file'))
    const { service_request_id: id } = parse(RequestIdParam, { service_request_id: file })
    const rows = await listRequests(c.var.deps.db.db, { ids: [id], limit: 1 })
    if (rows.length === 0) throw new Open311Error(404, `service_request_id ${id} not found`)
    return respond(c, f, 200, rows.map((r) => toOpen311(r, baseUrl(c))), 'requests')
  })
  app.all('*', (c) => {
    throw new Open311Error(404, `No Open311 endpoint for ${c.req.method} ${c.req.path}`)
  })
  app.onError((err, c) => {
    const f = formatOf(c)
    if (err instanceof Open311Error) return respond(c, f, err.status, [{ code: err.status, description: err.message }], 'errors')
    if (err instanceof AppError) {
      // Intake's own checks (category, fields): same meaning, Open311's shape.
      const status = err.status === 422 ? 400 : err.status
      const res = respond(c, f, status, [{ code: status, description: err.message }], 'errors')
      for (const [k, v] of Object.entries(err.headers ?? {})) res.headers.set(k, v) // Retry-After on a busy intake
      return res
    }
    const input = inputErrorOf(err)
    if (input) return respond(c, f, 400, [{ code: 400, description: input.message }], 'errors')
    c.var.deps.log.error(`unhandled error on ${c.req.method} ${c.req.path}: ${err.message}`)
    return respond(c, f, 500, [{ code: 500, description: 'Internal server error' }], 'errors')
  })
  return app
}

function fileParam(file: string): [string, Format] {
  const parts = splitExtension(file)
  if (!parts) throw new Open311Error(404, `${file}: expected a .json or .xml path`)
  return parts
}

/** Validation failures are Open311 400s naming each field. */
function parse<T>(schema: z.ZodType<T>, input: Record<string, unknown>): T {
  const bad = textIssues(input)
  if (bad.length) throw new Open311Error(400, bad.map((i) => i.message).join('; '))
  // An empty optional parameter means the same as one left out (`service_code=`, `start_date=`).
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== ''))
  const r = schema.safeParse(given)
  if (!r.success) throw new Open311Error(400, zodIssues(r.error).map((i) => `${i.field}: ${i.message}`).join('; '))
  return r.data
}

/**
 * The POST body as flat fields: form-encoded or multipart as the spec says, or JSON. The
 * spec's `attribute[code]=value` fields become one `attribute` record.
 */
async function readForm(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? ''
  let raw: Record<string, unknown>
  if (type.includes('application/json')) {
    try {
      raw = JSON.parse(await c.req.text()) as Record<string, unknown>
    } catch {
      throw new Open311Error(400, 'Request body is not valid JSON')
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Open311Error(400, 'Request body must be a JSON object')
  } else {
    raw = {}
    for (const [k, v] of Object.entries(await readFormBody(c))) if (typeof v === 'string') raw[k] = v
  }
  const out: Record<string, unknown> = {}
  const attribute: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) {
    const m = /^attribute\[(.+)\]$/.exec(k)
    if (m) attribute[m[1]!] = String(v)
    else if (k === 'attribute' && v && typeof v === 'object') for (const [ak, av] of Object.entries(v)) attribute[ak] = String(av)
    else out[k] = typeof v === 'number' ? String(v) : v
  }
  if (Object.keys(attribute).length) out.attribute = attribute
  return out
}

function discovery(base: string, f: Format) {
  const formats = ['application/json', 'text/xml']
  const endpoint = { specification: 'http://wiki.open311.org/GeoReport_v2', url: `${base}/open311/v2`, changeset: CHANGESET, type: 'production' }
  const head = { changeset: CHANGESET, contact: 'sigap command center', key_service: 'API keys are issued by the command center administrators' }
  // JSON lists are arrays; XML wraps each list in a parent element.
  return f === 'json'
    ? { ...head, endpoints: [{ ...endpoint, formats }] }
    : { ...head, endpoints: { endpoint: [{ ...endpoint, formats: { format: formats } }] } }
}

const CHANGESET = '2025-01-01T00:00:00+07:00'
