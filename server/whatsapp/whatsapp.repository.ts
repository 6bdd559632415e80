import { sql, type Transaction } from 'kysely'
import type { Database, Executor, WhatsappConversation } from '../db/database.js'


/** Records a message id; false when it was seen before (a replay or a re-delivery). */
export async function markSeen(trx: Executor, messageId: string, sentAt: Date): Promise<boolean> {
  const r = await trx
    .insertInto('whatsapp_seen_messages')
    .values({ message_id: messageId, sent_at: sentAt })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .returning('message_id')
    .executeTakeFirst()
  return r !== undefined
}

export interface MessagePart {
  messageId: string
  sender: string
  senderName: string | null
  text: string | null
  location: { lat: number; lon: number; name?: string; address?: string } | null
  media: { id: string; mime_type?: string; caption?: string } | null
}

/**
 * Adds a message to the sender's open conversation, or opens one. The partial unique index
 * (one open conversation per sender) makes concurrent first messages meet in one row.
 */
export async function addToConversation(trx: Transaction<Database>, m: MessagePart): Promise<WhatsappConversation> {
  const texts = JSON.stringify(m.text ? [m.text] : [])
  const media = JSON.stringify(m.media ? [m.media] : [])
  const location = m.location ? JSON.stringify(m.location) : null
  const r = await sql<WhatsappConversation>`
    INSERT INTO whatsapp_conversations (sender, sender_name, first_message_id, message_ids, texts, location, media)
    VALUES (${m.sender}, ${m.senderName}, ${m.messageId}, ARRAY[${m.messageId}]::text[], ${texts}::jsonb, ${location}::jsonb, ${media}::jsonb)
    ON CONFLICT (sender) WHERE status = 'open' DO UPDATE SET
      sender_name = coalesce(EXCLUDED.sender_name, whatsapp_conversations.sender_name),
      message_ids = whatsapp_conversations.message_ids || EXCLUDED.message_ids,
      texts = whatsapp_conversations.texts || EXCLUDED.texts,
      location = coalesce(EXCLUDED.location, whatsapp_conversations.location),
      media = whatsapp_conversations.media || EXCLUDED.media,
      last_message_at = now()
    RETURNING *`.execute(trx)
  return r.rows[0]!
}

/**
 * A photo sent just after the report was made (people often share the location first)
 * belongs to that report: the sender's conversation flushed within the window, when the
 * sender has no open one. Records the photo on it and returns it.
 */
export async function addLatePhoto(trx: Transaction<Database>, m: MessagePart, windowS: number): Promise<WhatsappConversation | undefined> {
  if (!m.media || m.location) return undefined
  const open = await trx.selectFrom('whatsapp_conversations').select('id').where('sender', '=', m.sender).where('status', '=', 'open').executeTakeFirst()
  if (open) return undefined
  const r = await sql<WhatsappConversation>`
    UPDATE whatsapp_conversations SET media = media || ${JSON.stringify([m.media])}::jsonb,
      message_ids = message_ids || ARRAY[${m.messageId}]::text[],
      texts = texts || ${JSON.stringify(m.text ? [m.text] : [])}::jsonb
    WHERE id = (
      SELECT id FROM whatsapp_conversations
      WHERE sender = ${m.sender} AND status = 'flushed' AND report_id IS NOT NULL
        AND flushed_at > now() - make_interval(secs => ${windowS})
      ORDER BY flushed_at DESC LIMIT 1 FOR UPDATE
    )
    RETURNING *`.execute(trx)
  return r.rows[0]
}

/**
 * Claims an open conversation for a report: from here on, new messages from the sender open
 * a new conversation. Null when another worker claimed it first.
 */
export async function claimConversation(db: Executor, id: string): Promise<WhatsappConversation | undefined> {
  return db
    .updateTable('whatsapp_conversations')
    .set({ status: 'flushed', flushed_at: sql`now()` })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst()
}

/**
 * What the timer must look at: open conversations quiet for longer than the window (unless
 * only waiting for a location after a reminder, and not yet too old), and claimed ones whose
 * report never got stored (a crash between claim and intake).
 */
export async function dueConversations(db: Executor, windowS: number, maxAgeS: number, limit = 100) {
  return db
    .selectFrom('whatsapp_conversations')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([
          eb('status', '=', 'open'),
          eb('last_message_at', '<', sql<Date>`now() - make_interval(secs => ${windowS})`),
          eb.or([
            eb('location', 'is not', null),
            eb('reminded_at', 'is', null),
            eb('started_at', '<', sql<Date>`now() - make_interval(secs => ${maxAgeS})`),
          ]),
        ]),
        eb.and([eb('status', '=', 'flushed'), eb('report_id', 'is', null), eb('flushed_at', '<', sql<Date>`now() - interval '1 minute'`)]),
      ]),
    )
    .orderBy('last_message_at')
    .limit(limit)
    .execute()
}

export async function pruneSeen(db: Executor, olderThanS: number): Promise<void> {
  await db.deleteFrom('whatsapp_seen_messages').where('received_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanS})`).execute()
}
