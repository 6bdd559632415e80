import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database, Executor } from '../db/database.js'
import { parseEvent, scopeOf, type Audience, type EventData, type EventType } from './event.catalog.js'
import { visibleSql, type EventViewer } from './event.visibility.js'

export const EVENTS_CHANNEL = 'sigap_events'

export interface StoredEvent {
  seq: number
  type: string
  data: unknown
  created_at: Date
  /** Who may see it (event.catalog.ts, filled at append): see event.visibility.ts. */
  audience: Audience | string
  region_codes: string[]
  agency_codes: string[]
}

/** An event checked against the catalogue, with the scope its payload declares. */
interface Checked {
  type: string
  data: unknown
  audience: Audience
  regions: string[]
  agencies: string[]
  incidents: string[]
  reports: string[]
}

const present = (xs: (string | null | undefined)[] | undefined) => [...new Set((xs ?? []).filter((x): x is string => typeof x === 'string' && x !== ''))]

/**
 * Refuses a type the catalogue does not know or a payload that does not match it (EventRefused,
 * a programming error: the caller's transaction rolls back), and works out its scope. Always,
 * in production too: it costs microseconds an event (docs/architecture.md, "Event catalogue").
 */
function check(type: EventType, data: unknown): Checked {
  const s = scopeOf(type, parseEvent(type, data))
  return { type, data, audience: s.audience, regions: present(s.regions), agencies: present(s.agencies), incidents: present(s.incidents), reports: present(s.reports) }
}

/** Events waiting to be written at the end of a transaction (holdingEvents, in writeAndPublish). */
const batches = new WeakMap<object, Checked[]>()

/**
 * Appends an event in the caller's transaction and NOTIFYs the other processes, which
 * PostgreSQL delivers only if and when the transaction commits. One round trip, or none
 * inside writeAndPublish (the event is written with the batch, in the order appended). Returns
 * its sequence number, or null inside a batch (numbered when the batch is written).
 */
export async function appendEvent<T extends EventType>(trx: Executor, type: T, data: EventData<T>): Promise<number | null> {
  const ev = check(type, data)
  const batch = batches.get(trx)
  if (batch) {
    batch.push(ev)
    return null
  }
  const [written] = await insertEvents(trx, [ev])
  return written!.seq
}

/** Many events of one type, in one statement (or into the transaction's batch). */
export async function appendEvents<T extends EventType>(trx: Executor, type: T, datas: EventData<T>[]): Promise<void> {
  const checked = datas.map((data) => check(type, data))
  const batch = batches.get(trx)
  if (batch) {
    batch.push(...checked)
    return
  }
  await insertEvents(trx, checked)
}

/**
 * Runs `work` with the events it appends on `trx` held back (appendEvent) and answers them, in
 * order, to be written together by one statement at the end (writeAndPublish): the intake
 * appends three or four events a report, and each round trip costs more than the row it writes.
 */
async function holdingEvents<T>(trx: Transaction<Database>, work: () => Promise<T>): Promise<{ result: T; events: Checked[] }> {
  const events: Checked[] = []
  batches.set(trx, events)
  try {
    return { result: await work(), events }
  } finally {
    batches.delete(trx)
  }
}

/** The statement that writes the events (sigap_append_events, migrations/functions/events.sql). */
const appendStatement = (events: Checked[]) => sql<{ at: Date; written: string }>`
  SELECT * FROM sigap_append_events(${JSON.stringify(events)}::jsonb, ${EVENTS_CHANNEL})`

/** The events as stored, in order, from the statement's answer: the seq and the scope of each. */
function storedOf(events: Checked[], row: { at: Date; written: string }): StoredEvent[] {
  const written = JSON.parse(row.written) as [number, string[], string[]][]
  return written.map(([seq, region_codes, agency_codes], i) => {
    const ev = events[i]!
    return { seq, type: ev.type, data: ev.data, created_at: row.at, audience: ev.audience, region_codes, agency_codes }
  })
}

/** Writes the events in one call and answers them as stored, in order (outside writeAndPublish). */
async function insertEvents(trx: Executor, events: Checked[]): Promise<StoredEvent[]> {
  if (events.length === 0) return []
  const res = await appendStatement(events).execute(trx)
  return storedOf(events, res.rows[0]!)
}

/**
 * Sends the statement that writes the events on the transaction's connection and returns before
 * its answer (in a box: an awaited promise would wait for it), so that the caller's COMMIT is
 * sent right behind it (pipelined: server/db/pipelined-dialect.ts). Should the statement fail,
 * the transaction is aborted and PostgreSQL answers that COMMIT by rolling back: the answer
 * here rejects, and its caller must await it before taking the transaction as committed.
 */
async function sendEvents(trx: Transaction<Database>, events: Checked[]): Promise<{ answer: Promise<StoredEvent[]> }> {
  if (events.length === 0) return { answer: Promise.resolve([]) }
  const compiled = appendStatement(events).compile(trx)
  return trx.getExecutor().provideConnection(async (connection) => {
    // Sent here, on this call (a driver's executeQuery writes the statement before it awaits).
    const answer = connection.executeQuery<{ at: Date; written: string }>(compiled).then((res) => storedOf(events, res.rows[0]!))
    answer.catch(() => {}) // awaited by the caller, after its COMMIT
    return { answer }
  })
}

/** What writeAndPublish needs of the feed (event.feed.ts EventFeed). */
export interface OwnEventsFeed {
  expecting(written: StoredEvent[]): { committed(): void; failed(): void }
}

/**
 * Runs `work` in a transaction with its events held back, writes them with one statement sent
 * together with the COMMIT (sendEvents), and hands them to this process's feed as written
 * (EventFeed.expecting, before the commit's answer): the writer's own screens get them without
 * a read of the log.
 */
export async function writeAndPublish<T>(db: Kysely<Database>, feed: OwnEventsFeed, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  let pending: ReturnType<OwnEventsFeed['expecting']> | undefined
  let written: Promise<StoredEvent[]> | undefined
  try {
    const result = await db.transaction().execute(async (trx) => {
      const { result, events } = await holdingEvents(trx, () => work(trx))
      const { answer } = await sendEvents(trx, events)
      written = answer.then((w) => {
        pending = feed.expecting(w)
        return w
      })
      written.catch(() => {}) // awaited below, after the commit
      return result
    })
    // Committed only if the events were written: otherwise the COMMIT rolled back (sendEvents).
    await written
    pending?.committed()
    return result
  } catch (err) {
    pending?.failed()
    throw err
  }
}

export interface EventPage {
  events: StoredEvent[]
  /** Oldest transaction still running when the page was read: every older one has ended. */
  xmin: string
  /** Next transaction id to be assigned when the page was read. */
  xmax: string
}

type EventRow = { [K in keyof StoredEvent]: StoredEvent[K] | null }

/**
 * Events after `after`, oldest first, read in one snapshot together with that snapshot's bounds.
 * With `only`, just those up to `upTo` that viewer may see (a replay: the filter is in the query).
 */
export async function readEventsAfter(db: Executor, after: number, limit: number, only?: { viewer: EventViewer; upTo: number }): Promise<EventPage> {
  const where = only ? sql`AND e.seq <= ${only.upTo} AND ${visibleSql(only.viewer)}` : sql``
  const res = await sql<EventRow & { xmin: string; xmax: string }>`
    SELECT e.seq, e.type, e.data, e.created_at, e.audience, e.region_codes, e.agency_codes,
           pg_snapshot_xmin(s.snap)::text AS xmin, pg_snapshot_xmax(s.snap)::text AS xmax
    FROM (SELECT pg_current_snapshot() AS snap) s
    LEFT JOIN LATERAL (
      SELECT e.seq, e.type, e.data, e.created_at, e.audience, e.region_codes, e.agency_codes
      FROM events e WHERE e.seq > ${after} ${where} ORDER BY e.seq LIMIT ${limit}
    ) e ON true
    ORDER BY e.seq`.execute(db)
  const first = res.rows[0]
  return {
    events: res.rows
      .filter((r) => r.seq !== null)
      .map((r) => ({
        seq: Number(r.seq),
        type: r.type!,
        data: r.data,
        created_at: r.created_at!,
        audience: r.audience!,
        region_codes: r.region_codes ?? [],
        agency_codes: r.agency_codes ?? [],
      })),
    xmin: first?.xmin ?? '0',
    xmax: first?.xmax ?? '0',
  }
}

export async function latestSeq(db: Executor): Promise<number> {
  const r = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst()
  return Number(r?.seq ?? 0)
}
