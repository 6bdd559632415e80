import { sql } from 'kysely'
import type { WhatsappConversation } from '../db/database.js'
import type { StoredEvent } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'
import { guessCategory } from '../imports/category.guess.js'
import { channelMessages } from '../metrics/metrics.js'
import { ticketNumber } from '../open311/open311.service.js'
import { rateByToken } from '../ratings/rating.service.js'
import { ratingTokenOf } from '../status/status.repository.js'
import { statusLinkPath } from '../status/status.service.js'
import { attachPhotos } from '../photos/photo.service.js'
import { ReportInput } from '../reports/report.schema.js'
import { intakeReport } from '../reports/report.service.js'
import { maskPhone, enqueueMessage } from './outbox.js'
import { whatsappServices } from './whatsapp.context.js'
import { addLatePhoto, addToConversation, claimConversation, dueConversations, markSeen, pruneSeen, type MessagePart } from './whatsapp.repository.js'
import { WaMessage, type WaWebhook } from './whatsapp.schema.js'

const FUTURE_SLACK_S = 300

export interface WebhookOutcome {
  accepted: number
  duplicates: number
  stale: number
  ignored: number
  reports: string[]
}

/**
 * Takes in one webhook delivery. Every message is recorded (replay guard + its sender's
 * conversation) in one transaction before the answer, so an accepted message survives a
 * restart; a conversation that has a location and words or a photo becomes a report now,
 * others wait for the timer (`tick`).
 */
export async function receiveWebhook(deps: Deps, payload: WaWebhook, now = new Date()): Promise<WebhookOutcome> {
  const out: WebhookOutcome = { accepted: 0, duplicates: 0, stale: 0, ignored: 0, reports: [] }
  const ready = new Set<string>()
  const maxAge = deps.config.SIGAP_WHATSAPP_MAX_AGE_S
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue
      const names = new Map((change.value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name ?? null]))
      for (const raw of change.value.messages ?? []) {
        const parsed = WaMessage.safeParse(raw)
        if (!parsed.success) {
          out.ignored++
          continue
        }
        const msg = parsed.data
        const ageS = now.getTime() / 1000 - msg.timestamp
        if (ageS > maxAge || ageS < -FUTURE_SLACK_S) {
          // An old message is a replay (or a delivery so late its context is gone).
          out.stale++
          continue
        }
        const part = toPart(msg, names.get(msg.from) ?? null)
        const rating = part ? await ratingReply(deps, part) : null
        const conv = await deps.db.db.transaction().execute(async (trx) => {
          if (!(await markSeen(trx, msg.id, new Date(msg.timestamp * 1000)))) return 'duplicate' as const
          if (!part) return 'ignored' as const
          if (rating) return 'rating' as const
          const late = await addLatePhoto(trx, part, deps.config.SIGAP_WHATSAPP_WINDOW_S)
          return late ? { late, media: part.media! } : addToConversation(trx, part)
        })
        if (conv === 'duplicate') out.duplicates++
        else if (conv === 'ignored') out.ignored++
        else if (conv === 'rating') {
          out.accepted++
          await rateByToken(deps, rating!.token, rating!.score, null)
          await enqueueMessage(deps.db.db, {
            channel: 'whatsapp',
            to: msg.from,
            dedupKey: `rated:${msg.id}`,
            body: `Terima kasih, penilaian Anda (${rating!.score} dari 5) untuk tiket ${ticketNumber(rating!.reportId)} sudah kami catat.`,
          })
        }
        else if ('late' in conv) {
          out.accepted++
          await attachMedia(deps, { ...conv.late, media: [conv.media] }, conv.late.report_id!)
        } else {
          out.accepted++
          if (isReady(conv)) ready.add(conv.id)
        }
      }
    }
  }
  channelMessages.inc({ channel: 'whatsapp', outcome: 'accepted' }, out.accepted)
  channelMessages.inc({ channel: 'whatsapp', outcome: 'duplicate' }, out.duplicates)
  channelMessages.inc({ channel: 'whatsapp', outcome: 'rejected' }, out.stale)
  channelMessages.inc({ channel: 'whatsapp', outcome: 'ignored' }, out.ignored)
  for (const id of ready) {
    try {
      const reportId = await flushConversation(deps, id)
      if (reportId) out.reports.push(reportId)
    } catch (err) {
      // Stored and claimed or still open: the timer finishes it.
      deps.log.error(`whatsapp: conversation ${id} not turned into a report yet: ${(err as Error).message}`)
    }
  }
  return out
}

function toPart(m: WaMessage, name: string | null): MessagePart | null {
  const base = { messageId: m.id, sender: m.from, senderName: name, text: null, location: null, media: null }
  if (m.type === 'text' && m.text?.body.trim()) return { ...base, text: m.text.body.trim() }
  if (m.type === 'location' && m.location) {
    const { latitude, longitude, name: place, address } = m.location
    return { ...base, location: { lat: latitude, lon: longitude, ...(place ? { name: place } : {}), ...(address ? { address } : {}) } }
  }
  if (m.type === 'image' && m.image) {
    const caption = m.image.caption?.trim()
    return { ...base, text: caption || null, media: { id: m.image.id, ...(m.image.mime_type ? { mime_type: m.image.mime_type } : {}) } }
  }
  return null
}

const isReady = (c: WhatsappConversation) => c.location !== null && (c.texts.length > 0 || c.media.length > 0)

/** Turns a conversation into a report (idempotent: its first message id is the channel id). */
export async function flushConversation(deps: Deps, id: string): Promise<string | null> {
  const db = deps.db.db
  let conv = await claimConversation(db, id)
  if (!conv) {
    // Already claimed: finish it if an earlier attempt stopped before storing the report.
    conv = await db.selectFrom('whatsapp_conversations').selectAll().where('id', '=', id).executeTakeFirst()
    if (!conv || conv.status !== 'flushed' || conv.report_id) return null
  }
  if (!conv.location) return null
  const text = conv.texts.join('\n').trim()
  const description = text || [conv.location.name, conv.location.address].filter(Boolean).join(', ') || 'Laporan WhatsApp (lokasi dan foto, tanpa keterangan)'
  const input = ReportInput.parse({
    channel: 'whatsapp',
    external_id: conv.first_message_id,
    category: guessCategory(text),
    description: description.slice(0, 5000),
    location: { lat: conv.location.lat, lon: conv.location.lon },
    ...(conv.location.address || conv.location.name ? { claimed_region: (conv.location.address ?? conv.location.name)!.slice(0, 200) } : {}),
    reported_at: conv.started_at.toISOString(),
    reporter: {
      ...(conv.sender_name ? { name: conv.sender_name.slice(0, 200) } : {}),
      phone: `+${conv.sender}`,
      // "#rahasia" (or "rahasia" alone) in a message asks for private mode.
      private: /(^|\s)#?rahasia\b/i.test(text),
    },
  })
  const { report } = await intakeReport(deps, input, null)
  await db.updateTable('whatsapp_conversations').set({ report_id: report.id }).where('id', '=', conv.id).execute()
  const category = await deps.categories.get(report.category_code)
  await enqueueMessage(db, {
    channel: 'whatsapp',
    to: conv.sender,
    dedupKey: `ack:${report.id}`,
    body:
      `Terima kasih, laporan Anda sudah kami terima.\nNomor tiket: ${ticketNumber(report.id)}\nKategori: ${category?.name_id ?? report.category_code}` +
      `${report.region_name ? `\nLokasi: ${report.region_name}` : ''}\nKami akan mengabarkan perkembangannya melalui WhatsApp ini.` +
      (deps.config.SIGAP_PUBLIC_URL ? `\nCek status: ${deps.config.SIGAP_PUBLIC_URL}${await statusLinkPath(db, report.id)}` : ''),
  })
  await attachMedia(deps, conv, report.id)
  return report.id
}

/** Downloads the conversation's images and attaches them; a failure costs the photo, never the report. */
async function attachMedia(deps: Deps, conv: WhatsappConversation, reportId: string): Promise<void> {
  const { media } = whatsappServices(deps)
  if (!media || conv.media.length === 0) return
  for (const m of conv.media) {
    try {
      const { bytes } = await media.fetch(m.id)
      await attachPhotos(deps, { reportId }, [{ name: `whatsapp ${m.id}`, bytes }], 'whatsapp')
    } catch (err) {
      deps.log.error(`whatsapp: photo ${m.id} of ${maskPhone(conv.sender)} not attached: ${(err as Error).message}`)
    }
  }
}

/**
 * The timer's work: flush quiet conversations that have a location, remind senders who
 * never sent one (once), give up on those older than the accepted message age, finish
 * flushes a crash interrupted, and forget message ids too old to be replayed.
 */
export async function tick(deps: Deps): Promise<{ flushed: number; reminded: number; abandoned: number }> {
  const { SIGAP_WHATSAPP_WINDOW_S: windowS, SIGAP_WHATSAPP_MAX_AGE_S: maxAgeS } = deps.config
  const db = deps.db.db
  const res = { flushed: 0, reminded: 0, abandoned: 0 }
  for (const c of await dueConversations(db, windowS, maxAgeS)) {
    try {
      if (c.location || c.status === 'flushed') {
        if (await flushConversation(deps, c.id)) res.flushed++
      } else if (c.started_at.getTime() < Date.now() - maxAgeS * 1000) {
        const gone = await db
          .updateTable('whatsapp_conversations')
          .set({ status: 'abandoned' })
          .where('id', '=', c.id)
          .where('status', '=', 'open')
          .executeTakeFirst()
        if (Number(gone.numUpdatedRows) > 0) {
          res.abandoned++
          await enqueueMessage(db, {
            channel: 'whatsapp',
            to: c.sender,
            dedupKey: `abandoned:${c.id}`,
            body: 'Pesan Anda belum dapat kami proses menjadi laporan karena lokasinya tidak dikirim. Silakan kirim ulang keterangan beserta lokasi (Bagikan Lokasi).',
          })
        }
      } else if (!c.reminded_at) {
        await db.updateTable('whatsapp_conversations').set({ reminded_at: sql`now()` }).where('id', '=', c.id).execute()
        await enqueueMessage(db, {
          channel: 'whatsapp',
          to: c.sender,
          dedupKey: `remind:${c.id}`,
          body: 'Terima kasih. Agar laporan dapat ditindaklanjuti, mohon kirim lokasi kejadian melalui fitur "Bagikan Lokasi" (Share Location).',
        })
        res.reminded++
      }
    } catch (err) {
      deps.log.error(`whatsapp: conversation ${c.id}: ${(err as Error).message}`)
    }
  }
  await pruneSeen(db, 2 * maxAgeS)
  return res
}

const STATUS_ID: Record<string, string> = {
  verified: 'sudah diverifikasi',
  field_check: 'sedang dicek di lokasi oleh tim khusus',
  waiting_reporter: 'memerlukan keterangan tambahan dari Anda: balas pesan ini dengan keterangan atau foto',
  dispatched: 'diteruskan ke dinas terkait',
  in_progress: 'sedang dikerjakan',
  resolved: 'selesai ditangani',
  closed: 'ditutup',
  rejected: 'ditolak',
  reopened: 'dibuka kembali',
}

/**
 * The incident and its new state, from an event: `ticket.transitioned` ({ ticket: { id },
 * to }) as the tickets module writes it, or any event whose data names an incident
 * (`incident_id`, or `id` on incident.* events) and a `status`.
 */
export function statusChangeOf(ev: StoredEvent): { incidentId: string; status: string } | null {
  const d = (ev.data ?? {}) as { id?: unknown; incident_id?: unknown; status?: unknown; to?: unknown; ticket?: { id?: unknown } }
  if (ev.type === 'ticket.transitioned' && typeof d.ticket?.id === 'string' && typeof d.to === 'string') return { incidentId: d.ticket.id, status: d.to }
  const incidentId = typeof d.incident_id === 'string' ? d.incident_id : ev.type.startsWith('incident.') && typeof d.id === 'string' ? d.id : null
  return incidentId && typeof d.status === 'string' ? { incidentId, status: d.status } : null
}

/**
 * Tells reporters when their ticket changes state: WhatsApp reporters on WhatsApp, and callers
 * who agreed (report_contact_consents) by the way they agreed, SMS or WhatsApp. One message per
 * report and state however often the event is seen (dedup key), in however many processes; of
 * a report's messages waiting to go out, only the newest state is sent (supersede key).
 */
export async function notifyStatusChanges(deps: Deps, events: StoredEvent[]): Promise<number> {
  let queued = 0
  for (const ev of events) {
    const change = statusChangeOf(ev)
    if (!change || !STATUS_ID[change.status]) continue
    const { incidentId, status } = change
    const rows = await deps.db.db
      .selectFrom('reports')
      .leftJoin('report_contact_consents as k', 'k.report_id', 'reports.id')
      .select(['reports.id', 'reports.reporter_phone', 'k.via'])
      .where('reports.incident_id', '=', incidentId)
      .where('reports.reporter_phone', 'is not', null)
      // WhatsApp reporters, and callers who agreed to be told.
      .where((eb) => eb.or([eb('reports.channel', '=', 'whatsapp'), eb('k.via', 'is not', null)]))
      .execute()
    for (const r of rows) {
      const sms = r.via === 'sms'
      const ok = await enqueueMessage(deps.db.db, {
        channel: sms ? 'sms' : 'whatsapp',
        to: waNumber(r.reporter_phone!),
        dedupKey: `status:${r.id}:${status}`,
        // Only the newest state of a report goes out when several wait at once; but the
        // resolution always does, for its invitation to rate (a close right after it must not
        // take that away).
        supersedeKey: `status:${r.id}`,
        keep: status === 'resolved',
        // An SMS cannot be replied to: no "reply with…" in it.
        body: `Tiket ${ticketNumber(r.id)}: laporan Anda ${sms ? STATUS_ID[status]!.split(':')[0] : STATUS_ID[status]}.` + (status === 'resolved' ? await (sms ? smsRatingPrompt : ratingPrompt)(deps, r.id) : ''),
      })
      if (ok) queued++
    }
  }
  return queued
}

/** An SMS cannot be answered with a digit (no SMS comes in): the rating page, when the public address is known. */
async function smsRatingPrompt(deps: Deps, reportId: string): Promise<string> {
  const token = await ratingTokenOf(deps.db.db, reportId)
  const base = deps.config.SIGAP_PUBLIC_URL
  return token && base ? `\nMohon nilai penanganannya: ${base}/nilai/${token}` : ''
}

/**
 * What a resolution message adds: how to rate (a reply 1-5, read by `ratingReply`), and the
 * rating page when the server's public address is known.
 */
async function ratingPrompt(deps: Deps, reportId: string): Promise<string> {
  const token = await ratingTokenOf(deps.db.db, reportId)
  if (!token) return ''
  const base = deps.config.SIGAP_PUBLIC_URL
  return (
    '\nMohon nilai penanganannya: balas pesan ini dengan angka 1 (sangat buruk) sampai 5 (sangat baik).' +
    (base ? `\nAtau isi penilaian dan survei kepuasan di ${base}/nilai/${token}` : '')
  )
}

/** Replies within this many days of a resolution may rate it. */
const RATING_REPLY_DAYS = 30

/**
 * A message that is only a digit 1-5, from a sender whose WhatsApp report was resolved (or
 * closed) lately, is that report's rating; answers its rating link token, or null when the
 * message is not a rating (it then joins the sender's conversation as usual).
 */
export async function ratingReply(deps: Deps, part: MessagePart): Promise<{ token: string; score: number; reportId: string } | null> {
  const m = part.text && !part.location && !part.media ? /^\s*([1-5])\s*[.!]?\s*$/.exec(part.text) : null
  if (!m) return null
  const row = await deps.db.db
    .selectFrom('reports as r')
    .innerJoin('rating_links as l', 'l.report_id', 'r.id')
    .innerJoin('incidents as i', 'i.id', 'l.incident_id')
    .select(['l.token', 'r.id'])
    .where('r.channel', '=', 'whatsapp')
    .where('r.reporter_phone', '=', `+${part.sender}`)
    .where('i.status', 'in', ['resolved', 'closed'])
    .where('i.resolved_at', '>', new Date(Date.now() - RATING_REPLY_DAYS * 86_400_000))
    .orderBy('i.resolved_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row ? { token: row.token, score: Number(m[1]), reportId: row.id } : null
}

/** A phone as WhatsApp addresses it: digits only, a national 0 as Indonesia's 62 (a caller says 0812...). */
export const waNumber = (phone: string) => phone.replace(/\D/g, '').replace(/^0/, '62')
