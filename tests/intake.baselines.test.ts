import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { useIntakeMode, type IntakeMode } from '../bench/intake-modes.js'
import { intakeReport } from '../server/reports/report.service.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'

// The intakes that bench/incidents.bench.ts measures matching against (bench/intake-modes.ts):
// if one of them did less (or more) than it says, the benchmark's ratio would be against the
// wrong thing.

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
})
afterAll(() => t.close())
afterEach(() => useIntakeMode('matched'))

/** Two reports of one pothole, 10 m apart, stored the given way; their incidents and tickets. */
async function twoReportsOfOnePlace(mode: IntakeMode, lat: number) {
  useIntakeMode(mode)
  const ids: string[] = []
  for (const north of [0, 10]) {
    const r = await intakeReport(t.deps, reportInput({ category: 'jalan_rusak', location: { lat: lat + north / 110_574, lon: 106.845 } }), null)
    ids.push(r.report.id)
  }
  const rows = await t.db.db
    .selectFrom('reports as r')
    .leftJoin('incidents as i', 'i.id', 'r.incident_id')
    .select(['r.incident_id', 'i.report_count', 'i.routed_at'])
    .where('r.id', 'in', ids)
    .execute()
  const history = await t.db.db
    .selectFrom('ticket_events')
    .select(['incident_id', 'kind'])
    .where('incident_id', 'in', rows.flatMap((r) => (r.incident_id ? [r.incident_id] : [])).concat(['00000000-0000-0000-0000-000000000000']))
    .orderBy('id')
    .execute()
  return { rows, history }
}

describe('intake baselines for the matching benchmark', () => {
  it('matched (as shipped): two reports of one place make one incident', async () => {
    const { rows } = await twoReportsOfOnePlace('matched', -6.2)
    expect(new Set(rows.map((r) => r.incident_id)).size).toBe(1)
    expect(rows[0]!.report_count).toBe(2)
  })

  it('one_per_report: each report opens a routed incident of its own, with its ticket history', async () => {
    const { rows, history } = await twoReportsOfOnePlace('one_per_report', -6.201)
    expect(rows.every((r) => r.incident_id !== null && r.report_count === 1 && r.routed_at !== null)).toBe(true)
    expect(new Set(rows.map((r) => r.incident_id)).size).toBe(2)
    expect(history.map((h) => h.kind).sort()).toEqual(['opened', 'opened', 'routed', 'routed'])
  })

  it('none: the reports are stored without an incident', async () => {
    const { rows, history } = await twoReportsOfOnePlace('none', -6.202)
    expect(rows.map((r) => r.incident_id)).toEqual([null, null])
    expect(history).toEqual([])
  })
})
