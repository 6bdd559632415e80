import { sql, type Kysely } from 'kysely'
import type { Database, OutboxMessage } from '../db/database.js'
import type { Logger } from '../logger.js'

/** Where replies to citizens go out; a deployment connects the real API (GraphApiSender). */
export interface MessageSender {
  /** Throws when the message was not accepted; the outbox then tries again later. */
  send(msg: { channel: string; to: string; body: string }): Promise<void>
}

/** Keeps the country code and the last 4 digits: enough to tell two people apart in a log, not to call them. */
export function maskPhone(phone: string): string {
  const d = phone.replace(/[^0-9+]/g, '')
  if (d.length <= 6) return '*'.repeat(d.length)
  return `${d.slice(0, 3)}${'*'.repeat(d.length - 7)}${d.slice(-4)}`
}

/** The default sender: writes what would have been sent to the log, with the number masked. */
export class LoggingSender implements MessageSender {
  constructor(private readonly log: Logger) {}
  async send(msg: { channel: string; to: string; body: string }): Promise<void> {
    this.log.info(`${msg.channel} → ${maskPhone(msg.to)}: ${msg.body.replace(/\s+/g, ' ').slice(0, 160)}`)
  }
}

/**
 * Queues a reply in the caller's transaction (or on its own); the same dedup_key twice is one
 * message. With a supersedeKey, the older messages of that key still waiting are not sent: this
 * one says what they said, newer (a ticket's state, as it is now). A message that `keep`s is
 * never replaced itself (it carries more than the state: the resolution's rating invitation).
 */
export async function enqueueMessage(
  db: Kysely<Database>,
  msg: { channel: string; to: string; body: string; dedupKey: string; supersedeKey?: string; keep?: boolean },
): Promise<boolean> {
  const r = await db
    .insertInto('outbox_messages')
    .values({ channel: msg.channel, recipient: msg.to, body: msg.body, dedup_key: msg.dedupKey, supersede_key: msg.keep ? null : (msg.supersedeKey ?? null) })
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (r && msg.supersedeKey !== undefined) {
    await db
      .updateTable('outbox_messages')
      .set({ status: 'superseded' })
      .where('supersede_key', '=', msg.supersedeKey)
      .where('status', '=', 'pending')
      .where('id', '<', r.id)
      .execute()
  }
  return r !== undefined
}

const LEASE = sql`interval '2 minutes'`
const MAX_ATTEMPTS = 10

/**
 * Sends what is due. Each message is first leased (its next attempt pushed 2 minutes on) so
 * that two processes never send the same one; a crash mid-send retries after the lease.
 */
export async function deliverOutbox(db: Kysely<Database>, sender: MessageSender, log: Logger, limit = 20): Promise<{ sent: number; failed: number }> {
  const leased = await sql<OutboxMessage>`
    UPDATE outbox_messages SET next_attempt_at = now() + ${LEASE}
    WHERE id IN (
      SELECT id FROM outbox_messages WHERE status = 'pending' AND next_attempt_at <= now()
      ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED
    )
    RETURNING *`.execute(db)
  let sent = 0
  let failed = 0
  for (const m of leased.rows.sort((a, b) => a.id - b.id)) {
    try {
      await sender.send({ channel: m.channel, to: m.recipient, body: m.body })
      await db.updateTable('outbox_messages').set({ status: 'sent', sent_at: sql`now()`, attempts: m.attempts + 1, last_error: null }).where('id', '=', m.id).execute()
      sent++
    } catch (err) {
      failed++
      const attempts = m.attempts + 1
      const backoffS = Math.min(3600, 15 * 2 ** attempts)
      log.error(`outbox ${m.id} to ${maskPhone(m.recipient)} failed (attempt ${attempts}): ${(err as Error).message}`)
      await db
        .updateTable('outbox_messages')
        .set({
          attempts,
          last_error: (err as Error).message.slice(0, 500),
          status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
          next_attempt_at: sql`now() + make_interval(secs => ${backoffS})`,
        })
        .where('id', '=', m.id)
        .execute()
    }
  }
  return { sent, failed }
}
