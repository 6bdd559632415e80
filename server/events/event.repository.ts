import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../db/database.js'

export const EVENTS_CHANNEL = 'sigap_events'

export interface StoredEvent {
  seq: number
  type: string
  data: unknown
  created_at: Date
}

type Executor = Kysely<Database> | Transaction<Database>

/**
 * Appends an event in the caller's transaction and NOTIFYs the other processes, which
 * PostgreSQL delivers only if and when the transaction commits. One round trip.
 */
export async function appendEvent(trx: Executor, type: string, data: unknown): Promise<number> {
  const res = await sql<{ seq: number }>`
    WITH e AS (INSERT INTO events (type, data) VALUES (${type}, ${JSON.stringify(data)}::jsonb) RETURNING seq)
    SELECT seq, pg_notify(${EVENTS_CHANNEL}, seq::text) FROM e`.execute(trx)
  return res.rows[0]!.seq
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
