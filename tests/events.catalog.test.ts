import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEventFilter, viewerOf } from '../server/auth/event.filter.js'
import type { Principal } from '../server/auth/principal.js'
import { EVENT_TYPES, EventRefused, type EventData, type EventType } from '../server/events/event.catalog.js'
import { appendEvent, appendEvents, EVENTS_CHANNEL, latestSeq, readEventsAfter, writeAndPublish, type StoredEvent } from '../server/events/event.repository.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA, newTicket } from './helpers/tickets.js'

/**
 * The event catalogue (server/events/event.catalog.ts): what is refused at append, and, for every
 * type it lists, which roles see an event of it, live (the hub's filter) and on replay (the query).
 */
let t: TestApp
let incident: string
let report: string
let agency: string

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  incident = await newTicket(t, ALFA)
  const row = await t.db.db.selectFrom('incidents').select('agency_code').where('id', '=', incident).executeTakeFirstOrThrow()
  agency = row.agency_code!
  report = (await t.db.db.selectFrom('reports').select('id').where('incident_id', '=', incident).executeTakeFirstOrThrow()).id
})
afterAll(() => t?.close())

/** A feed that keeps what writeAndPublish hands it as written (EventFeed.expecting). */
function ownFeed(): { feed: { expecting(w: StoredEvent[]): { committed(): void; failed(): void } }; written: StoredEvent[] } {
  const written: StoredEvent[] = []
  return { written, feed: { expecting: (w) => (written.push(...w), { committed: () => {}, failed: () => {} }) } }
}

const countEvents = async () => Number((await t.db.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

describe('appending an event', () => {
  it('refuses a type the catalogue does not list, and stores nothing', async () => {
    const before = await countEvents()
    const unknown = 'ticket.teleported' as EventType // what a caller without the types could send
    await expect(appendEvent(t.db.db, unknown, { ticket: { id: incident } } as never)).rejects.toThrow(/"ticket.teleported" refused: not in the event catalogue/)
    await expect(appendEvents(t.db.db, unknown, [{}] as never)).rejects.toBeInstanceOf(EventRefused)
    expect(await countEvents()).toBe(before)
  })

  it('refuses a payload without the field its scope is derived from, naming the field', async () => {
    const before = await countEvents()
    const ticket = { id: incident, region: { code: ALFA, name: 'Alfa' } } // no agency: whose ticket is it?
    await expect(appendEvent(t.db.db, 'ticket.routed', { ticket, from_agency: null, cause: 'new' } as never)).rejects.toThrow(/ticket\.agency/)
    const dispute = { id: randomUUID(), claimed_region: { code: ALFA } } // no detected region
    await expect(appendEvent(t.db.db, 'dispute.opened', { dispute, cause: 'intake' } as never)).rejects.toThrow(/dispute\.detected_region/)
    await expect(appendEvent(t.db.db, 'skm.response', { id: 'x', agency_code: '' })).rejects.toThrow(/agency_code/)
    await expect(appendEvent(t.db.db, 'photo.added', { id: randomUUID(), report_id: null, incident_id: null })).rejects.toThrow(/names its report or its incident/)
    expect(await countEvents()).toBe(before)
  })

  it('refuses inside a batch at the append, before anything is written', async () => {
    const before = await countEvents()
    await expect(
      writeAndPublish(t.db.db, ownFeed().feed, async (trx) => {
        await appendEvent(trx, 'catalogue.changed', { what: 'fine' })
        await appendEvent(trx, 'incident.updated', { incident: { id: 'not-a-uuid', region: null }, cause: 'intake' })
      }),
    ).rejects.toThrow(/incident\.id/)
    expect(await countEvents()).toBe(before)
  })
})

describe('writing a batch', () => {
  it('numbers the events in the order appended, one after another, and announces the last number once committed', async () => {
    const heard: string[] = []
    const unlisten = await t.db.listen(EVENTS_CHANNEL, (payload) => heard.push(payload))
    try {
      const whats = ['order-b', 'order-a', 'order-c', 'order-a2', 'order-0']
      await writeAndPublish(t.db.db, ownFeed().feed, async (trx) => {
        for (const what of whats.slice(0, 3)) await appendEvent(trx, 'catalogue.changed', { what })
        await appendEvents(trx, 'catalogue.changed', whats.slice(3).map((what) => ({ what })))
      })
      const rows = await t.db.db.selectFrom('events').select(['seq', 'data']).where('type', '=', 'catalogue.changed').orderBy('seq').execute()
      const mine = rows.filter((r) => whats.includes((r.data as { what: string }).what))
      expect(mine.map((r) => (r.data as { what: string }).what)).toEqual(whats)
      const seqs = mine.map((r) => Number(r.seq))
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i))
      for (let i = 0; !heard.includes(String(seqs.at(-1))) && i < 100; i++) await new Promise((r) => setTimeout(r, 20))
      expect(heard).toContain(String(seqs.at(-1)))
    } finally {
      await unlisten()
    }
  })
  it('answers the events as written, so that the writer can hand them out without reading the log back', async () => {
    const own = ownFeed()
    const result = await writeAndPublish(t.db.db, own.feed, async (trx) => {
      await appendEvent(trx, 'catalogue.changed', { what: 'written-1' })
      await appendEvents(trx, 'incident.updated', [{ incident: { id: incident, region: null }, cause: 'intake' }])
      await appendEvent(trx, 'catalogue.changed', { what: 'written-2' })
      return 'done'
    })
    const written = own.written
    expect(result).toBe('done')
    const log = await readEventsAfter(t.db.db, written[0]!.seq - 1, 10)
    const stored = log.events.filter((e) => written.some((w) => w.seq === e.seq))
    expect(written.map((e) => e.type)).toEqual(['catalogue.changed', 'incident.updated', 'catalogue.changed'])
    // Seq, time, audience and scope as the log has them (the scope worked out by the database: the incident's region and agency).
    expect(written.map(({ data: _d, ...rest }) => rest)).toEqual(stored.map(({ data: _d, ...rest }) => rest))
    expect(written.map((e) => e.data)).toEqual(stored.map((e) => e.data))
    expect(written[1]!.region_codes).toContain(ALFA)
    expect(written[1]!.agency_codes).toEqual([agency])
  })
})

// ---- Who sees what: one sample payload per catalogue type, and the roles that must see it. ----

const OTHER_AGENCY = 'not-this-agency'
const viewers = {
  admin: { role: 'admin' },
  operator: { role: 'operator' },
  leadership: { role: 'leadership' },
  display: { role: 'display' },
  headAlfa: { role: 'region_head', regionCodes: [ALFA] },
  camat: { role: 'region_head', regionCodes: ['31.71.01'] }, // the kecamatan over Alfa and Beta
  headBeta: { role: 'region_head', regionCodes: [BETA] },
  headElsewhere: { role: 'region_head', regionCodes: ['32.14'] },
  staff: { role: 'agency_staff', agencyCode: '(the ticket agency)' },
  field: { role: 'field_officer', agencyCode: '(the ticket agency)' },
  otherStaff: { role: 'agency_staff', agencyCode: OTHER_AGENCY },
} satisfies Record<string, Principal>
type Viewer = keyof typeof viewers

const ALL: Viewer[] = Object.keys(viewers) as Viewer[]
const WHOLE_MAP: Viewer[] = ['admin', 'operator', 'leadership', 'display']
/** Who sees an event of a ticket in Alfa of the ticket's agency. */
const ALFA_TICKET: Viewer[] = [...WHOLE_MAP, 'headAlfa', 'camat', 'staff', 'field']
const SEES: Record<string, Viewer[]> = {
  everyone: ALL,
  admins: ['admin'],
  alfaTicket: ALFA_TICKET,
  /** A dispute between Alfa and Beta: every role but a head of elsewhere. */
  dispute: ALL.filter((v) => v !== 'headElsewhere'),
  /** An agency's own (ratings survey): no region in it. */
  agencyOnly: [...WHOLE_MAP, 'staff', 'field'],
}

const by = { user_id: null, role: 'operator' }
const ticketView = () => ({ id: incident, region: { code: ALFA, name: 'Alfa' }, agency: { code: agency, name: agency }, status: 'new' })
const incidentView = () => ({ id: incident, region: { code: ALFA, name: 'Alfa' }, status: 'new' })
const disputeView = () => ({ id: randomUUID(), claimed_region: { code: ALFA, name: 'Alfa' }, detected_region: { code: BETA, name: 'Beta' }, state: 'open' })

/**
 * Every catalogue type: a payload and who must see it. Keyed by EventType, so a type added to
 * the catalogue without a line here does not compile, and the test below fails if it is absent.
 * Incident, photo and rating samples name no agency (or no region): the stored scope must take
 * it from the incident or report they name.
 */
const CASES: { [T in EventType]: { data: () => EventData<T>; sees: keyof typeof SEES } } = {
  'report.created': {
    data: () => ({ id: report, channel: 'app', category: 'jalan_rusak', description: 'x', location: { lat: -6.2, lon: 106.845 }, region: { code: ALFA, name: 'Alfa' }, reported_at: new Date().toISOString(), incident_id: incident }),
    sees: 'alfaTicket',
  },
  'incident.created': { data: () => ({ incident: incidentView(), cause: 'intake' }), sees: 'alfaTicket' },
  'incident.updated': { data: () => ({ incident: incidentView(), cause: 'intake' }), sees: 'alfaTicket' },
  'incident.merged': { data: () => ({ incident: incidentView(), merged_id: randomUUID(), moved_report_ids: [] }), sees: 'alfaTicket' },
  'incident.split': { data: () => ({ from: incidentView(), to: { ...incidentView(), id: randomUUID() }, report_ids: [] }), sees: 'alfaTicket' },
  'ticket.routed': { data: () => ({ ticket: ticketView(), from_agency: null, cause: 'new' }), sees: 'alfaTicket' },
  'ticket.transitioned': { data: () => ({ ticket: ticketView(), from: 'new', to: 'dispatched' }), sees: 'alfaTicket' },
  'ticket.recategorized': { data: () => ({ ticket: ticketView(), from_category: 'drainase', from_agency: null }), sees: 'alfaTicket' },
  'ticket.sla_breached': { data: () => ({ ticket: ticketView(), sla: 'response' }), sees: 'alfaTicket' },
  'ticket.agency_added': { data: () => ({ ticket: ticketView(), agency_code_added: OTHER_AGENCY }), sees: 'alfaTicket' },
  // An added agency's ticket (the sample's agency is the added one): not the incident's, so named by its own codes.
  'agency_ticket.added': { data: () => ({ incident_id: incident, region_code: ALFA, agency_code: agency }), sees: 'alfaTicket' },
  'agency_ticket.transitioned': { data: () => ({ incident_id: incident, region_code: ALFA, agency_code: agency, from: 'dispatched', to: 'in_progress' }), sees: 'alfaTicket' },
  'agency_ticket.sla_breached': { data: () => ({ incident_id: incident, region_code: ALFA, agency_code: agency, sla: 'response' }), sees: 'alfaTicket' },
  'ticket.rated': { data: () => ({ incident_id: incident, agency_code: agency, score: 4 }), sees: 'alfaTicket' },
  'photo.added': { data: () => ({ id: randomUUID(), report_id: report, incident_id: null }), sees: 'alfaTicket' },
  'dispute.opened': { data: () => ({ dispute: disputeView(), cause: 'intake' }), sees: 'dispute' },
  'dispute.cleared': { data: () => ({ dispute: disputeView(), cause: 'recheck' }), sees: 'dispute' },
  'dispute.proposed': { data: () => ({ dispute: disputeView(), by }), sees: 'dispute' },
  'dispute.decided': { data: () => ({ dispute: disputeView(), by }), sees: 'dispute' },
  'dispute.overdue': { data: () => ({ dispute: disputeView() }), sees: 'dispute' },
  'locations.rechecked': { data: () => ({ checked: 3, changed: 1, cause: 'boundaries' }), sees: 'everyone' },
  'hotspots.updated': { data: () => ({ window: '24h', digest: 'd', count: 0 }), sees: 'everyone' },
  'catalogue.changed': { data: () => ({ what: 'category' }), sees: 'everyone' },
  'skm.response': { data: () => ({ id: 'r1', agency_code: agency }), sees: 'agencyOnly' },
  'skm.recommendation': { data: () => ({ id: 'm1', agency_code: agency, period: '2026-11' }), sees: 'agencyOnly' },
  'user.created': { data: () => ({ user: { id: randomUUID() }, by }), sees: 'admins' },
  'user.updated': { data: () => ({ user: { id: randomUUID() }, by }), sees: 'admins' },
  'display_token.created': { data: () => ({ name: 'wall 1' }), sees: 'admins' },
  'display_token.revoked': { data: () => ({ name: 'wall 1' }), sees: 'admins' },
}

describe('who sees each event type', () => {
  let stored: StoredEvent[] = []
  let from = 0
  const principal = (v: Viewer): Principal => {
    const p: Principal = { ...viewers[v] }
    if (p.agencyCode === '(the ticket agency)') p.agencyCode = agency
    return p
  }

  beforeAll(async () => {
    from = await latestSeq(t.db.db)
    for (const type of EVENT_TYPES) await appendEvent(t.db.db, type, (CASES[type] as { data: () => EventData<typeof type> }).data())
    stored = (await readEventsAfter(t.db.db, from, 1000)).events
  })

  it('has a case for every catalogue type', () => {
    expect(Object.keys(CASES).sort()).toEqual([...EVENT_TYPES].sort())
    expect(stored.map((e) => e.type)).toEqual(EVENT_TYPES)
  })

  it.each(EVENT_TYPES.map((type) => [type] as const))('%s reaches exactly the roles it should, live and on replay', async (type) => {
    const ev = stored.find((e) => e.type === type)!
    const expected = SEES[CASES[type].sees]!
    const filter = createEventFilter()
    const live = ALL.filter((v) => filter(principal(v), ev) !== null)
    expect(live, 'live (the hub filter)').toEqual(expected)
    const replayed: Viewer[] = []
    for (const v of ALL) {
      const page = await readEventsAfter(t.db.db, ev.seq - 1, 1, { viewer: viewerOf(principal(v)), upTo: ev.seq })
      if (page.events.some((e) => e.seq === ev.seq)) replayed.push(v)
    }
    expect(replayed, 'replay (the query)').toEqual(expected)
  })
})

describe('migration 0020_event_scope.sql', () => {
  it('gives rows written before the catalogue their scope from their payloads', async () => {
    const { readFileSync } = await import('node:fs')
    const { sql } = await import('kysely')
    const text = readFileSync(new URL('../migrations/0020_event_scope.sql', import.meta.url), 'utf8')
    // The statements after the ALTER TABLE: the backfill, run again over rows as old code wrote them.
    const backfill = text.slice(text.indexOf(';', text.indexOf('ALTER TABLE events')) + 1)
    const legacy = async (type: string, data: unknown) =>
      Number((await sql<{ seq: string }>`INSERT INTO events (type, data) VALUES (${type}, ${JSON.stringify(data)}::jsonb) RETURNING seq`.execute(t.db.db)).rows[0]!.seq)
    const seqs = {
      routed: await legacy('ticket.routed', { ticket: { id: randomUUID(), region: { code: ALFA, name: 'Alfa' }, agency: { code: 'old-agency', name: 'x' } }, from_agency: 'older-agency' }),
      incident: await legacy('incident.updated', { incident: { id: incident, region: null } }), // placed by the incident's row
      rated: await legacy('ticket.rated', { incident_id: incident, agency_code: agency, score: 5 }),
      dispute: await legacy('dispute.opened', { dispute: { claimed_region: { code: ALFA }, detected_region: { code: BETA } } }),
      user: await legacy('user.created', { user: { id: randomUUID() } }),
      hotspots: await legacy('hotspots.updated', { window: '24h' }),
      odd: await legacy('something.else', 'not an object'),
    }
    await sql.raw(backfill).execute(t.db.db)
    const rows = await t.db.db.selectFrom('events').select(['seq', 'audience', 'region_codes', 'agency_codes']).where('seq', 'in', Object.values(seqs)).execute()
    const of = (seq: number) => {
      const r = rows.find((x) => Number(x.seq) === seq)!
      return { audience: r.audience, regions: r.region_codes, agencies: r.agency_codes }
    }
    expect(of(seqs.routed)).toEqual({ audience: 'place', regions: [ALFA], agencies: ['old-agency', 'older-agency'] })
    expect(of(seqs.incident)).toEqual({ audience: 'place', regions: [ALFA], agencies: [agency] })
    expect(of(seqs.rated)).toEqual({ audience: 'place', regions: [ALFA], agencies: [agency] })
    expect(of(seqs.dispute)).toEqual({ audience: 'regions', regions: [ALFA, BETA], agencies: [] })
    expect(of(seqs.user)).toEqual({ audience: 'admins', regions: [], agencies: [] })
    expect(of(seqs.hotspots)).toEqual({ audience: 'everyone', regions: [], agencies: [] })
    expect(of(seqs.odd)).toEqual({ audience: 'place', regions: [], agencies: [] }) // only the roles that see all
  })
})

describe('the web client\'s parse (ws.protocol.ts catalogued)', () => {
  it('passes an event of the catalogue with its fields, and refuses an unknown type or a payload that does not match', async () => {
    const { catalogued } = await import('../server/events/ws.protocol.js')
    const data = { what: 'category', value: { code: 'x' } }
    expect(catalogued({ event: 'catalogue.changed', data })).toEqual({ type: 'catalogue.changed', data })
    expect(catalogued({ event: 'ticket.teleported', data: {} })).toBeNull()
    expect(catalogued({ event: 'ticket.routed', data: { ticket: { id: 'nope' }, from_agency: null, cause: 'new' } })).toBeNull()
  })
})

describe('the hub\'s replay', () => {
  it('reads only what the viewer may see from the log (in the query), whatever the live filter passes', async () => {
    const { createServer } = await import('node:http')
    const { WsHub } = await import('../server/events/ws.hub.js')
    const { TestSocket } = await import('./helpers/ws-client.js')
    const start = await latestSeq(t.db.db)
    await appendEvent(t.db.db, 'skm.response', { id: 'mine', agency_code: agency })
    await appendEvent(t.db.db, 'skm.response', { id: 'theirs', agency_code: OTHER_AGENCY })
    await appendEvent(t.db.db, 'user.created', { user: { id: randomUUID() }, by })
    const last = await latestSeq(t.db.db)
    t.deps.feed.poke()
    for (let i = 0; t.deps.feed.lastSeq < last && i < 200; i++) await new Promise((r) => setTimeout(r, 50))
    // A live filter that passes everything: only the viewer given for the replay can hold events back.
    const hub = new WsHub<string>({ db: t.db, feed: t.deps.feed, authenticate: async () => 'staff', filter: (_p, e) => e.data, viewer: () => viewerOf({ role: 'agency_staff', agencyCode: agency }) })
    const http = createServer()
    http.on('upgrade', (req, socket, head) => void hub.handleUpgrade(req, socket, head))
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
    try {
      const sock = await TestSocket.open(`http://127.0.0.1:${(http.address() as { port: number }).port}`, start)
      expect(sock.events().map((e) => (e.data as { id: string }).id)).toEqual(['mine'])
      sock.close()
    } finally {
      await hub.close()
      await new Promise((r) => http.close(r))
    }
  })
})
