import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'
import { spotIn } from './helpers/tickets.js'

let t: TestApp
let leadership: Record<string, string>
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString()

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  leadership = (await signIn(t, 'leadership')).headers
  for (const d of [1, 2, 3]) expect((await t.json('POST', '/api/reports', reportInput({ location: spotIn('31.71.01.1001'), reported_at: daysAgo(d) }))).status).toBe(201)
})
afterAll(() => t.close())

describe('the review against a previous period', () => {
  it('says there is no previous period when the data does not reach back to it, instead of a rise from zero', async () => {
    const r = await t.json('GET', '/api/review/summary?period=week', undefined, leadership)
    expect(r.status).toBe(200)
    expect(r.body.totals).toMatchObject({ reports: 3, reports_previous: 0, previous_covered: false })
    const csv = await (await t.app.request('/api/review/report.csv?period=week', { headers: leadership })).text()
    expect(csv).toMatch(/summary,previous_period_has_data,false/)
  })

  it('compares once reports reach back to the start of the previous period', async () => {
    expect((await t.json('POST', '/api/reports', reportInput({ location: spotIn('31.71.01.1001'), reported_at: daysAgo(13.5) }))).status).toBe(201)
    const r = await t.json('GET', '/api/review/summary?period=week', undefined, leadership)
    expect(r.body.totals).toMatchObject({ reports: 3, reports_previous: 1, previous_covered: true })
  })
})
