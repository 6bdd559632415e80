import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestApp, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'

// Read once, when the intake module loads: set before any import does.
vi.hoisted(() => {
  process.env.SIGAP_INCIDENT_RULES = '{"banjir":{"radius_m":300,"group":"air"},"drainase":{"group":"air"}}'
})

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
})
afterAll(() => t.close())

const post = (category: string, lat: number, lon: number) =>
  t.json('POST', '/api/reports', { channel: 'app', category, description: `Laporan ${category}`, location: { lat, lon } })

describe('incident matching by category group (SIGAP_INCIDENT_RULES)', () => {
  it('joins a report to an open incident of another category of its group, within its own radius', async () => {
    const flood = await post('banjir', -6.2, 106.845)
    expect(flood.body).toMatchObject({ incident_new: true })
    // A blocked drain 80 m away (drainase matches within 100 m): the same water problem.
    const drain = await post('drainase', -6.2 + 80 / 110_574, 106.845)
    expect(drain.status).toBe(201)
    expect(drain.body).toMatchObject({ incident_id: flood.body.incident_id, incident_new: false })
    // 200 m away a drain report is beyond its own radius, although a flood report there would join.
    const farDrain = await post('drainase', -6.2 - 200 / 110_574, 106.845)
    expect(farDrain.body.incident_id).not.toBe(flood.body.incident_id)
    // A flood report there (300 m) could join either: it joins the nearest, the drain's.
    const farFlood = await post('banjir', -6.2 - 200 / 110_574, 106.8451)
    expect(farFlood.body).toMatchObject({ incident_id: farDrain.body.incident_id, incident_new: false })
    // Rubbish at the same spot is another problem.
    const rubbish = await post('sampah', -6.2, 106.845)
    expect(rubbish.body.incident_new).toBe(true)
    expect(rubbish.body.incident_id).not.toBe(flood.body.incident_id)
  })
})
