import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { skmGrade, skmIndex } from '../server/ratings/skm.js'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, newTicket } from './helpers/tickets.js'

let t: TestApp
type H = Record<string, string>
let admin: H, operator: H, leadership: H, puprStaff: H, dinsosStaff: H, puprField: H

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  admin = (await signIn(t, 'admin')).headers
  operator = (await signIn(t, 'operator')).headers
  leadership = (await signIn(t, 'leadership')).headers
  puprStaff = (await signIn(t, 'agency_staff', { agencyCode: 'pupr' })).headers
  dinsosStaff = (await signIn(t, 'agency_staff', { agencyCode: 'dinsos' })).headers
  puprField = (await signIn(t, 'field_officer', { agencyCode: 'pupr' })).headers
})
afterAll(() => t.close())

const move = (id: string, body: Record<string, unknown>) => t.json('POST', `/api/tickets/${id}/transition`, body, operator)

async function resolvedTicket(): Promise<{ id: string; token: string; reportId: string }> {
  const id = await newTicket(t, ALFA) // jalan_rusak: PUPR
  await move(id, { to: 'dispatched' })
  await move(id, { to: 'resolved', note: 'Sudah diperbaiki' })
  const links = await t.json('GET', `/api/tickets/${id}/rating-links`, undefined, operator)
  expect(links.status).toBe(200)
  expect(links.body.links).toHaveLength(1)
  return { id, token: links.body.links[0].token, reportId: links.body.links[0].report_id }
}

describe('citizen ratings', () => {
  it('lets the reporter rate a resolved ticket 1-5 through their link, and change their mind', async () => {
    const { id, token } = await resolvedTicket()
    const page = await t.json('GET', `/api/ratings/${token}`)
    expect(page.status).toBe(200)
    expect(page.body).toMatchObject({ ticket_id: id, status: 'resolved', agency: { code: 'pupr' }, resolution_note: 'Sudah diperbaiki', can_rate: true, rating: null })
    const first = await t.json('POST', `/api/ratings/${token}`, { score: 5, comment: 'Cepat sekali, terima kasih' })
    expect(first.status).toBe(201)
    const again = await t.json('POST', `/api/ratings/${token}`, { score: 4 })
    expect(again.status).toBe(200)
    const rows = await t.db.db.selectFrom('ratings').selectAll().where('incident_id', '=', id).execute()
    expect(rows).toMatchObject([{ score: 4, via: 'link', agency_code: 'pupr' }])
    expect((await t.json('POST', `/api/ratings/${token}`, { score: 6 })).status).toBe(422)
    expect((await t.json('POST', '/api/ratings/not-a-real-token-at-all', { score: 3 })).status).toBe(404)
    // The live event carries the score, never the citizen's comment.
    const ev = await t.db.db.selectFrom('events').select('data').where('type', '=', 'ticket.rated').execute()
    expect(JSON.stringify(ev)).not.toContain('Cepat sekali')
  })

  it('refuses a rating while the ticket is open again', async () => {
    const { id, token } = await resolvedTicket()
    await move(id, { to: 'reopened', reason: 'Masih berlubang' })
    const r = await t.json('POST', `/api/ratings/${token}`, { score: 1 })
    expect(r.status).toBe(409)
    expect((await t.json('GET', `/api/ratings/${token}`)).body.can_rate).toBe(false)
  })

  it('takes a rating by phone from the command room, and rolls ratings up per agency', async () => {
    const { id, reportId } = await resolvedTicket()
    expect((await t.json('POST', `/api/tickets/${id}/ratings`, { report_id: reportId, score: 2 }, puprField)).status).toBe(403)
    const r = await t.json('POST', `/api/tickets/${id}/ratings`, { report_id: reportId, score: 2, comment: 'lambat' }, operator)
    expect(r.status).toBe(201)
    expect((await t.json('GET', `/api/tickets/${id}/rating-links`, undefined, puprStaff)).status).toBe(403)
    const stats = await t.json('GET', '/api/stats/ratings', undefined, leadership)
    // Ratings so far: 4 (link) and 2 (phone) for PUPR.
    expect(stats.body.agencies).toEqual([{ agency_code: 'pupr', ratings: 2, mean: 3, distribution: [0, 1, 0, 1, 0] }])
    const tk = await t.json('GET', `/api/tickets/${id}`, undefined, operator)
    expect(tk.body.history.at(-1)).toMatchObject({ kind: 'rated', data: { score: 2, via: 'api' } })
  })
})

describe('satisfaction survey (SKM)', () => {
  // A worked example: four respondents, ten elements scored 1-4.
  const RESPONSES = [
    [4, 4, 3, 4, 3, 3, 4, 4, 3, 3],
    [3, 3, 3, 4, 3, 3, 3, 3, 3, 3],
    [4, 3, 2, 4, 3, 4, 4, 3, 3, 2],
    [3, 3, 3, 4, 4, 3, 4, 3, 2, 3],
  ]
  // Element means (NRR): U1 14/4 = 3.5, U2 13/4 = 3.25, U3 11/4 = 2.75, U4 16/4 = 4, ... U10 11/4 = 2.75.
  // Each weighs 1/10: the weighted sum is 130/40 = 3.25; the index 3.25 x 25 = 81.25: grade B (76.61-88.30).
  const MEANS = [3.5, 3.25, 2.75, 4, 3.25, 3.25, 3.75, 3.25, 2.75, 2.75]

  it('computes the index and grade of the worked example', () => {
    expect(skmIndex(RESPONSES)).toEqual({ respondents: 4, element_means: MEANS, index: 81.25, grade: 'B', label: { id: 'Baik', en: 'Good' } })
  })

  it('grades on the official bounds', () => {
    expect([100, 88.31, 88.3, 76.61, 76.6, 65, 64.99, 25].map(skmGrade)).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D'])
    expect(skmIndex([Array(10).fill(4)]).index).toBe(100)
    expect(skmIndex([Array(10).fill(1)]).index).toBe(25)
  })

  it('takes responses from staff for their agency, and gives the result per agency and period with recommendations', async () => {
    for (const [i, scores] of RESPONSES.entries()) {
      const r = await t.json('POST', '/api/skm/responses', { agency_code: 'dinsos', scores, submitted_at: `2025-02-1${i}T10:00:00+07:00` }, i % 2 ? operator : dinsosStaff)
      expect(r.status).toBe(201)
    }
    // Outside the period: not counted.
    await t.json('POST', '/api/skm/responses', { agency_code: 'dinsos', scores: Array(10).fill(1), submitted_at: '2025-07-01T10:00:00+07:00' }, operator)
    expect((await t.json('POST', '/api/skm/responses', { agency_code: 'dinsos', scores: RESPONSES[0] }, puprStaff)).status).toBe(403)
    expect((await t.json('POST', '/api/skm/responses', { agency_code: 'dinsos', scores: RESPONSES[0] })).status).toBe(403)
    expect((await t.json('POST', '/api/skm/responses', { agency_code: 'dinsos', scores: [4, 4, 4] }, operator)).status).toBe(422)
    expect((await t.json('POST', '/api/skm/responses', { agency_code: 'dinsos', scores: [5, 4, 4, 4, 4, 4, 4, 4, 4, 4] }, operator)).status).toBe(422)

    expect((await t.json('POST', '/api/skm/recommendations', { agency_code: 'dinsos', period: '2025-S1', text: 'Percepat waktu penyelesaian' }, leadership)).status).toBe(403)
    const rec = await t.json('POST', '/api/skm/recommendations', { agency_code: 'dinsos', period: '2025-S1', text: 'Percepat waktu penyelesaian (U3)' }, admin)
    expect(rec.status).toBe(201)

    const res = await t.json('GET', '/api/skm?period=2025-S1&agency=dinsos', undefined, leadership)
    expect(res.status).toBe(200)
    expect(res.body.agencies).toHaveLength(1)
    expect(res.body.agencies[0]).toMatchObject({
      agency_code: 'dinsos', respondents: 4, element_means: MEANS, index: 81.25, grade: 'B',
      recommendations: [{ text: 'Percepat waktu penyelesaian (U3)', author_role: 'admin' }],
    })
    // Agency staff see their own agency's result only.
    const pupr = await t.json('GET', '/api/skm?period=2025-S1&agency=dinsos', undefined, puprStaff)
    expect(pupr.body.agencies).toEqual([])
  })

  it('takes one survey per rating link, about that ticket\'s agency', async () => {
    const { token } = await resolvedTicket()
    const first = await t.json('POST', '/api/skm/responses', { token, scores: Array(10).fill(3) })
    expect(first.status).toBe(201)
    expect(first.body.agency_code).toBe('pupr')
    const again = await t.json('POST', '/api/skm/responses', { token, scores: Array(10).fill(4) })
    expect(again.status).toBe(200)
    expect(again.body.duplicate).toBe(true)
    const rows = await t.db.db.selectFrom('skm_responses').select('scores').where('agency_code', '=', 'pupr').execute()
    expect(rows).toEqual([{ scores: Array(10).fill(3) }])
  })
})
