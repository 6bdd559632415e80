import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trackWsClients } from '../server/metrics/metrics.js'
import { checkSla } from '../server/tickets/sla.checker.js'
import { createTestApp, testConfig, type TestApp } from './helpers/app.js'
import { reportInput } from './helpers/factories.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ config: testConfig({ SIGAP_METRICS_TOKEN: 'scrape-me' }) })
})
afterAll(() => t.close())

const scrape = async (token = 'scrape-me') => {
  const res = await t.app.request('/metrics', { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, text: await res.text() }
}
/** The value of one series line, e.g. `sigap_reports_created_total{channel="open311"}`. */
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('GET /metrics', () => {
  it('needs the bearer token when one is configured', async () => {
    expect((await scrape('wrong')).status).toBe(401)
    expect((await t.app.request('/metrics')).status).toBe(401)
  })

  it('exposes intake, WebSocket clients, event lag, SLA breaches and request latency', async () => {
    trackWsClients(() => 3)
    const before = value((await scrape()).text, 'sigap_reports_created_total{channel="call_center"}') ?? 0
    for (let i = 0; i < 2; i++) expect((await t.json('POST', '/api/reports', reportInput({ channel: 'call_center' }))).status).toBe(201)
    await t.json('GET', '/api/categories')
    // The counter follows the event log; wait until this process has read the two events.
    let text = ''
    for (let i = 0; i < 100; i++) {
      text = (await scrape()).text
      if (value(text, 'sigap_reports_created_total{channel="call_center"}') === before + 2) break
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(value(text, 'sigap_reports_created_total{channel="call_center"}')).toBe(before + 2)
    expect(value(text, 'sigap_ws_clients')).toBe(3)
    expect(value(text, 'sigap_event_lag_seconds_count')).toBeGreaterThanOrEqual(2)
    expect(value(text, 'sigap_http_request_duration_seconds_count{method="POST",route="/api/reports",status="201"}')).toBeGreaterThanOrEqual(2)
    // Route patterns, never raw ids, label the latency series.
    await t.json('GET', '/api/reports/00000000-0000-4000-8000-000000000000')
    text = (await scrape()).text
    expect(text).toContain('route="/api/reports/:id"')
    expect(text).not.toContain('00000000-0000-4000')
  })

  it('counts open tickets past their SLA, by agency and clock', async () => {
    const series = (agency: string, kind: string) => `sigap_sla_breaches{agency="${agency}",kind="${kind}"}`
    const before = value((await scrape()).text, series('pupr', 'resolution')) ?? 0
    // A road-damage ticket (PUPR), then a clock a year ahead: both its deadlines have passed.
    const res = await t.json('POST', '/api/reports', reportInput({ category: 'jalan_rusak' }))
    expect(res.status).toBe(201)
    const agency = (await t.db.db.selectFrom('incidents').select('agency_code').where('id', '=', res.body.incident_id).executeTakeFirstOrThrow()).agency_code
    expect(agency).toBe('pupr')
    await checkSla(t.deps, new Date(Date.now() + 365 * 86_400_000))
    const text = (await scrape()).text
    expect(value(text, series('pupr', 'resolution'))).toBeGreaterThanOrEqual(before + 1)
    expect(value(text, series('pupr', 'response'))).toBeGreaterThanOrEqual(1)
  })
})
