import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA, spotIn } from './helpers/tickets.js'

/**
 * Scoped roles see the same part of the incidents and reports as of the tickets and the live
 * stream: a region head their regions, agency staff and field officers their agency's; the
 * command room, leadership and the wall everything. Out of scope is "not found", as for tickets.
 */
let t: TestApp
type H = Record<string, string>
const who: Record<string, H> = {}
// Road damage in Alfa (PUPR), waste in Beta (DLH), and waste in Beta reported as in Alfa.
let alfaReport = ''
let alfaIncident = ''
let betaReport = ''
let betaIncident = ''
let claimsAlfa = ''
let claimsAlfaIncident = ''

async function report(region: typeof ALFA | typeof BETA, category: string, claimed_region?: string) {
  // The claimed report lies 700 m inside Beta: clearly a mismatch.
  const location = claimed_region ? { lat: -6.195, lon: 106.857 } : spotIn(region)
  const res = await t.json('POST', '/api/reports', reportInput({ category, location, ...(claimed_region ? { claimed_region } : {}) }))
  expect(res.status).toBe(201)
  if (claimed_region) expect(res.body.location_check).toMatchObject({ status: 'mismatch', detected_region: { code: BETA } })
  return { id: res.body.id as string, incident: res.body.incident_id as string }
}

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  who.admin = (await signIn(t, 'admin')).headers
  who.operator = (await signIn(t, 'operator')).headers
  who.leadership = (await signIn(t, 'leadership')).headers
  who.display = {}
  who.headAlfa = (await signIn(t, 'region_head', { regionCodes: [ALFA] })).headers
  who.headBeta = (await signIn(t, 'region_head', { regionCodes: [BETA] })).headers
  who.camat = (await signIn(t, 'region_head', { regionCodes: ['31.71.01'] })).headers
  who.puprStaff = (await signIn(t, 'agency_staff', { agencyCode: 'pupr' })).headers
  who.dlhField = (await signIn(t, 'field_officer', { agencyCode: 'dlh' })).headers
  ;({ id: alfaReport, incident: alfaIncident } = await report(ALFA, 'jalan_rusak'))
  ;({ id: betaReport, incident: betaIncident } = await report(BETA, 'sampah'))
  ;({ id: claimsAlfa, incident: claimsAlfaIncident } = await report(BETA, 'sampah', 'Alfa'))
})
afterAll(() => t.close())

const incidentIds = async (h: H) => {
  const res = await t.json('GET', '/api/incidents', undefined, h)
  expect(res.status).toBe(200)
  return (res.body.features as { id: string }[]).map((f) => f.id).sort()
}
const reportIds = async (h: H) => {
  const res = await t.json('GET', '/api/reports', undefined, h)
  expect(res.status).toBe(200)
  return (res.body.reports as { id: string }[]).map((r) => r.id).sort()
}
const status = async (path: string, h: H) => (await t.json('GET', path, undefined, h)).status

describe('incidents and reports by role', () => {
  it('the command room, leadership and the wall see every incident and report', async () => {
    for (const h of [who.admin!, who.operator!, who.leadership!, who.display!]) {
      expect(await incidentIds(h)).toEqual([alfaIncident, betaIncident, claimsAlfaIncident].sort())
      expect(await reportIds(h)).toEqual([alfaReport, betaReport, claimsAlfa].sort())
      expect(await status(`/api/incidents/${betaIncident}`, h)).toBe(200)
      expect(await status(`/api/reports/${betaReport}`, h)).toBe(200)
    }
  })

  it('a region head sees their region, and the reports that claim it or lie in it', async () => {
    const h = who.headAlfa!
    // A mismatched report stays with the claimed region (Alfa) until its dispute is settled...
    expect(await incidentIds(h)).toEqual([alfaIncident, claimsAlfaIncident].sort())
    expect(await reportIds(h)).toEqual([alfaReport, claimsAlfa].sort())
    // ...and concerns the head of the region it lies in (Beta) too.
    expect(await incidentIds(who.headBeta!)).toEqual([betaIncident])
    expect(await reportIds(who.headBeta!)).toEqual([betaReport, claimsAlfa].sort())
    expect(await status(`/api/reports/${claimsAlfa}`, who.headBeta!)).toBe(200)
    expect(await status(`/api/incidents/${claimsAlfaIncident}`, who.headBeta!)).toBe(404)
    expect(await status(`/api/incidents/${alfaIncident}`, h)).toBe(200)
    expect(await status(`/api/incidents/${betaIncident}`, h)).toBe(404)
    expect(await status(`/api/reports/${alfaReport}`, h)).toBe(200)
    expect(await status(`/api/reports/${claimsAlfa}`, h)).toBe(200)
    expect(await status(`/api/reports/${betaReport}`, h)).toBe(404)
    // A filter cannot widen the scope.
    const beta = await t.json('GET', `/api/incidents?region=${BETA}`, undefined, h)
    expect(beta.body.features).toEqual([])
  })

  it('a kecamatan head sees every kelurahan under it', async () => {
    expect(await incidentIds(who.camat!)).toEqual([alfaIncident, betaIncident, claimsAlfaIncident].sort())
    expect(await reportIds(who.camat!)).toEqual([alfaReport, betaReport, claimsAlfa].sort())
  })

  it("agency staff and field officers see their agency's incidents and their reports", async () => {
    expect(await incidentIds(who.puprStaff!)).toEqual([alfaIncident])
    expect(await reportIds(who.puprStaff!)).toEqual([alfaReport])
    expect(await status(`/api/incidents/${betaIncident}`, who.puprStaff!)).toBe(404)
    expect(await status(`/api/reports/${betaReport}`, who.puprStaff!)).toBe(404)
    expect(await incidentIds(who.dlhField!)).toEqual([betaIncident, claimsAlfaIncident].sort())
    expect(await reportIds(who.dlhField!)).toEqual([betaReport, claimsAlfa].sort())
    expect(await status(`/api/incidents/${alfaIncident}`, who.dlhField!)).toBe(404)
    expect(await status(`/api/reports/${betaReport}`, who.dlhField!)).toBe(200)
  })

  it('follows a re-route: the new agency sees the incident, the old one no longer', async () => {
    const r = await t.json('POST', `/api/tickets/${betaIncident}/route`, { agency_code: 'pupr', reason: 'Sampah menyumbat gorong-gorong' }, who.operator)
    expect(r.status).toBe(200)
    expect(await incidentIds(who.puprStaff!)).toEqual([alfaIncident, betaIncident].sort())
    expect(await reportIds(who.puprStaff!)).toEqual([alfaReport, betaReport].sort())
    expect(await status(`/api/incidents/${betaIncident}`, who.dlhField!)).toBe(404)
    expect(await status(`/api/reports/${betaReport}`, who.dlhField!)).toBe(404)
  })
})
