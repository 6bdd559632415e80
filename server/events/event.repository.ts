import { sql, type Transaction } from 'kysely'
import type { Database, Executor } from '../db/database.js'

export const EVENTS_CHANNEL = 'sigap_events'

export interface StoredEvent {
  seq: number
  type: string
  data: unknown
  created_at: Date
}


/** Events waiting to be written at the end of a transaction (see withEventBatch). */
const batches = new WeakMap<object, { type: string; data: unknown }[]>()

/**
 * Appends an event in the caller's transaction and NOTIFYs the other processes, which
 * PostgreSQL delivers only if and when the transaction commits. One round trip, or none
 * inside withEventBatch (the event is written with the batch, in the order appended). Returns
 * its sequence number, or null inside a batch (numbered when the batch is written).
 */
export async function appendEvent(trx: Executor, type: string, data: unknown): Promise<number | null> {
  const batch = batches.get(trx)
  if (batch) {
    batch.push({ type, data })
    return null
  }
  const res = await sql<{ seq: number }>`
    WITH e AS (INSERT INTO events (type, data) VALUES (${type}, ${JSON.stringify(data)}::jsonb) RETURNING seq)
    SELECT seq, pg_notify(${EVENTS_CHANNEL}, seq::text) FROM e`.execute(trx)
  return Number(res.rows[0]!.seq)
}

/** Many events of one type, in one statement (or into the transaction's batch). */
export async function appendEvents(trx: Executor, type: string, datas: unknown[]): Promise<void> {
  const batch = batches.get(trx)
  if (batch) {
    for (const data of datas) batch.push({ type, data })
    return
  }
  await insertEvents(trx, datas.map((data) => ({ type, data })))
}

/**
 * Runs `work` with the events it appends on `trx` held back and written together, in order,
 * by one statement at its end: the intake appends three or four events a report, and each
 * round trip costs more than the row it writes. The caller commits after this returns.
 */
export async function withEventBatch<T>(trx: Transaction<Database>, work: () => Promise<T>): Promise<T> {
  const batch: { type: string; data: unknown }[] = []
  batches.set(trx, batch)
  try {
    const result = await work()
    await insertEvents(trx, batch)
    return result
  } finally {
    batches.delete(trx)
  }
}

async function insertEvents(trx: Executor, events: { type: string; data: unknown }[]): Promise<void> {
  if (events.length === 0) return
  // Sequence numbers follow the order of the list: rows are numbered as the ordered SELECT yields them.
  await sql`
    WITH e AS (
      INSERT INTO events (type, data)
      SELECT x.e->>'type', x.e->'data' FROM jsonb_array_elements(${JSON.stringify(events)}::jsonb) WITH ORDINALITY AS x(e, n) ORDER BY x.n
      RETURNING seq)
    SELECT pg_notify(${EVENTS_CHANNEL}, max(seq)::text) FROM e`.execute(trx)
}

export interface EventPage {
  events: StoredEvent[]
  /** Oldest transaction still running when the page was read: every older one has ended. */
  xmin: string
  /** Next transaction id to be assigned when the page was read. */
  xmax: string
}

/** Events after `after`, oldest first, read in one snapshot together with that snapshot's bounds. */
export async function readEventsAfter(db: Executor, after: number, limit: number): Promise<EventPage> {
  const res = await sql<{ seq: number | null; type: string | null; data: unknown; created_at: Date | null; xmin: string; xmax: string }>`
    SELECT e.seq, e.type, e.data, e.created_at,
           pg_snapshot_xmin(s.snap)::text AS xmin, pg_snapshot_xmax(s.snap)::text AS xmax
    FROM (SELECT pg_current_snapshot() AS snap) s
    LEFT JOIN LATERAL (
      SELECT seq, type, data, created_at FROM events WHERE seq > ${after} ORDER BY seq LIMIT ${limit}
    ) e ON true
    ORDER BY e.seq`.execute(db)
  const first = res.rows[0]
  return {
    events: res.rows
      .filter((r) => r.seq !== null)
      .map((r) => ({ seq: r.seq!, type: r.type!, data: r.data, created_at: r.created_at! })),
    xmin: first?.xmin ?? '0',
    xmax: first?.xmax ?? '0',
  }
}

export async function latestSeq(db: Executor): Promise<number> {
  const r = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst()
  return Number(r?.seq ?? 0)
}
