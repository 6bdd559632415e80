import { z } from 'zod'
import { IncidentIdParam, IncidentListQuery, MergeBody, SplitBody } from '../incidents/incident.schema.js'
import { WindowQuery } from '../hotspots/hotspot.window.js'
import { IdempotencyKey, ReportInput, ReportListQuery } from '../reports/report.schema.js'
import { errorResponses, jsonBody, jsonResponse, openapi } from './openapi.registry.js'

/**
 * Entries for the routes written before the registry existed. New route modules register
 * their own next to the route (see openapi.registry.ts); move an entry there when its
 * module is next edited. Request schemas are the ones the routes validate with; response
 * schemas here describe the JSON the views build.
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

const geojson = (description: string) => ({ description, content: { 'application/geo+json': { schema: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) }) } } })
const ReportIdParam = z.object({ id: z.uuid() })
const CategoryQuery = z.object({ category: z.string().trim().min(1).max(64).optional() })

openapi.add('get', '/api/health', {
  tags: ['system'],
  summary: 'Liveness: database kind and the latest event sequence number',
  responses: { '200': jsonResponse('OK', z.object({ ok: z.boolean(), db: z.enum(['pglite', 'postgres']), seq: z.number().int() })) },
})
openapi.add('get', '/api/config', {
  tags: ['system'],
  summary: 'What the screens need to start: basemap URL, demo mode',
  responses: { '200': jsonResponse('OK', z.object({ basemap_url: z.string().nullable(), demo: z.boolean() })) },
})
openapi.add('get', '/api/categories', {
  tags: ['categories'],
  summary: 'Active report categories',
  responses: {
    '200': jsonResponse(
      'OK',
      z.object({ categories: z.array(z.object({ code: z.string(), name: z.string(), name_en: z.string(), group: z.string(), color: z.string() })) }),
    ),
  },
})
openapi.add('get', '/api/regions', {
  tags: ['regions'],
  summary: 'Administrative boundaries as GeoJSON, simplified for the zoom; ETag-cached',
  requestParams: {
    query: z.object({
      level: z.enum(['provinsi', 'kabupaten', 'kecamatan', 'kelurahan']).optional(),
      zoom: z.number().min(0).max(22).optional(),
      bbox: z.string().optional().meta({ description: 'west,south,east,north' }),
    }),
  },
  responses: { '200': geojson('Region outlines'), ...errorResponses },
})
openapi.add('get', '/api/map-features', {
  tags: ['regions'],
  summary: 'Roads, rivers and named landmarks drawn on the maps (the demo generates its own), as GeoJSON',
  requestParams: { query: z.object({ bbox: z.string().optional().meta({ description: 'west,south,east,north' }) }) },
  responses: { '200': geojson('Lines (kind road or river) and points (kind landmark) with kind, class and name'), ...errorResponses },
})
openapi.add('post', '/api/reports', {
  tags: ['reports'],
  summary: 'Take in a report (any channel); idempotent by channel + external_id or Idempotency-Key',
  requestParams: { header: z.object({ 'idempotency-key': IdempotencyKey.optional() }) },
  requestBody: jsonBody(ReportInput),
  responses: {
    '201': jsonResponse(
      'Stored; intake steps add location_check, incident_id...; photo_token (given once) lets the sender add photos later; status_path is the reporter\'s own status link (/status/NUMBER?k=TAG)',
      ReportView.extend({ duplicate: z.boolean(), status_path: z.string(), photo_token: z.string() }),
    ),
    '200': jsonResponse('A retry of a report already stored', ReportView.extend({ duplicate: z.boolean(), status_path: z.string() })),
    '503': { description: 'Too many reports waiting to be stored (SIGAP_INTAKE_MAX_WAITING): nothing stored; retry after `Retry-After` seconds' },
    ...errorResponses,
  },
})
openapi.add('get', '/api/reports', {
  tags: ['reports'],
  summary: 'Recent reports in the viewer\'s scope, newest first, a page at a time (default 1,000, at most 5,000; `next` is the following page or null), with the event sequence number to follow the socket from',
  requestParams: { query: ReportListQuery },
  responses: { '200': jsonResponse('OK', z.object({ seq: z.number().int(), reports: z.array(ReportView), next: z.string().nullable() })), ...errorResponses },
})
openapi.add('get', '/api/reports/:id', {
  tags: ['reports'],
  summary: 'One report',
  requestParams: { path: ReportIdParam },
  responses: { '200': jsonResponse('OK', ReportView), '404': { description: 'No such report' } },
})
openapi.add('get', '/api/incidents', {
  tags: ['incidents'],
  summary: 'Incidents as GeoJSON pins, with filters',
  requestParams: { query: IncidentListQuery },
  responses: { '200': geojson('Incident pins'), ...errorResponses },
})
openapi.add('get', '/api/incidents/:id', {
  tags: ['incidents'],
  summary: 'One incident with its reports',
  requestParams: { path: IncidentIdParam },
  responses: { '200': jsonResponse('OK', IncidentView.extend({ reports: z.array(ReportView) })), '404': { description: 'No such incident' } },
})
openapi.add('post', '/api/incidents/:id/merge', {
  tags: ['incidents'],
  summary: 'Merge the incident in the body into the one in the path',
  requestParams: { path: IncidentIdParam },
  requestBody: jsonBody(MergeBody),
  responses: { '200': { description: 'Merged' }, ...errorResponses },
})
openapi.add('post', '/api/incidents/:id/split', {
  tags: ['incidents'],
  summary: 'Move the listed reports out of the incident into a new one',
  requestParams: { path: IncidentIdParam },
  requestBody: jsonBody(SplitBody),
  responses: { '201': { description: 'Split' }, '200': { description: 'A retry of a split already made' }, ...errorResponses },
})
for (const [path, summary] of [
  ['/api/hotspots', 'Hotspots (clusters of incidents) for a time window, as GeoJSON'],
  ['/api/regions/ranking', 'Regions ranked by reports for a time window'],
  ['/api/density', 'Report density cells (H3) for a time window'],
] as const) {
  openapi.add('get', path, {
    tags: ['hotspots'],
    summary,
    requestParams: { query: (WindowQuery.in as z.ZodObject).extend(CategoryQuery.shape) },
    responses: { '200': { description: 'OK' }, ...errorResponses },
  })
}
