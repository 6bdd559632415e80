import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../http/context.js'
import { AppError, notFound } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { lookupForm, statusPage } from './status.page.js'
import { TICKET_NUMBER } from './status.repository.js'
import { publicStatus } from './status.service.js'
import { errorResponses } from '../openapi/openapi.registry.js'
import { LookupThrottle } from './status.throttle.js'

const NumberParam = z.object({ number: z.string().regex(TICKET_NUMBER, 'a ticket number is 8 characters 0-9 and A-F') })
const LinkQuery = z.object({ k: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'k is the tag of a status link').optional() })

/** The page's form sends the number as ?nomor; anything but a ticket number is answered with the form again (400). */
const FormQuery = z.object({ nomor: z.string().optional() })

const tags = ['citizens']
const api = defineRoute({
  method: 'get',
  path: '/api/status/:number',
  tags,
  summary: "A ticket number's public status (no reporter, words, exact place or photos); with the link's k, the reporter's own (and its rating link once resolved)",
  params: NumberParam,
  query: LinkQuery,
  names: { params: 'ticket number', query: 'status link' },
  responses: { '200': { description: 'OK' }, '404': { description: 'No ticket has this number' }, '429': { description: 'Too many unknown numbers from this client; retry after `Retry-After` seconds' }, ...errorResponses },
})
// The HTML pages answer a bad number with the form and a message in Bahasa Indonesia, not a
// JSON 422: they read the same schemas with safeParse instead of the route's parsers.
const html = { '200': { description: 'HTML', content: { 'text/html': { schema: z.string() } } }, '400': { description: 'The form again, saying what a ticket number looks like' } }
defineRoute({ method: 'get', path: '/status', tags, summary: 'Citizens\' page: enter a ticket number (HTML, Bahasa Indonesia)', query: FormQuery, responses: html })
defineRoute({ method: 'get', path: '/status/:number', tags, summary: 'Citizens\' status page of a ticket number (HTML)', params: NumberParam, query: LinkQuery, responses: html })

/** GET /api/status/:number: the public status of a ticket number (JSON). Misses are throttled per client (status.throttle.ts). */
export function statusApiRoutes(lookups: LookupThrottle) {
  return new Hono<AppEnv>().get('/:number', async (c) => {
    const { number } = api.params(c)
    const { k } = api.query(c)
    const wait = lookups.waitSeconds(c)
    if (wait > 0) throw new AppError(429, 'too_many_lookups', `Too many unknown ticket numbers: try again in ${wait} s`, undefined, { 'Retry-After': String(wait) })
    const tickets = await publicStatus(c.var.deps.db.db, number, k)
    if (!tickets.length) {
      lookups.missed(c)
      throw notFound(`Ticket ${number.toUpperCase()}`)
    }
    return c.json({ tickets })
  })
}

/** /status (a form) and /status/:number: the citizens' page, in Bahasa Indonesia. */
export function statusPageRoutes(lookups: LookupThrottle) {
  return new Hono<AppEnv>()
    .get('/', (c) => {
      const form = FormQuery.safeParse(c.req.query())
      const n = form.success ? form.data.nomor?.trim() : undefined
      if (n === undefined || n === '') return c.html(lookupForm())
      if (!NumberParam.safeParse({ number: n }).success) return c.html(lookupForm('Nomor tiket terdiri dari 8 karakter (0-9, A-F).'), 400)
      return c.redirect(`/status/${n.toUpperCase()}`, 302)
    })
    .get('/:number', async (c) => {
      const number = c.req.param('number')
      if (!NumberParam.safeParse({ number }).success) return c.html(lookupForm('Nomor tiket terdiri dari 8 karakter (0-9, A-F).'), 400)
      const wait = lookups.waitSeconds(c)
      if (wait > 0) {
        c.header('Retry-After', String(wait))
        return c.html(lookupForm(`Terlalu banyak nomor yang tidak ditemukan. Coba lagi dalam ${wait} detik.`), 429)
      }
      const k = LinkQuery.safeParse(c.req.query())
      const tickets = await publicStatus(c.var.deps.db.db, number, k.success ? k.data.k : undefined)
      if (!tickets.length) {
        lookups.missed(c)
        return c.html(lookupForm(`Tiket ${number.toUpperCase()} tidak ditemukan.`), 404)
      }
      c.header('Cache-Control', 'no-store')
      c.header('Referrer-Policy', 'no-referrer')
      return c.html(statusPage(tickets))
    })
}
