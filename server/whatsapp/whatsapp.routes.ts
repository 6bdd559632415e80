import { timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import type { AppEnv } from '../http/context.js'
import { AppError, parseOr422 } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { channelMessages } from '../metrics/metrics.js'
import { cleanDeep } from '../http/text.js'
import { validSignature } from './whatsapp.signature.js'
import { WaHandshake, WaWebhook } from './whatsapp.schema.js'
import { receiveWebhook } from './whatsapp.service.js'

// Cloud API deliveries are small; a few hundred KB covers a batch of messages.
const MAX_BODY = 512 * 1024

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const handshake = defineRoute({
  method: 'get',
  path: '/webhooks/whatsapp',
  tags: ['whatsapp'],
  summary: 'WhatsApp Cloud API verification handshake: answers hub.challenge when hub.verify_token matches',
  query: WaHandshake,
  names: { query: 'handshake' },
  responses: { '200': { description: 'The challenge, as text' }, '403': { description: 'Wrong verify token' } },
})

/** The WhatsApp Cloud API webhook: GET is Meta's verification handshake, POST the signed deliveries. */
export function whatsappRoutes() {
  return new Hono<AppEnv>()
    .get('/', (c) => {
      const token = c.var.deps.config.SIGAP_WHATSAPP_VERIFY_TOKEN
      if (!token) throw new AppError(404, 'not_configured', 'WhatsApp webhook is not configured (SIGAP_WHATSAPP_VERIFY_TOKEN)')
      const q = handshake.query(c)
      if (!sameText(q['hub.verify_token'], token)) throw new AppError(403, 'forbidden', 'verify token does not match')
      return c.text(q['hub.challenge'])
    })
    .post(
      '/',
      bodyLimit({
        maxSize: MAX_BODY,
        onError: () => {
          throw new AppError(413, 'body_too_large', `Webhook body is larger than ${MAX_BODY} bytes`)
        },
      }),
      async (c) => {
        const secret = c.var.deps.config.SIGAP_WHATSAPP_APP_SECRET
        if (!secret) throw new AppError(404, 'not_configured', 'WhatsApp webhook is not configured (SIGAP_WHATSAPP_APP_SECRET)')
        // The signature covers the exact bytes sent: check them before parsing anything.
        const raw = Buffer.from(await c.req.arrayBuffer())
        if (!validSignature(raw, c.req.header('x-hub-signature-256'), secret)) {
          channelMessages.inc({ channel: 'whatsapp', outcome: 'bad_signature' })
          throw new AppError(401, 'bad_signature', 'X-Hub-Signature-256 does not match the body')
        }
        let json: unknown
        try {
          json = JSON.parse(raw.toString('utf8'))
        } catch {
          throw new AppError(400, 'malformed_json', 'Webhook body is not valid JSON')
        }
        // Cleaned, not refused: Meta would deliver a refused batch again and again, and a NUL
        // or a broken emoji in one message would cost every message in it (http/text.ts).
        const payload = parseOr422(WaWebhook, cleanDeep(json), 'webhook')
        const outcome = await receiveWebhook(c.var.deps, payload)
        // 200 whatever the messages were: anything else makes Meta deliver the same batch again.
        return c.json({ ok: true, ...outcome, reports: outcome.reports.length })
      },
    )
}

// Documented here, read by the handler itself: the signature covers the raw bytes (checked
// before parsing), and a delivery is cleaned rather than refused.
defineRoute({
  method: 'post',
  path: '/webhooks/whatsapp',
  tags: ['whatsapp'],
  summary: 'WhatsApp Cloud API deliveries, signed with X-Hub-Signature-256 (HMAC-SHA256 of the body with the app secret)',
  headers: z.object({ 'x-hub-signature-256': z.string().meta({ description: 'sha256=<hex>' }) }),
  requestBody: { required: true, content: { 'application/json': { schema: WaWebhook } } },
  responses: {
    '200': { description: 'Taken: counts of accepted, duplicate (replayed), stale and ignored messages' },
    '401': { description: 'Missing or wrong signature' },
  },
})
