import { stringify } from 'csv-stringify/sync'
import { Hono, type Context } from 'hono'
import { sql } from 'kysely'
import { canSeeReporterContact, ticketScope } from '../auth/principal.js'
import type { AppEnv } from '../http/context.js'
import { defineRoute } from '../http/route.js'
import { incidentFilterOf, listIncidents } from '../incidents/incident.repository.js'
import { IncidentListQuery } from '../incidents/incident.schema.js'
import { incidentView } from '../incidents/incident.view.js'
import { errorResponses } from '../openapi/openapi.registry.js'
import { selectReportsFor } from '../reports/report.repository.js'
import { reportView, type ReportView } from '../reports/report.view.js'
import { ReportExportQuery } from './export.schema.js'

type Format = 'geojson' | 'csv'

const describe = (what: string, f: Format) =>
  f === 'geojson' ? { description: `${what} as a GeoJSON FeatureCollection of points` } : { description: `${what} as CSV (UTF-8 with BOM)` }
const tags = ['open data']
const routesOf = (f: Format) => ({
  incidents: defineRoute({
    method: 'get',
    path: `/api/export/incidents.${f}`,
    tags,
    summary: `Incidents with filters, ${f === 'csv' ? 'CSV' : 'GeoJSON'}`,
    query: IncidentListQuery,
    responses: { '200': describe('Incidents', f), ...errorResponses },
  }),
  reports: defineRoute({
    method: 'get',
    path: `/api/export/reports.${f}`,
    tags,
    summary: `Reports with filters, ${f === 'csv' ? 'CSV' : 'GeoJSON'}; reporters only for roles allowed to see them`,
    query: ReportExportQuery,
    responses: { '200': describe('Reports', f), ...errorResponses },
  }),
})
const ROUTES = { geojson: routesOf('geojson'), csv: routesOf('csv') }

/**
 * Open data: incidents and reports as GeoJSON or CSV with filters. Reports come from
 * selectReportsFor and go through reportView, exactly as GET /api/reports: only the reports in
 * the viewer's scope, and a reporter only for roles allowed to see them (a private one only for
 * admin and operator).
 */
export function exportRoutes() {
  const app = new Hono<AppEnv>()
  for (const f of ['geojson', 'csv'] as const) {
    app.get(`/incidents.${f}`, async (c) => {
      const q = ROUTES[f].incidents.query(c)
      const rows = await listIncidents(c.var.deps.db.db, incidentFilterOf(q, ticketScope(c.var.principal)))
      const views = rows.map(incidentView)
      if (f === 'geojson') {
        return geojson(c, views.map(({ location, ...props }) => feature(props.id, location, props)))
      }
      const flat = views.map(({ location, region, channels, ...v }) => ({
        ...v,
        lat: location.lat,
        lon: location.lon,
        region_code: region?.code ?? '',
        region_name: region?.name ?? '',
        channels: channels.join(' '),
      }))
      return csvFile(c, 'incidents', flat, INCIDENT_COLUMNS)
    })
    app.get(`/reports.${f}`, async (c) => {
      const q = ROUTES[f].reports.query(c)
      // The same scope as GET /api/reports: a camat exports their kecamatan, an agency its own.
      let query = selectReportsFor(c.var.deps.db.db, c.var.principal)
      if (q.from) query = query.where('r.reported_at', '>=', new Date(q.from))
      if (q.to) query = query.where('r.reported_at', '<', new Date(q.to))
      if (q.category) query = query.where('r.category_code', 'in', q.category)
      if (q.channel) query = query.where('r.channel', 'in', q.channel)
      if (q.region) {
        const region = q.region
        query = query.where((eb) => eb.or([eb('r.region_code', '=', region), eb('r.region_code', 'like', `${region}.%`)]))
      }
      if (q.bbox) {
        const [w, s, e, n] = q.bbox
        query = query.where(sql<boolean>`r.location && ST_MakeEnvelope(${w}::float8, ${s}::float8, ${e}::float8, ${n}::float8, 4326)`)
      }
      const rows = await query.orderBy('r.reported_at', 'desc').orderBy('r.id').limit(q.limit).execute()
      const views = rows.map((r) => reportView(r, c.var.principal))
      if (f === 'geojson') return geojson(c, views.map(({ location, ...props }) => feature(props.id, location, props)))
      const p = c.var.principal
      // Reporter columns only for roles that may see some reporters; empty where this one is hidden.
      const withReporter = canSeeReporterContact(p)
      return csvFile(c, 'reports', views.map(flattenReport), withReporter ? [...REPORT_COLUMNS, ...REPORTER_COLUMNS] : REPORT_COLUMNS)
    })
  }
  return app
}

const INCIDENT_COLUMNS = ['id', 'category', 'status', 'lat', 'lon', 'region_code', 'region_name', 'report_count', 'channels', 'first_reported_at', 'last_reported_at', 'merged_into', 'split_from', 'created_at', 'updated_at']
const REPORT_COLUMNS = ['id', 'channel', 'external_id', 'category', 'description', 'lat', 'lon', 'accuracy_m', 'claimed_region', 'region_code', 'region_name', 'incident_id', 'reported_at', 'received_at']
const REPORTER_COLUMNS = ['reporter_name', 'reporter_phone', 'reporter_private']

function flattenReport(v: ReportView): Record<string, unknown> {
  const { location, region, reporter, ...rest } = v
  return {
    ...rest,
    lat: location.lat,
    lon: location.lon,
    accuracy_m: location.accuracy_m,
    region_code: region?.code ?? '',
    region_name: region?.name ?? '',
    reporter_name: reporter?.name ?? '',
    reporter_phone: reporter?.phone ?? '',
    reporter_private: reporter ? reporter.private : '',
  }
}

function feature(id: string, location: { lat: number; lon: number }, properties: object) {
  return { type: 'Feature' as const, id, geometry: { type: 'Point' as const, coordinates: [location.lon, location.lat] }, properties }
}

function geojson(c: Context, features: unknown[]) {
  c.header('Content-Type', 'application/geo+json; charset=utf-8')
  return c.body(JSON.stringify({ type: 'FeatureCollection', features }))
}

function csvFile(c: Context, name: string, rows: Record<string, unknown>[], columns: string[]) {
  const stamp = new Date().toISOString().slice(0, 10)
  // A BOM so that spreadsheet programs read the Indonesian text as UTF-8.
  const body = `\uFEFF${stringify(rows, { header: true, columns, cast: { boolean: (b) => (b ? 'true' : 'false'), date: (d) => d.toISOString() } })}`
  return c.body(body, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="sigap-${name}-${stamp}.csv"`,
  })
}
