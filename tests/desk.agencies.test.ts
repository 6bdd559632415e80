import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEventFilter } from '../server/auth/event.filter.js'
import type { Principal } from '../server/auth/principal.js'
import type { StoredEvent } from '../server/events/event.repository.js'
import { checkSla } from '../server/tickets/sla.checker.js'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, newTicket, spotIn } from './helpers/tickets.js'

// One incident, several agencies: an accident needs the ambulance (rsud), the police (polres)
// and the toll-road operator besides the lead agency. Each gets a ticket of its own.

let t: TestApp
type H = Record<string, string>
let operator: H, operator2: H, region: H, puprStaff: H, rsudField: H, rsudStaff: H, polresStaff: H, dlhStaff: H

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  operator = (await signIn(t, 'operator')).headers
  operator2 = (await signIn(t, 'operator')).headers
  region = (await signIn(t, 'region_head', { regionCodes: [ALFA] })).headers
  puprStaff = (await signIn(t, 'agency_staff', { agencyCode: 'pupr' })).headers
  rsudField = (await signIn(t, 'field_officer', { agencyCode: 'rsud' })).headers
  rsudStaff = (await signIn(t, 'agency_staff', { agencyCode: 'rsud' })).headers
  polresStaff = (await signIn(t, 'agency_staff', { agencyCode: 'polres' })).headers
  dlhStaff = (await signIn(t, 'agency_staff', { agencyCode: 'dlh' })).headers
})
afterAll(() => t.close())

const road = () => newTicket(t, ALFA, { category: 'jalan_rusak' }) // led by pupr
const add = (id: string, body: Record<string, unknown>, who: H, key?: string) =>
  t.json('POST', `/api/tickets/${id}/agencies`, body, key ? { ...who, 'idempotency-key': key } : who)
const detail = (id: string, who: H) => t.json('GET', `/api/tickets/${id}`, undefined, who)
const openList = async (who: H) => (await t.json('GET', '/api/tickets?status=open&limit=5000', undefined, who)).body.tickets as { id: string; status: string; agency: { code: string } | null; lead?: { agency: { code: string } | null; status: string } }[]
const rows = async (id: string) => t.db.db.selectFrom('agency_tickets').selectAll().where('incident_id', '=', id).execute()

describe('Tambah instansi: POST /api/tickets/:id/agencies', () => {
  it('adds a dispatched ticket of another agency with its own SLA clocks, in the history, and leaves the lead ticket as it was', async () => {
    const id = await road()
    const res = await add(id, { agency_code: 'rsud', field_team: 'Ambulans 2', reason: 'ada korban luka' }, operator, 'add-rsud-1')
    expect(res.status).toBe(201)
    expect(res.body.agency_ticket).toMatchObject({ agency: { code: 'rsud' }, status: 'dispatched', field_team: 'Ambulans 2', open: true })
    expect(res.body.agency_ticket.sla.response_due_at).toEqual(expect.any(String))
    expect(res.body.agency_ticket.sla.resolve_due_at).toEqual(expect.any(String))
    const d = await detail(id, operator)
    expect(d.body).toMatchObject({ status: 'new', agency: { code: 'pupr' }, added_agencies: ['rsud'] })
    expect(d.body.agency_tickets).toHaveLength(1)
    expect(d.body.history.at(-1)).toMatchObject({ kind: 'agency_added', to: 'dispatched', agency_code: 'rsud', note: 'ada korban luka', data: { field_team: 'Ambulans 2' } })
  })

  it('answers a retry with the same Idempotency-Key with the same ticket (200), and any other request for that agency with 409', async () => {
    const id = await road()
    expect((await add(id, { agency_code: 'rsud' }, operator, 'k-dup-1')).status).toBe(201)
    const again = await add(id, { agency_code: 'rsud' }, operator, 'k-dup-1')
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ duplicate: true, agency_ticket: { agency: { code: 'rsud' } } })
    const second = await add(id, { agency_code: 'rsud' }, operator2, 'k-dup-2')
    expect(second.status).toBe(409)
    expect(second.body.error.code).toBe('agency_exists')
    expect((await add(id, { agency_code: 'rsud' }, operator2)).status).toBe(409)
    const lead = await add(id, { agency_code: 'pupr' }, operator)
    expect(lead.status).toBe(409)
    expect(lead.body.error.code).toBe('agency_exists')
    // Nor can the lead ticket be forwarded or dispatched to the agency that holds the added one.
    const fwd = await t.json('POST', `/api/tickets/${id}/route`, { agency_code: 'rsud', reason: 'salah instansi' }, operator)
    expect(fwd.status).toBe(409)
    expect(fwd.body.error.code).toBe('agency_exists')
    expect((await t.json('POST', `/api/tickets/${id}/transition`, { to: 'dispatched', agency_code: 'rsud' }, operator)).status).toBe(409)
    expect((await detail(id, operator)).body).toMatchObject({ status: 'new', agency: { code: 'pupr' } })
    const reused = await add(id, { agency_code: 'polres' }, operator, 'k-dup-1')
    expect(reused.status).toBe(422)
    expect(await rows(id)).toHaveLength(1)
  })

  it('answers 422 naming the field for bad input, 403 for other roles, 409 on a rejected ticket, and stores nothing', async () => {
    const id = await road()
    for (const body of [{}, { agency_code: 'RSUD!' }, { agency_code: 'nope_agency' }, { agency_code: 'rsud', field_team: '' }, { agency_code: 'rsud', reason: 'x' }]) {
      const r = await add(id, body, operator)
      expect(r.status, JSON.stringify(body)).toBe(422)
      expect(r.body.error.issues[0].field).toMatch(/agency_code|field_team|reason/)
    }
    expect((await add(id, { agency_code: 'rsud' }, puprStaff)).status).toBe(403)
    expect((await add(id, { agency_code: 'rsud' }, rsudStaff)).status).toBe(403)
    expect((await add(id, { agency_code: 'rsud' }, region)).status).toBe(403)
    expect(await rows(id)).toHaveLength(0)
    await t.json('POST', `/api/tickets/${id}/transition`, { to: 'rejected', reason: 'laporan palsu', reject_code: 'hoax' }, operator)
    const closed = await add(id, { agency_code: 'rsud' }, operator)
    expect(closed.status).toBe(409)
    expect(await rows(id)).toHaveLength(0)
  })
})

describe('who sees and works an added ticket', () => {
  it('lists it for the added agency as its own ticket (its state and clocks, the lead named), not for an uninvolved agency', async () => {
    const id = await road()
    await add(id, { agency_code: 'rsud' }, operator)
    await add(id, { agency_code: 'polres' }, operator)
    const mine = (await openList(rsudField)).find((x) => x.id === id)
    expect(mine).toMatchObject({ status: 'dispatched', agency: { code: 'rsud' }, lead: { agency: { code: 'pupr' }, status: 'new' } })
    expect((await openList(puprStaff)).find((x) => x.id === id)).toMatchObject({ status: 'new', agency: { code: 'pupr' } })
    expect((await openList(puprStaff)).find((x) => x.id === id)?.lead).toBeUndefined()
    expect((await openList(dlhStaff)).some((x) => x.id === id)).toBe(false)
    expect((await detail(id, dlhStaff)).status).toBe(404)
    // Each agency reads its own ticket, not the other added ones.
    const d = await detail(id, rsudStaff)
    expect(d.status).toBe(200)
    expect(d.body.agency_tickets.map((x: { agency: { code: string } }) => x.agency.code)).toEqual(['rsud'])
    expect(d.body.history.every((h: { kind: string; agency_code: string | null }) => h.kind === 'opened' || h.agency_code === 'rsud')).toBe(true)
    expect((await detail(id, polresStaff)).body.agency_tickets.map((x: { agency: { code: string } }) => x.agency.code)).toEqual(['polres'])
    expect((await detail(id, puprStaff)).body.agency_tickets).toEqual([])
    expect((await detail(id, operator)).body.agency_tickets).toHaveLength(2)
  })

  it("turns an added agency's ticket red after six days without a response, like a lead ticket: in its list, the detail and the figures", async () => {
    const id = await road()
    await add(id, { agency_code: 'rsud' }, operator)
    await add(id, { agency_code: 'polres' }, operator)
    // rsud's ticket has sat untouched for seven days; polres's and the lead's are new.
    const weekAgo = new Date(Date.now() - 7 * 86_400_000)
    await t.db.db.updateTable('agency_tickets').set({ created_at: weekAgo, status_changed_at: weekAgo }).where('incident_id', '=', id).where('agency_code', '=', 'rsud').execute()
    type Row = { id: string; sla: { red: boolean } }
    const red = async (who: H) => ((await openList(who)) as unknown as Row[]).find((x) => x.id === id)?.sla.red
    expect(await red(rsudStaff)).toBe(true)
    expect(await red(polresStaff)).toBe(false)
    expect(await red(puprStaff)).toBe(false)
    const added = (await detail(id, operator)).body.agency_tickets as { agency: { code: string }; sla: { red: boolean; response_breached: boolean } }[]
    expect(added.map((x) => [x.agency.code, x.sla.red])).toEqual([['rsud', true], ['polres', false]])
    expect((await detail(id, rsudStaff)).body.agency_tickets[0].sla.red).toBe(true)
    // The figures count it by the same rule (redSql over the same rows).
    const stats = await t.json('GET', '/api/stats/response?group=agency', undefined, operator)
    const of = (code: string) => (stats.body.rows as { agency_code: string; red: number }[]).find((r) => r.agency_code === code)?.red
    expect(of('rsud')).toBeGreaterThanOrEqual(1)
    expect(of('polres') ?? 0).toBe(0)
  })

  it("lets the added agency's field officer work its ticket (the lead ticket untouched), and no one else's", async () => {
    const id = await road()
    await add(id, { agency_code: 'rsud' }, operator)
    await add(id, { agency_code: 'polres' }, operator)
    // The officer may not withdraw it (the command room does).
    expect((await t.json('POST', `/api/tickets/${id}/agencies/rsud/transition`, { to: 'rejected', reason: 'bukan urusan kami' }, rsudField)).status).toBe(403)
    const go = await t.json('POST', `/api/tickets/${id}/transition`, { to: 'in_progress', from: 'dispatched' }, { ...rsudField, 'idempotency-key': 'rsud-go-1' })
    expect(go.status).toBe(200)
    expect(go.body.ticket).toMatchObject({ id, status: 'in_progress', agency: { code: 'rsud' } })
    const replay = await t.json('POST', `/api/tickets/${id}/transition`, { to: 'in_progress', from: 'dispatched' }, { ...rsudField, 'idempotency-key': 'rsud-go-1' })
    expect(replay.body.duplicate).toBe(true)
    // Nor act on another agency's ticket; nor may anyone outside rsud act on rsud's.
    expect((await t.json('POST', `/api/tickets/${id}/agencies/polres/transition`, { to: 'in_progress' }, rsudField)).status).toBe(404)
    expect((await t.json('POST', `/api/tickets/${id}/agencies/rsud/transition`, { to: 'resolved', note: 'selesai' }, polresStaff)).status).toBe(404)
    expect((await t.json('POST', `/api/tickets/${id}/agencies/rsud/transition`, { to: 'resolved', note: 'selesai' }, dlhStaff)).status).toBe(404)
    expect((await t.json('POST', `/api/tickets/${id}/agencies/rsud/transition`, { to: 'resolved', note: 'selesai' }, region)).status).toBe(403)
    const done = await t.json('POST', `/api/tickets/${id}/transition`, { to: 'resolved', note: 'korban dibawa ke RSUD' }, rsudField)
    expect(done.body.ticket).toMatchObject({ status: 'resolved', open: false })
    const lead = await detail(id, operator)
    expect(lead.body.status).toBe('new')
    expect(lead.body.agency_tickets.map((x: { agency: { code: string }; status: string }) => [x.agency.code, x.status])).toEqual([['rsud', 'resolved'], ['polres', 'dispatched']])
    expect((await openList(rsudField)).some((x) => x.id === id)).toBe(false)
    // A stale move from the command room on the added ticket: conflict, nothing overwritten.
    const stale = await t.json('POST', `/api/tickets/${id}/agencies/polres/transition`, { to: 'rejected', from: 'in_progress', reason: 'tidak perlu polisi' }, operator)
    expect(stale.status).toBe(409)
    expect(stale.body.error.code).toBe('conflict')
  })

  it("keeps the reporter identity rules: a private reporter is hidden from the added agency, a public one shown as to the lead's staff", async () => {
    const priv = await newTicket(t, ALFA, { category: 'jalan_rusak', reporter: { name: 'Siti Rahasia', phone: '081234500001', private: true } })
    const pub = await newTicket(t, ALFA, { category: 'jalan_rusak', reporter: { name: 'Budi Terbuka', phone: '081234500002' } })
    for (const id of [priv, pub]) await add(id, { agency_code: 'rsud' }, operator)
    const p = await detail(priv, rsudField)
    expect(p.status).toBe(200)
    expect(p.body.reports[0].reporter).toBeUndefined()
    expect(JSON.stringify(p.body)).not.toMatch(/Siti|081234500001/)
    expect((await detail(priv, operator)).body.reports[0].reporter.name).toBe('Siti Rahasia')
    expect((await detail(pub, rsudField)).body.reports[0].reporter.name).toBe('Budi Terbuka')
  })

  it('sends its live events to the added agency and the command room, not to the lead or another agency, and without reporters', async () => {
    const id = await newTicket(t, ALFA, { category: 'jalan_rusak', reporter: { name: 'Siti Rahasia', phone: '081234500003', private: true } })
    const before = (await t.db.db.selectFrom('events').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst())?.m ?? 0
    await add(id, { agency_code: 'rsud' }, operator)
    await t.json('POST', `/api/tickets/${id}/transition`, { to: 'in_progress' }, rsudField)
    const all = (await t.db.db.selectFrom('events').selectAll().orderBy('seq').execute()) as unknown as StoredEvent[]
    const filter = createEventFilter()
    for (const ev of all) filter({ role: 'admin' }, ev) // the hub sees every event in order
    const added = all.filter((e) => Number(e.seq) > Number(before) && e.type.startsWith('agency_ticket.'))
    expect(added.map((e) => e.type)).toEqual(['agency_ticket.added', 'agency_ticket.transitioned'])
    const who = (p: Principal) => added.map((e) => filter(p, e) !== null)
    expect(who({ role: 'field_officer', agencyCode: 'rsud' })).toEqual([true, true])
    expect(who({ role: 'operator' })).toEqual([true, true])
    expect(who({ role: 'region_head', regionCodes: [ALFA] })).toEqual([true, true])
    expect(who({ role: 'agency_staff', agencyCode: 'pupr' })).toEqual([false, false])
    expect(who({ role: 'agency_staff', agencyCode: 'polres' })).toEqual([false, false])
    expect(JSON.stringify(added.map((e) => e.data))).not.toMatch(/Siti|081234500003/)
    // The lead's own events stay the lead's: the added agency's did not re-place the incident.
    const leadMove = await t.json('POST', `/api/tickets/${id}/transition`, { to: 'verified' }, operator)
    expect(leadMove.status).toBe(200)
    const last = (await t.db.db.selectFrom('events').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()) as unknown as StoredEvent
    expect(last.type).toBe('ticket.transitioned')
    expect(filter({ role: 'agency_staff', agencyCode: 'pupr' }, last)).not.toBeNull()
    expect(filter({ role: 'agency_staff', agencyCode: 'rsud' }, last)).toBeNull()
  })
})

describe('response statistics per agency', () => {
  it("count an added agency's ticket for that agency (received, responded, resolved), while the totals count the incident once", async () => {
    const stats = async (q: string, who: H = operator) => (await t.json('GET', `/api/stats/response?${q}`, undefined, who)).body.rows as { agency_code: string | null; received: number; responded: number; resolved: number }[]
    const dinkes = async () => (await stats('group=agency')).find((r) => r.agency_code === 'dinkes') ?? { received: 0, responded: 0, resolved: 0 }
    const [before, totalBefore] = [await dinkes(), (await stats('group=none'))[0]!.received]
    const id = await road()
    await add(id, { agency_code: 'dinkes' }, operator)
    const dinkesStaff = (await signIn(t, 'agency_staff', { agencyCode: 'dinkes' })).headers
    expect((await t.json('POST', `/api/tickets/${id}/transition`, { to: 'resolved', note: 'korban ditangani puskesmas' }, dinkesStaff)).status).toBe(200)
    const after = await dinkes()
    expect(after.received - before.received).toBe(1)
    expect(after.responded - before.responded).toBe(1)
    expect(after.resolved - before.resolved).toBe(1)
    expect((await stats('group=none'))[0]!.received - totalBefore).toBe(1) // the incident, once
    // The agency's own figures count it too.
    expect((await stats('group=none', dinkesStaff))[0]!.received).toBeGreaterThanOrEqual(1)
  })
})

describe('clocks and merges', () => {
  it('flags an added ticket past its due time once, in its history and on its list', async () => {
    const id = await road()
    await add(id, { agency_code: 'rsud' }, operator)
    const far = new Date(Date.now() + 400 * 86_400_000)
    const first = await checkSla(t.deps, far)
    expect(first.response_breaches).toBeGreaterThanOrEqual(1)
    await checkSla(t.deps, far)
    const d = await detail(id, rsudStaff)
    expect(d.body.history.filter((h: { kind: string }) => h.kind === 'agency_sla_breached').map((h: { data: { sla: string } }) => h.data.sla).sort()).toEqual(['resolve', 'response'])
    expect(d.body.sla).toMatchObject({ response_breached: true, resolve_breached: true })
    const late = await t.json('GET', '/api/tickets?status=open&breached=true&limit=5000', undefined, rsudStaff)
    expect(late.body.tickets.some((x: { id: string }) => x.id === id)).toBe(true)
  })

  it('moves the added tickets of a merged-away incident to the one it joins, unless that agency is already there', async () => {
    const a = await newTicket(t, ALFA, { category: 'jalan_rusak', location: spotIn(ALFA) })
    const b = await newTicket(t, ALFA, { category: 'jalan_rusak', location: spotIn(ALFA) })
    await add(a, { agency_code: 'rsud' }, operator)
    await add(a, { agency_code: 'polres' }, operator)
    await add(b, { agency_code: 'polres' }, operator)
    const m = await t.json('POST', `/api/incidents/${b}/merge`, { incident_id: a, reason: 'kejadian yang sama' }, operator)
    expect(m.status, JSON.stringify(m.body)).toBe(200)
    expect((await rows(b)).map((r) => r.agency_code).sort()).toEqual(['polres', 'rsud'])
    expect((await openList(rsudField)).some((x) => x.id === a)).toBe(false)
    expect((await openList(rsudField)).some((x) => x.id === b)).toBe(true)
  })
})
