import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../server/auth/principal.js'
import { flagOverdueDisputes } from '../server/disputes/dispute.service.js'
import { createTestApp, testConfig, type TestApp } from './helpers/app.js'
import { across, CEMPAKA_PUTIH_BARAT, importTestBoundaries, inside, KEMAYORAN, PASEBAN, RAWASARI, type Pt } from './helpers/boundaries.js'
import { reportInput } from './helpers/factories.js'
import { HAVE_SHARED } from './helpers/shared-data.js'

let t: TestApp

/** Test seam: the principal comes in a header (sign-in is another issue's). */
const as = (p: Principal) => ({ 'x-test-principal': JSON.stringify(p) })
const ADMIN = as({ role: 'admin' })
const OPERATOR = as({ role: 'operator' })
const HEAD_RAWASARI = as({ role: 'region_head', regionCodes: [RAWASARI] })
const HEAD_PASEBAN = as({ role: 'region_head', regionCodes: [PASEBAN] })
const CAMAT_SENEN = as({ role: 'region_head', regionCodes: ['31.71.04'] }) // kecamatan Senen covers Paseban
const HEAD_KEMAYORAN = as({ role: 'region_head', regionCodes: [KEMAYORAN] })
const DISPLAY = {}

const count = async (table: 'events' | 'dispute_actions' | 'location_disputes') =>
  Number((await t.db.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

let inPaseban: Pt

/** A report pinned well inside Paseban but tagged "Rawasari": a mismatch, and its dispute. */
async function mismatch(extra: Partial<Parameters<typeof reportInput>[0]> = {}) {
  const res = await t.json('POST', '/api/reports', reportInput({ location: inPaseban, claimed_region: 'Kel. Rawasari', ...extra }))
  expect(res.status).toBe(201)
  expect(res.body.location_check.status).toBe('mismatch')
  return { report: res.body, disputeId: res.body.location_check.dispute_id as string }
}

describe.skipIf(!HAVE_SHARED)('location disputes', () => {
  beforeAll(async () => {
    t = await createTestApp({
      authenticate: async (h) => {
        const raw = h.get('x-test-principal')
        return raw ? (JSON.parse(raw) as Principal) : null
      },
    })
    await importTestBoundaries(t.db.db)
    inPaseban = await across(t.db.db, RAWASARI, PASEBAN, 250, 400)
    // Routing by kecamatan, so that moving a report between them changes the agency.
    await t.db.db
      .insertInto('routing_rules')
      .values([
        { category_code: 'jalan_rusak', region_code: '31.71.05', agency_code: 'kecamatan' },
        { category_code: 'jalan_rusak', region_code: '31.71.04', agency_code: 'pupr' },
      ])
      .execute()
  })
  afterAll(() => t?.close())

  it('opens a dispute with the mismatch, in the intake transaction, with its event and history', async () => {
    const { report, disputeId } = await mismatch()
    const ev = await t.db.db.selectFrom('events').select(['type', 'data']).where('type', '=', 'dispute.opened').orderBy('seq', 'desc').executeTakeFirstOrThrow()
    expect(ev.data).toMatchObject({ cause: 'intake', dispute: { id: disputeId, report_id: report.id, state: 'open', claimed_region: { code: RAWASARI }, detected_region: { code: PASEBAN } } })
    const got = await t.json('GET', `/api/disputes/${disputeId}`, undefined, ADMIN)
    expect(got.status).toBe(200)
    expect(got.body).toMatchObject({ state: 'open', overdue: false, claim_text: 'Kel. Rawasari', report: { id: report.id }, can: { propose: true, decide: true } })
    expect(got.body.history).toMatchObject([{ action: 'opened', by: { role: 'system' } }])
    // What the map needs: the point, both outlines and the line from the claimed region to the point.
    expect(got.body.geometry.point).toEqual({ type: 'Point', coordinates: [inPaseban.lon, inPaseban.lat] })
    expect(got.body.geometry.claimed_region.type).toBe('MultiPolygon')
    expect(got.body.geometry.detected_region.type).toBe('MultiPolygon')
    expect(got.body.geometry.line_to_point.type).toBe('LineString')
    expect(got.body.geometry.line_to_point.coordinates.at(-1)).toEqual([expect.closeTo(inPaseban.lon, 6), expect.closeTo(inPaseban.lat, 6)])
    expect(got.body.evidence).toMatchObject({ claim_text: 'Kel. Rawasari', tolerance_m: 30, photos: [] })
    expect(got.body.evidence.distance_m).toBeGreaterThan(250)
  })

  it('opens no dispute for a match or a near-boundary report', async () => {
    const before = await count('location_disputes')
    await t.json('POST', '/api/reports', reportInput({ location: await inside(t.db.db, RAWASARI), claimed_region: 'Rawasari' }))
    await t.json('POST', '/api/reports', reportInput({ location: await across(t.db.db, RAWASARI, CEMPAKA_PUTIH_BARAT, 5, 10), claimed_region: 'Rawasari' }))
    expect(await count('location_disputes')).toBe(before)
  })

  it('shows a head only the disputes of their regions: list, single dispute, kecamatan scope', async () => {
    const { disputeId } = await mismatch()
    const ids = async (h: Record<string, string>, q = '') => ((await t.json('GET', `/api/disputes${q}`, undefined, h)).body.disputes as { id: string }[]).map((d) => d.id)
    expect(await ids(HEAD_RAWASARI)).toContain(disputeId)
    expect(await ids(HEAD_PASEBAN)).toContain(disputeId)
    expect(await ids(CAMAT_SENEN)).toContain(disputeId)
    expect(await ids(ADMIN)).toContain(disputeId)
    expect(await ids(HEAD_KEMAYORAN)).toEqual([])
    expect(await ids(as({ role: 'region_head', regionCodes: [] }))).toEqual([])
    const hidden = await t.json('GET', `/api/disputes/${disputeId}`, undefined, HEAD_KEMAYORAN)
    expect(hidden.status).toBe(404)
    // Filters: region, state, overdue.
    expect(await ids(ADMIN, `?region=${KEMAYORAN}`)).toEqual([])
    expect(await ids(ADMIN, '?region=31.71.04')).toContain(disputeId)
    expect(await ids(ADMIN, '?state=kept')).not.toContain(disputeId)
    expect(await ids(ADMIN, '?state=active&overdue=false')).toContain(disputeId)
    expect(await ids(ADMIN, '?overdue=true')).not.toContain(disputeId)
    expect((await t.json('GET', '/api/disputes?state=nonsense', undefined, ADMIN)).status).toBe(422)
  })

  it('keeps an unrelated head from acting, and tells heads who may decide', async () => {
    const { disputeId } = await mismatch()
    const step = { decision: 'move', reason: 'Lokasi foto di Paseban' }
    expect((await t.json('POST', `/api/disputes/${disputeId}/propose`, step, HEAD_KEMAYORAN)).status).toBe(404)
    expect((await t.json('POST', `/api/disputes/${disputeId}/decide`, step, HEAD_KEMAYORAN)).status).toBe(404)
    expect((await t.json('POST', `/api/disputes/${disputeId}/propose`, step, DISPLAY)).status).toBe(403)
    // The claimed region's head proposes but does not decide a move into the other kelurahan.
    expect((await t.json('POST', `/api/disputes/${disputeId}/decide`, step, HEAD_RAWASARI)).status).toBe(403)
    expect((await t.json('GET', `/api/disputes/${disputeId}`, undefined, HEAD_RAWASARI)).body.can).toEqual({ propose: true, decide: false })
    expect((await t.json('GET', `/api/disputes/${disputeId}`, undefined, CAMAT_SENEN)).body.can).toEqual({ propose: true, decide: true })
  })

  it('rejects a step without a reason and changes nothing', async () => {
    const { disputeId } = await mismatch()
    const before = [await count('events'), await count('dispute_actions')]
    for (const body of [{ decision: 'keep' }, { decision: 'keep', reason: ' ' }, { decision: 'teleport', reason: 'ya' }, { decision: 'move', reason: 'pindah', corrected_location: { lat: -6.19, lon: 106.86 } }]) {
      const res = await t.json('POST', `/api/disputes/${disputeId}/decide`, body, OPERATOR)
      expect(res.status, JSON.stringify(body)).toBe(422)
    }
    expect([await count('events'), await count('dispute_actions')]).toEqual(before)
    expect((await t.json('GET', `/api/disputes/${disputeId}`, undefined, ADMIN)).body.state).toBe('open')
  })

  it('moves the report, its incident and its ticket to the detected region on a proposal and a decision', async () => {
    // A place of its own: the other tests' reports at inPaseban share one incident.
    const { report, disputeId } = await mismatch({ location: await across(t.db.db, RAWASARI, PASEBAN, 500, 700) })
    const ticketBefore = await t.db.db.selectFrom('incidents').select(['region_code', 'agency_code']).where('id', '=', report.incident_id).executeTakeFirstOrThrow()
    expect(ticketBefore).toEqual({ region_code: RAWASARI, agency_code: 'kecamatan' })

    const proposed = await t.json('POST', `/api/disputes/${disputeId}/propose`, { decision: 'move', reason: 'Jalan ini masuk wilayah Paseban' }, HEAD_RAWASARI)
    expect(proposed.status).toBe(200)
    expect(proposed.body).toMatchObject({ state: 'proposed', changed: true, proposal: { decision: 'move', side: 'claimed', by: { role: 'region_head' } } })
    const again = await t.json('POST', `/api/disputes/${disputeId}/propose`, { decision: 'move', reason: 'Jalan ini masuk wilayah Paseban' }, HEAD_RAWASARI)
    expect(again.body.changed).toBe(false)

    const decided = await t.json('POST', `/api/disputes/${disputeId}/decide`, { decision: 'move', reason: 'Setuju, kami tangani' }, HEAD_PASEBAN)
    expect(decided.status).toBe(200)
    expect(decided.body).toMatchObject({ state: 'moved', decision: { decision: 'move', reason: 'Setuju, kami tangani', by: { role: 'region_head' } } })

    const stored = await t.json('GET', `/api/reports/${report.id}`, undefined, ADMIN)
    expect(stored.body.region.code).toBe(PASEBAN)
    const ticketAfter = await t.db.db.selectFrom('incidents').select(['region_code', 'agency_code']).where('id', '=', report.incident_id).executeTakeFirstOrThrow()
    expect(ticketAfter).toEqual({ region_code: PASEBAN, agency_code: 'pupr' })
    const types = (await t.db.db.selectFrom('events').select('type').orderBy('seq', 'desc').limit(4).execute()).map((e) => e.type)
    expect(types).toEqual(expect.arrayContaining(['dispute.decided', 'incident.updated', 'ticket.routed']))

    const history = (await t.json('GET', `/api/disputes/${disputeId}`, undefined, ADMIN)).body.history
    expect(history.map((h: { action: string }) => h.action)).toEqual(['opened', 'proposed', 'decided'])
    expect(history[2]).toMatchObject({ decision: 'move', reason: 'Setuju, kami tangani', by: { role: 'region_head' }, data: { side: 'detected' } })

    // A retried decision changes nothing; a different one is refused.
    const events = await count('events')
    const retry = await t.json('POST', `/api/disputes/${disputeId}/decide`, { decision: 'move', reason: 'Setuju, kami tangani' }, HEAD_PASEBAN)
    expect(retry.body.changed).toBe(false)
    expect(await count('events')).toBe(events)
    expect((await t.json('POST', `/api/disputes/${disputeId}/decide`, { decision: 'keep', reason: 'berubah pikiran' }, OPERATOR)).status).toBe(409)
  })

  it('keeps a report where it was claimed, with a corrected pin inside the claimed region', async () => {
    const { report, disputeId } = await mismatch()
    const outside = await t.json('POST', `/api/disputes/${disputeId}/decide`, { decision: 'keep', reason: 'Titik salah', corrected_location: await inside(t.db.db, KEMAYORAN) }, OPERATOR)
    expect(outside.status).toBe(422)
    const fixed = await inside(t.db.db, RAWASARI)
    const kept = await t.json('POST', `/api/disputes/${disputeId}/decide`, { decision: 'keep', reason: 'Pelapor salah menaruh titik', corrected_location: fixed }, OPERATOR)
    expect(kept.status).toBe(200)
    expect(kept.body).toMatchObject({ state: 'kept', decision: { decision: 'keep', corrected_location: { lat: expect.closeTo(fixed.lat, 6), lon: expect.closeTo(fixed.lon, 6) } } })
    // The dispute keeps the point it was opened on; the report has the corrected one.
    expect(kept.body.location).toEqual({ lat: expect.closeTo(inPaseban.lat, 6), lon: expect.closeTo(inPaseban.lon, 6) })
    const stored = (await t.json('GET', `/api/reports/${report.id}`, undefined, ADMIN)).body
    expect(stored.location).toMatchObject({ lat: expect.closeTo(fixed.lat, 6), lon: expect.closeTo(fixed.lon, 6) })
    expect(stored.region.code).toBe(RAWASARI)
    expect(stored.location_check.status).toBe('match')
  })

  it('returns a report to the reporter for clarification', async () => {
    const { disputeId } = await mismatch()
    const res = await t.json('POST', `/api/disputes/${disputeId}/decide`, { decision: 'return', reason: 'Mohon kirim alamat lengkap' }, OPERATOR)
    expect(res.body).toMatchObject({ state: 'returned', decision: { decision: 'return', reason: 'Mohon kirim alamat lengkap', by: { role: 'operator' } } })
    expect((await t.json('POST', `/api/disputes/${disputeId}/propose`, { decision: 'move', reason: 'terlambat' }, HEAD_PASEBAN)).status).toBe(409)
  })

  it('flags an undecided dispute overdue on read and pushes dispute.overdue once', async () => {
    const { disputeId } = await mismatch()
    const hours = t.deps.config.SIGAP_DISPUTE_OVERDUE_HOURS
    // As if it had been opened longer ago than the allowed time.
    await t.db.db.updateTable('location_disputes').set({ opened_at: new Date(Date.now() - (hours + 1) * 3_600_000) }).where('id', '=', disputeId).execute()
    const listed = (await t.json('GET', '/api/disputes?overdue=true', undefined, HEAD_PASEBAN)).body.disputes as { id: string; overdue: boolean }[]
    expect(listed.map((d) => d.id)).toEqual([disputeId])
    expect(listed[0]!.overdue).toBe(true)
    expect((await t.json('GET', '/api/disputes?min_age_hours=' + hours, undefined, ADMIN)).body.disputes.map((d: { id: string }) => d.id)).toEqual([disputeId])

    expect(await flagOverdueDisputes(t.deps)).toBe(1)
    expect(await flagOverdueDisputes(t.deps)).toBe(0)
    const ev = await t.db.db.selectFrom('events').select('data').where('type', '=', 'dispute.overdue').execute()
    expect(ev.map((e) => (e.data as { dispute: { id: string; overdue: boolean } }).dispute)).toMatchObject([{ id: disputeId, overdue: true }])
    const history = (await t.json('GET', `/api/disputes/${disputeId}`, undefined, ADMIN)).body.history
    expect(history.map((h: { action: string }) => h.action)).toEqual(['opened', 'overdue'])
    // Once decided it is no longer overdue.
    await t.json('POST', `/api/disputes/${disputeId}/decide`, { decision: 'return', reason: 'Mohon konfirmasi lokasi' }, OPERATOR)
    expect((await t.json('GET', `/api/disputes/${disputeId}`, undefined, ADMIN)).body.overdue).toBe(false)
  })

  it('counts overdue from SIGAP_DISPUTE_OVERDUE_HOURS', async () => {
    const { disputeId } = await mismatch()
    await t.db.db.updateTable('location_disputes').set({ opened_at: new Date(Date.now() - 3 * 3_600_000) }).where('id', '=', disputeId).execute()
    // The same database seen by a server configured for 2 hours instead of the default 72.
    const short = await createTestApp({ db: t.db, config: testConfig({ SIGAP_DISPUTE_OVERDUE_HOURS: '2' }), authenticate: t.deps.authenticate })
    try {
      const overdueIds = async (app: TestApp) =>
        ((await app.json('GET', '/api/disputes?overdue=true', undefined, ADMIN)).body.disputes as { id: string }[]).map((d) => d.id)
      expect(t.deps.config.SIGAP_DISPUTE_OVERDUE_HOURS).toBe(72)
      expect((await t.json('GET', `/api/disputes/${disputeId}`, undefined, ADMIN)).body.overdue).toBe(false)
      expect(await overdueIds(t)).not.toContain(disputeId)
      expect((await short.json('GET', `/api/disputes/${disputeId}`, undefined, ADMIN)).body.overdue).toBe(true)
      expect(await overdueIds(short)).toContain(disputeId)
    } finally {
      await short.close()
      await t.json('POST', `/api/disputes/${disputeId}/decide`, { decision: 'return', reason: 'Mohon konfirmasi lokasi' }, OPERATOR)
    }
    expect(() => testConfig({ SIGAP_DISPUTE_OVERDUE_HOURS: '0' })).toThrow(/SIGAP_DISPUTE_OVERDUE_HOURS/)
  })
})
