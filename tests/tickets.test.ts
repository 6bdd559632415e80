import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkSla } from '../server/tickets/sla.checker.js'
import { canMove, NEXT, STATUSES } from '../server/tickets/ticket.rules.js'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA, newTicket } from './helpers/tickets.js'

let t: TestApp
type H = Record<string, string>
let admin: H, operator: H, leadership: H, puprStaff: H, puprField: H, dlhField: H, lurahAlfa: H

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  admin = (await signIn(t, 'admin')).headers
  operator = (await signIn(t, 'operator')).headers
  leadership = (await signIn(t, 'leadership')).headers
  puprStaff = (await signIn(t, 'agency_staff', { agencyCode: 'pupr' })).headers
  puprField = (await signIn(t, 'field_officer', { agencyCode: 'pupr' })).headers
  dlhField = (await signIn(t, 'field_officer', { agencyCode: 'dlh' })).headers
  lurahAlfa = (await signIn(t, 'region_head', { regionCodes: [ALFA] })).headers
})
afterAll(() => t.close())

const move = (id: string, body: Record<string, unknown>, who: H = {}) => t.json('POST', `/api/tickets/${id}/transition`, body, who)
const eventsOf = async (type: string) =>
  (await t.db.db.selectFrom('events').select('data').where('type', '=', type).orderBy('seq').execute()).map(
    (e) => e.data as Record<string, any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- event payloads are checked field by field
  )

describe('routing on intake', () => {
  it('gives a new ticket the agency, priority, emergency flag and SLA clocks of its category', async () => {
    const res = await t.json('POST', '/api/reports', { channel: 'app', category: 'kebakaran', description: 'Rumah terbakar', location: { lat: -6.2, lon: 106.8455 } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ agency_code: 'damkar', emergency: true })
    const tk = await t.json('GET', `/api/tickets/${res.body.incident_id}`, undefined, operator)
    expect(tk.status).toBe(200)
    expect(tk.body).toMatchObject({ status: 'new', agency: { code: 'damkar' }, priority: 1, is_emergency: true })
    const created = Date.parse(tk.body.created_at)
    expect(Date.parse(tk.body.sla.response_due_at) - created).toBe(15 * 60_000)
    expect(Date.parse(tk.body.sla.resolve_due_at) - created).toBe(360 * 60_000)
    expect(tk.body.history.map((h: { kind: string }) => h.kind)).toEqual(['opened', 'routed'])
    expect((await eventsOf('ticket.routed')).some((e) => e.ticket.id === res.body.incident_id && e.ticket.agency.code === 'damkar')).toBe(true)
    // A second call about the same fire joins the ticket: same agency in the answer, routed once.
    const again = await t.json('POST', '/api/reports', { channel: 'call_center', category: 'kebakaran', description: 'Api besar', location: { lat: -6.2, lon: 106.8455 } })
    expect(again.body).toMatchObject({ incident_id: res.body.incident_id, incident_new: false, agency_code: 'damkar', emergency: true })
    expect((await eventsOf('ticket.routed')).filter((e) => e.ticket.id === res.body.incident_id)).toHaveLength(1)
  })

  it('runs the clocks of a working-day category on working days, and announces the ticket as stored', async () => {
    const res = await t.json('POST', '/api/reports', { channel: 'app', category: 'jalan_rusak', description: 'Jalan berlubang', location: { lat: -6.2, lon: 106.8456 } })
    expect(res.status).toBe(201)
    const tk = await t.json('GET', `/api/tickets/${res.body.incident_id}`, undefined, operator)
    // 3 and 10 working days (jalan_rusak's clocks), by the one rule (tested in stats.test.ts).
    const { rows } = await sql<{ resp: Date; res: Date }>`
      SELECT sigap_sla_due(created_at, 4320, true) AS resp, sigap_sla_due(created_at, 14400, true) AS res
      FROM incidents WHERE id = ${res.body.incident_id}::uuid`.execute(t.db.db)
    expect(Date.parse(tk.body.sla.response_due_at)).toBe(rows[0]!.resp.getTime())
    expect(Date.parse(tk.body.sla.resolve_due_at)).toBe(rows[0]!.res.getTime())
    expect(Date.parse(tk.body.sla.response_due_at) - Date.parse(tk.body.created_at)).toBeGreaterThanOrEqual(3 * 86_400_000)
    // The live event shows the ticket as stored (intake builds it from the row it inserted).
    const routed = (await eventsOf('ticket.routed')).find((e) => e.ticket.id === res.body.incident_id)!
    const { history: _h, reports: _r, ...stored } = tk.body
    expect(routed.ticket).toMatchObject({ agency: stored.agency, priority: 3, is_emergency: false, sla: stored.sla, status: 'new', region: stored.region })
  })

  it('uses a region-specific rule, and leaves a ticket unrouted when its agency does not cover the region', async () => {
    await t.db.db.insertInto('agencies').values({ code: 'puskesmas_beta', short_name: 'Puskesmas Beta', name_id: 'Puskesmas Beta', name_en: 'Beta health centre' }).execute()
    const rule = await t.json('PUT', '/api/catalogue/routing-rules', { category_code: 'kesehatan', region_code: BETA, agency_code: 'puskesmas_beta' }, admin)
    expect(rule.status).toBe(200)
    const inBeta = await newTicket(t, BETA, { category: 'kesehatan' })
    const inAlfa = await newTicket(t, ALFA, { category: 'kesehatan' })
    const agencyOf = async (id: string) => (await t.db.db.selectFrom('incidents').select('agency_code').where('id', '=', id).executeTakeFirstOrThrow()).agency_code
    expect(await agencyOf(inBeta)).toBe('puskesmas_beta')
    expect(await agencyOf(inAlfa)).toBe('dinkes')

    // PDAM serves only Beta: a water report in Alfa waits for an operator.
    expect((await t.json('PATCH', '/api/agencies/pdam', { region_codes: [BETA] }, admin)).status).toBe(200)
    const water = await newTicket(t, ALFA, { category: 'air_bersih' })
    expect(await agencyOf(water)).toBeNull()
    const routed = await t.json('POST', `/api/tickets/${water}/route`, { agency_code: 'pdam', reason: 'PDAM melayani sambungan ini' }, operator)
    expect(routed.status).toBe(200)
    expect(routed.body.ticket.agency.code).toBe('pdam')
  })

  it('lets an admin edit a category and new tickets follow it at once', async () => {
    const patch = await t.json('PATCH', '/api/catalogue/categories/sampah', { agency_code: 'satpolpp', priority: 2, sla_response_minutes: 90, sla_resolve_minutes: 600, sla_working_days: false }, admin)
    expect(patch.status).toBe(200)
    const id = await newTicket(t, ALFA, { category: 'sampah' })
    const tk = await t.json('GET', `/api/tickets/${id}`, undefined, operator)
    expect(tk.body).toMatchObject({ agency: { code: 'satpolpp' }, priority: 2 })
    expect(Date.parse(tk.body.sla.response_due_at) - Date.parse(tk.body.created_at)).toBe(90 * 60_000)
    expect((await t.json('PATCH', '/api/catalogue/categories/sampah', { priority: 1 }, operator)).status).toBe(403)
    expect((await t.json('PATCH', '/api/catalogue/categories/sampah', { agency_code: 'nope' }, admin)).status).toBe(422)
    expect((await t.json('PATCH', '/api/catalogue/categories/sampah', { sla_resolve_minutes: 10 }, admin)).status).toBe(422)
  })
})

describe('lifecycle', () => {
  it('allows exactly the transitions of the table', () => {
    const allowed = STATUSES.flatMap((from) => STATUSES.filter((to) => canMove(from, to)).map((to) => `${from}>${to}`))
    expect(allowed.sort()).toEqual(
      Object.entries(NEXT)
        .flatMap(([from, tos]) => tos.map((to) => `${from}>${to}`))
        .sort(),
    )
    expect(canMove('new', 'resolved')).toBe(false)
    expect(canMove('closed', 'in_progress')).toBe(false)
    expect(canMove('rejected', 'closed')).toBe(false)
  })

  it('walks new > verified > dispatched > in_progress > resolved > closed > reopened, each recorded with actor, time and note', async () => {
    const id = await newTicket(t, ALFA)
    const steps: [Record<string, unknown>, H][] = [
      [{ to: 'verified', note: 'Dicek lewat CCTV' }, operator],
      [{ to: 'dispatched', field_team: 'Regu 3' }, operator],
      [{ to: 'in_progress' }, puprField],
      [{ to: 'resolved', note: 'Lubang ditambal' }, puprField],
      [{ to: 'closed' }, operator],
      [{ to: 'reopened', reason: 'Lubang muncul lagi' }, operator],
    ]
    for (const [body, who] of steps) {
      const r = await move(id, body, who)
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      expect(r.body).toMatchObject({ changed: true, ticket: { status: body.to } })
    }
    const tk = await t.json('GET', `/api/tickets/${id}`, undefined, operator)
    const moves = tk.body.history.filter((h: { kind: string }) => h.kind === 'transition')
    expect(moves.map((h: { from: string; to: string }) => `${h.from}>${h.to}`)).toEqual([
      'new>verified', 'verified>dispatched', 'dispatched>in_progress', 'in_progress>resolved', 'resolved>closed', 'closed>reopened',
    ])
    expect(moves[0]).toMatchObject({ actor: { role: 'operator' }, note: 'Dicek lewat CCTV' })
    expect(moves[2].actor.role).toBe('field_officer')
    expect(moves[3].note).toBe('Lubang ditambal')
    expect(moves.every((h: { at: string }) => !Number.isNaN(Date.parse(h.at)))).toBe(true)
    expect(tk.body).toMatchObject({ status: 'reopened', field_team: 'Regu 3', sla: { resolved_at: null } })
    expect(tk.body.sla.first_response_at).not.toBeNull()
    const ev = (await eventsOf('ticket.transitioned')).filter((e) => e.ticket.id === id)
    expect(ev.map((e) => e.to)).toEqual(['verified', 'dispatched', 'in_progress', 'resolved', 'closed', 'reopened'])
    // Staff notes stay off the live stream.
    expect(JSON.stringify(ev)).not.toContain('Lubang ditambal')
  })

  it('refuses moves the table does not allow, and says why', async () => {
    const id = await newTicket(t, ALFA)
    const bad = await move(id, { to: 'resolved', note: 'langsung selesai' }, operator)
    expect(bad.status).toBe(409)
    expect(bad.body.error.code).toBe('invalid_transition')
    expect((await move(id, { to: 'closed' }, operator)).status).toBe(409)
    const noReason = await move(id, { to: 'rejected' }, operator)
    expect(noReason.status).toBe(422)
    expect(noReason.body.error.issues[0].field).toBe('reason')
    const noNote = await move(id, { to: 'resolved' }, operator)
    expect(noNote.status).toBe(422)
    expect((await move(id, { to: 'flying' }, operator)).status).toBe(422)
    const rej = await move(id, { to: 'rejected', reason: 'Laporan hoaks' }, operator)
    expect(rej.status).toBe(200)
    expect((await move(id, { to: 'in_progress' }, operator)).status).toBe(409)
    const tk = await t.json('GET', `/api/tickets/${id}`, undefined, operator)
    expect(tk.body).toMatchObject({ status: 'rejected', reject_reason: 'Laporan hoaks' })
    expect(tk.body.history.filter((h: { kind: string }) => h.kind === 'transition')).toHaveLength(1)
  })

  it('answers a retried move without a second history row, and refuses a stale one', async () => {
    const id = await newTicket(t, ALFA)
    expect((await move(id, { to: 'verified' }, operator)).body.changed).toBe(true)
    const again = await move(id, { to: 'verified' }, operator)
    expect(again.status).toBe(200)
    expect(again.body.changed).toBe(false)
    const stale = await move(id, { to: 'dispatched', from: 'new' }, operator)
    expect(stale.status).toBe(409)
    const rows = await t.db.db.selectFrom('ticket_events').select('kind').where('incident_id', '=', id).where('kind', '=', 'transition').execute()
    expect(rows).toHaveLength(1)
  })

  it('keeps each role to its part: field officers of the agency work it, others may not', async () => {
    const id = await newTicket(t, ALFA) // jalan_rusak: PUPR
    expect((await move(id, { to: 'in_progress' }, puprField)).status).toBe(409) // not dispatched yet
    expect((await move(id, { to: 'dispatched' }, puprStaff)).status).toBe(403) // the command room dispatches
    expect((await move(id, { to: 'dispatched' }, operator)).status).toBe(200)
    expect((await move(id, { to: 'dispatched', field_team: 'Regu 1' }, puprStaff)).status).toBe(200) // re-dispatch to a team
    expect((await move(id, { to: 'dispatched', agency_code: 'dlh' }, puprStaff)).status).toBe(403)
    expect((await move(id, { to: 'in_progress' }, dlhField)).status).toBe(404) // not their agency's: not visible
    expect((await move(id, { to: 'in_progress' }, leadership)).status).toBe(403)
    expect((await move(id, { to: 'in_progress' }, lurahAlfa)).status).toBe(403)
    expect((await move(id, { to: 'in_progress' })).status).toBe(403) // anonymous display
    expect((await move(id, { to: 'in_progress' }, puprField)).status).toBe(200)
    expect((await move(id, { to: 'rejected', reason: 'bukan wewenang' }, puprField)).status).toBe(409)
    expect((await t.json('POST', `/api/tickets/${id}/route`, { agency_code: 'dlh', reason: 'salah dinas' }, puprStaff)).status).toBe(403)
    const re = await t.json('POST', `/api/tickets/${id}/route`, { agency_code: 'dlh', reason: 'Ternyata saluran, bukan jalan' }, operator)
    expect(re.status).toBe(200)
    expect(re.body.ticket).toMatchObject({ agency: { code: 'dlh' }, field_team: null })
    expect((await move(id, { to: 'resolved', note: 'selesai' }, puprField)).status).toBe(404)
    expect((await move(id, { to: 'resolved', note: 'Saluran dibersihkan' }, dlhField)).status).toBe(200)
    const routed = (await eventsOf('ticket.routed')).filter((e) => e.ticket.id === id && e.cause === 'reroute')
    expect(routed).toMatchObject([{ from_agency: 'pupr', ticket: { agency: { code: 'dlh' } } }])
  })
})

describe('lists and scope', () => {
  it('lists emergencies first, and each role sees its own part', async () => {
    const road = await newTicket(t, BETA, { category: 'jalan_rusak' })
    const fire = await newTicket(t, BETA, { category: 'kebakaran' })
    const all = await t.json('GET', '/api/tickets?status=open&region=31.71.01.1002', undefined, leadership)
    expect(all.status).toBe(200)
    const ids = all.body.tickets.map((x: { id: string }) => x.id)
    expect(ids.indexOf(fire)).toBeLessThan(ids.indexOf(road))
    expect(all.body.tickets[0].is_emergency).toBe(true)

    const lurah = await t.json('GET', '/api/tickets', undefined, lurahAlfa)
    expect(lurah.body.tickets.length).toBeGreaterThan(0)
    expect(lurah.body.tickets.every((x: { region: { code: string } }) => x.region.code === ALFA)).toBe(true)
    expect((await t.json('GET', `/api/tickets/${road}`, undefined, lurahAlfa)).status).toBe(404)

    const pupr = await t.json('GET', '/api/tickets', undefined, puprField)
    expect(pupr.body.tickets.every((x: { agency: { code: string } }) => x.agency.code === 'pupr')).toBe(true)
    expect(pupr.body.tickets.map((x: { id: string }) => x.id)).toContain(road)
    expect(pupr.body.tickets.map((x: { id: string }) => x.id)).not.toContain(fire)
    // The wall (anonymous display) lists tickets, but not their details.
    expect((await t.json('GET', '/api/tickets?status=open')).status).toBe(200)
    expect((await t.json('GET', `/api/tickets/${road}`)).status).toBe(403)
  })
})

describe('SLA clocks', () => {
  it('flags a ticket past its response and resolution due times once each, with a live event', async () => {
    const id = await newTicket(t, ALFA, { category: 'kebakaran' }) // response 15 min, resolution 6 h
    const created = (await t.db.db.selectFrom('incidents').select('created_at').where('id', '=', id).executeTakeFirstOrThrow()).created_at
    const at = (min: number) => new Date(created.getTime() + min * 60_000)
    const breachesOf = async () => (await eventsOf('ticket.sla_breached')).filter((e) => e.ticket.id === id).map((e) => e.sla)

    await checkSla(t.deps, at(14))
    expect(await breachesOf()).toEqual([])
    await checkSla(t.deps, at(16))
    expect(await breachesOf()).toEqual(['response'])
    await checkSla(t.deps, at(17)) // once only
    expect(await breachesOf()).toEqual(['response'])
    const ev = (await eventsOf('ticket.sla_breached')).find((e) => e.ticket.id === id)!
    expect(ev.ticket.sla.response_breached).toBe(true)

    await move(id, { to: 'dispatched' }, operator)
    await checkSla(t.deps, at(361))
    expect(await breachesOf()).toEqual(['response', 'resolve'])
    const tk = await t.json('GET', `/api/tickets/${id}`, undefined, operator)
    expect(tk.body.sla).toMatchObject({ response_breached: true, resolve_breached: true })
    expect(tk.body.history.filter((h: { kind: string }) => h.kind === 'sla_breached')).toHaveLength(2)
    const listed = await t.json('GET', '/api/tickets?breached=true', undefined, operator)
    expect(listed.body.tickets.map((x: { id: string }) => x.id)).toContain(id)
  })

  it('does not flag a ticket that was answered and resolved in time', async () => {
    const id = await newTicket(t, ALFA, { category: 'darurat_medis' })
    const created = (await t.db.db.selectFrom('incidents').select('created_at').where('id', '=', id).executeTakeFirstOrThrow()).created_at
    await move(id, { to: 'dispatched' }, operator)
    await move(id, { to: 'resolved', note: 'Pasien dibawa ke RSUD' }, operator)
    await checkSla(t.deps, new Date(created.getTime() + 24 * 3_600_000))
    expect((await eventsOf('ticket.sla_breached')).filter((e) => e.ticket.id === id)).toEqual([])
  })

  it('routes incidents made without the intake (a split) on its next pass', async () => {
    const id = await newTicket(t, ALFA, { category: 'sampah' })
    await sql`UPDATE incidents SET routed_at = NULL, agency_code = NULL WHERE id = ${id}::uuid`.execute(t.db.db)
    const r = await checkSla(t.deps, new Date())
    expect(r.routed).toBeGreaterThanOrEqual(1)
    const row = await t.db.db.selectFrom('incidents').select(['agency_code', 'routed_at']).where('id', '=', id).executeTakeFirstOrThrow()
    expect(row.agency_code).not.toBeNull()
    expect(row.routed_at).not.toBeNull()
  })
})

describe('export', () => {
  it('exports the tickets of a role as CSV', async () => {
    const res = await t.app.request('/api/tickets/export.csv?status=open', { headers: puprField })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    const lines = (await res.text()).trim().split('\n')
    expect(lines[0]).toContain('id,created_at,category,status,agency')
    expect(lines.length).toBeGreaterThan(1)
    expect(lines.slice(1).every((l) => l.split(',')[4] === 'pupr')).toBe(true)
    expect((await t.app.request('/api/tickets/export.csv')).status).toBe(403)
  })
})
