import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkSla } from '../server/tickets/sla.checker.js'
import { notifyStatusChanges } from '../server/whatsapp/whatsapp.service.js'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, newTicket } from './helpers/tickets.js'

/** Scope columns for an event built by hand (the notifier reads only type and data). */
const unscoped = { audience: 'place', region_codes: [] as string[], agency_codes: [] as string[] }

// The server side of the operator desk: what its actions rely on beyond the plain lifecycle.

let t: TestApp
type H = Record<string, string>
let operator: H, operator2: H, admin: H, leadership: H, puprStaff: H, puprField: H

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  operator = (await signIn(t, 'operator')).headers
  operator2 = (await signIn(t, 'operator')).headers
  admin = (await signIn(t, 'admin')).headers
  leadership = (await signIn(t, 'leadership')).headers
  puprStaff = (await signIn(t, 'agency_staff', { agencyCode: 'pupr' })).headers
  puprField = (await signIn(t, 'field_officer', { agencyCode: 'pupr' })).headers
})
afterAll(() => t.close())

const move = (id: string, body: Record<string, unknown>, who: H) => t.json('POST', `/api/tickets/${id}/transition`, body, who)
const road = () => newTicket(t, ALFA, { category: 'jalan_rusak' })

describe('two operators on one ticket', () => {
  it('refuses the second of two different moves made from the same state with 409, and keeps the first', async () => {
    const id = await road()
    expect((await move(id, { to: 'rejected', from: 'new', reason: 'laporan iseng', reject_code: 'prank' }, operator)).status).toBe(200)
    const late = await move(id, { to: 'dispatched', from: 'new', agency_code: 'pupr' }, operator2)
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('conflict')
    expect(late.body.error.message).toMatch(/rejected/)
    const now = await t.json('GET', `/api/tickets/${id}`, undefined, operator)
    expect(now.body.status).toBe('rejected')
  })

  it('refuses a forward made while the ticket went to another agency (from_agency), and changes nothing', async () => {
    const id = await road()
    expect((await t.json('POST', `/api/tickets/${id}/route`, { agency_code: 'pdam', reason: 'pipa bocor', from_agency: 'pupr' }, operator)).status).toBe(200)
    const late = await t.json('POST', `/api/tickets/${id}/route`, { agency_code: 'dishub', reason: 'rambu rusak', from_agency: 'pupr' }, operator2)
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('conflict')
    const now = await t.json('GET', `/api/tickets/${id}`, undefined, operator)
    expect(now.body.agency.code).toBe('pdam')
    expect(now.body.history.filter((h: { kind: string }) => h.kind === 'routed')).toHaveLength(2) // at intake, and the first forward
  })
})

describe('reject with a kind', () => {
  it('stores the kind with the reason, shows it in the detail and history, and counts it in the statistics', async () => {
    const ids = [await road(), await road(), await road()]
    expect((await move(ids[0]!, { to: 'rejected', reason: 'foto dari internet', reject_code: 'hoax' }, operator)).status).toBe(200)
    expect((await move(ids[1]!, { to: 'rejected', reason: 'sudah dilaporkan', reject_code: 'duplicate' }, admin)).status).toBe(200)
    expect((await move(ids[2]!, { to: 'rejected', reason: 'urusan pusat', reject_code: 'out_of_scope' }, operator)).status).toBe(200)
    const d = await t.json('GET', `/api/tickets/${ids[0]}`, undefined, operator)
    expect(d.body).toMatchObject({ status: 'rejected', reject_code: 'hoax', reject_reason: 'foto dari internet' })
    expect(d.body.history.at(-1)).toMatchObject({ kind: 'transition', to: 'rejected', data: { reject_code: 'hoax' } })
    const stats = await t.json('GET', '/api/stats/response?group=none', undefined, leadership)
    expect(stats.status).toBe(200)
    expect(stats.body.rows[0]).toMatchObject({ rejected_hoax: 1, rejected_duplicate: 1, rejected_out_of_scope: 1 })
    expect(stats.body.rows[0].rejected).toBeGreaterThanOrEqual(3)
    const csv = await t.app.request('/api/stats/response.csv?group=none', { headers: leadership })
    expect((await csv.text()).split('\n')[0]).toMatch(/,rejected_hoax,rejected_prank,rejected_duplicate,rejected_out_of_scope$/)
  })

  it('answers 422 naming reject_code for an unknown kind or a kind on another move, and changes nothing', async () => {
    const id = await road()
    const bad = await move(id, { to: 'rejected', reason: 'tidak jelas', reject_code: 'alien' }, operator)
    expect(bad.status).toBe(422)
    expect(bad.body.error.issues[0].field).toBe('reject_code')
    const wrong = await move(id, { to: 'verified', reject_code: 'hoax' }, operator)
    expect(wrong.status).toBe(422)
    expect(wrong.body.error.issues[0].field).toBe('reject_code')
    expect((await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body.status).toBe('new')
  })

  it('lets only the command room reject: agency staff, field officers and leadership get 403', async () => {
    const id = await road()
    for (const who of [puprStaff, puprField, leadership]) {
      const r = await move(id, { to: 'rejected', reason: 'bukan urusan kami', reject_code: 'out_of_scope' }, who)
      expect(r.status).toBe(403)
    }
    expect((await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body.status).toBe('new')
  })
})

describe('change a ticket\'s category', () => {
  const recat = (id: string, body: Record<string, unknown>, who: H) => t.json('POST', `/api/tickets/${id}/category`, body, who)

  it('re-routes it and works out priority, emergency flag and SLA clocks again from its creation, in the history and live', async () => {
    const id = await road()
    expect((await move(id, { to: 'dispatched', field_team: 'Regu Jalan 3' }, operator)).status).toBe(200)
    const before = (await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body
    expect(before).toMatchObject({ category: 'jalan_rusak', agency: { code: 'pupr' }, priority: 3, is_emergency: false })
    const r = await recat(id, { category_code: 'kebakaran', reason: 'ternyata kebakaran lahan, bukan jalan' }, operator)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ changed: true, ticket: { category: 'kebakaran', agency: { code: 'damkar' }, priority: 1, is_emergency: true, field_team: null, status: 'dispatched' } })
    const created = Date.parse(before.created_at)
    expect(Date.parse(r.body.ticket.sla.response_due_at) - created).toBe(15 * 60_000)
    expect(Date.parse(r.body.ticket.sla.resolve_due_at) - created).toBe(360 * 60_000)
    const after = (await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body
    expect(after.history.at(-1)).toMatchObject({
      kind: 'category_changed',
      note: 'ternyata kebakaran lahan, bukan jalan',
      agency_code: 'damkar',
      data: { from_category: 'jalan_rusak', to_category: 'kebakaran', from_agency: 'pupr', emergency: true },
    })
    const ev = await t.db.db.selectFrom('events').select('data').where('type', '=', 'ticket.recategorized').orderBy('seq', 'desc').executeTakeFirstOrThrow()
    expect(ev.data).toMatchObject({ ticket: { id, category: 'kebakaran' }, from_category: 'jalan_rusak', from_agency: 'pupr' })
    // Again with the same category: nothing changes, no second history row.
    const again = await recat(id, { category_code: 'kebakaran', reason: 'ulang' }, operator)
    expect(again.body.changed).toBe(false)
    expect((await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body.history).toHaveLength(after.history.length)
  })

  it('is for the command room only, names a bad category, and refuses a stale from_category with 409', async () => {
    const id = await road()
    for (const who of [puprStaff, puprField, leadership]) expect((await recat(id, { category_code: 'sampah', reason: 'salah kategori' }, who)).status).toBe(403)
    const unknown = await recat(id, { category_code: 'ufo', reason: 'salah kategori' }, operator)
    expect(unknown.status).toBe(422)
    expect(unknown.body.error.issues[0].field).toBe('category_code')
    const noReason = await recat(id, { category_code: 'sampah' }, operator)
    expect(noReason.status).toBe(422)
    expect(noReason.body.error.issues[0].field).toBe('reason')
    expect((await recat(id, { category_code: 'sampah', reason: 'tumpukan sampah', from_category: 'jalan_rusak' }, operator)).status).toBe(200)
    const stale = await recat(id, { category_code: 'drainase', reason: 'saluran', from_category: 'jalan_rusak' }, operator2)
    expect(stale.status).toBe(409)
    expect((await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body).toMatchObject({ category: 'sampah', agency: { code: 'dlh' } })
  })
})

describe('waiting for the reporter', () => {
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000)

  it('asks the reporter on their channel, and stops the resolution clock until the command room moves on', async () => {
    const filed = await t.json('POST', '/api/reports', {
      channel: 'whatsapp', category: 'jalan_rusak', description: 'Jalan rusak', location: { lat: -6.2095, lon: 106.8475 }, reporter: { name: 'Budi', phone: '6281200000777' },
    })
    expect(filed.status).toBe(201)
    const id = filed.body.incident_id as string
    const asked = await move(id, { to: 'waiting_reporter', from: 'new', reason: 'Mohon kirim foto dan patokan lokasi' }, operator)
    expect(asked.status).toBe(200)
    expect(asked.body.ticket).toMatchObject({ status: 'waiting_reporter', open: true })
    expect(asked.body.ticket.sla.paused_at).not.toBeNull()
    expect(asked.body.ticket.sla.first_response_at).not.toBeNull() // asking is a response
    // The reporter hears it on WhatsApp (the status notifier reads the stored event).
    const ev = await t.db.db.selectFrom('events').selectAll().where('type', '=', 'ticket.transitioned').orderBy('seq', 'desc').executeTakeFirstOrThrow()
    expect(ev.data).toMatchObject({ ticket: { id }, to: 'waiting_reporter' })
    expect(await notifyStatusChanges(t.deps, [{ seq: Number(ev.seq), type: ev.type, data: ev.data, created_at: ev.created_at, ...unscoped }])).toBe(1)
    const msg = await t.db.db.selectFrom('outbox_messages').select('body').where('recipient', '=', '6281200000777').executeTakeFirstOrThrow()
    expect(msg.body).toMatch(/keterangan tambahan/)

    // Two hours into the wait, with a resolution due time that fell inside it: not overdue, not flagged.
    await t.db.db.updateTable('incidents').set({ paused_at: hoursAgo(2), resolve_due_at: hoursAgo(1) }).where('id', '=', id).execute()
    await checkSla(t.deps)
    const waiting = (await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body
    expect(waiting.sla.resolve_breached).toBe(false)
    expect((await t.json('GET', '/api/tickets?status=waiting_reporter&breached=true', undefined, operator)).body.tickets.map((x: { id: string }) => x.id)).not.toContain(id)

    // The reporter answered: dispatch. The clock runs on from where it stood: due later by the
    // pause's working time (a working-day category; tests/clocks.test.ts has weekends and holidays).
    const dueBefore = Date.parse(waiting.sla.resolve_due_at)
    const answeredFrom = Date.now()
    const on = await move(id, { to: 'dispatched', from: 'waiting_reporter' }, operator)
    const answeredBy = Date.now()
    expect(on.status).toBe(200)
    expect(on.body.ticket.sla.paused_at).toBeNull()
    const credit = await t.db.db.selectFrom('incidents').select(['paused_seconds', 'paused_working_seconds']).where('id', '=', id).executeTakeFirstOrThrow()
    expect(Math.abs(credit.paused_seconds - 7200)).toBeLessThan(60)
    const shifted = Date.parse(on.body.ticket.sla.resolve_due_at) - dueBefore
    expect(credit.paused_working_seconds).toBeLessThanOrEqual(credit.paused_seconds)
    if (credit.paused_working_seconds > 0) expect(shifted).toBeGreaterThanOrEqual(credit.paused_working_seconds * 1000)
    else expect(shifted).toBe(0)
    // Late only if the moved due time is still before the answer. (Not "the pause's working time
    // < 1 h": a pause that began on a Sunday and ended on Monday moves a due time on the Sunday
    // to Monday 00:00 plus that time, more than the wall clock's shift; it failed at 00:30 WIB.)
    const due = Date.parse(on.body.ticket.sla.resolve_due_at)
    if (due < answeredFrom) expect(on.body.ticket.sla.resolve_breached).toBe(true)
    if (due > answeredBy) expect(on.body.ticket.sla.resolve_breached).toBe(false)
    const hist = (await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body.history
    expect(hist.at(-2)).toMatchObject({ to: 'waiting_reporter', note: 'Mohon kirim foto dan patokan lokasi' })
    expect(hist.at(-1).data.paused_minutes).toBeGreaterThanOrEqual(119)
  })

  it('is for the command room only and needs the question', async () => {
    const id = await road()
    expect((await move(id, { to: 'waiting_reporter' }, operator)).status).toBe(422)
    for (const who of [puprStaff, puprField, leadership]) expect((await move(id, { to: 'waiting_reporter', reason: 'kirim foto' }, who)).status).toBe(403)
    expect((await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body.status).toBe('new')
  })
})

describe('field check by a special team (tim khusus) before dispatch', () => {
  it('sends a ticket to be checked on site by a named team, then on to the agency; command room only', async () => {
    const id = await road()
    const none = await move(id, { to: 'field_check' }, operator)
    expect(none.status).toBe(422)
    expect(none.body.error.issues[0].field).toBe('field_team')
    for (const who of [puprStaff, puprField, leadership]) expect((await move(id, { to: 'field_check', field_team: 'Tim Khusus' }, who)).status).toBe(403)
    const sent = await move(id, { to: 'field_check', from: 'new', field_team: 'Tim Khusus Kec. Alfa' }, operator)
    expect(sent.status).toBe(200)
    expect(sent.body.ticket).toMatchObject({ status: 'field_check', field_team: 'Tim Khusus Kec. Alfa', open: true })
    // The field officers of the agency cannot start it: it has not been dispatched to them.
    expect((await move(id, { to: 'in_progress' }, puprField)).status).toBe(409)
    const on = await move(id, { to: 'dispatched', from: 'field_check', field_team: 'Regu Jalan 1' }, operator)
    expect(on.status).toBe(200)
    expect(on.body.ticket).toMatchObject({ status: 'dispatched', agency: { code: 'pupr' }, field_team: 'Regu Jalan 1' })
    const hist = (await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body.history
    expect(hist.slice(-2).map((h: { from: string; to: string }) => `${h.from}>${h.to}`)).toEqual(['new>field_check', 'field_check>dispatched'])
  })
})
