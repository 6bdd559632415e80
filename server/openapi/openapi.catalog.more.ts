import { z } from 'zod'
import { ApiRatingInput, RatingInput, TokenParam } from '../ratings/rating.schema.js'
import { AddAgencyBody, AgencyTicketParam, CategoryBody, RouteBody, TicketIdParam, TicketListQuery, TransitionBody } from '../tickets/ticket.schema.js'
import { errorResponses, jsonBody, openapi, type ApiOperation, type HttpMethod } from './openapi.registry.js'

/**
 * Entries for the routes of the location-dispute and ticket modules (issues 4 and 5), made
 * from the schemas they export. Schemas still local to a route file are described by name
 * only; when a module is next edited, its entries belong next to its routes.
 */

/** The object a query schema parses, when a transform sits on top of it. */
const queryOf = (s: z.ZodType): z.ZodObject => (s instanceof z.ZodPipe ? (s.in as z.ZodObject) : (s as z.ZodObject))
const op = (method: HttpMethod, path: string, tags: string[], summary: string, extra: Omit<ApiOperation, 'summary' | 'tags'> = {}) =>
  openapi.add(method, path, { tags, summary, responses: { '200': { description: 'OK' }, ...errorResponses }, ...extra })

const tickets = ['tickets']
op('get', '/api/tickets', tickets, 'Tickets (incidents with their lifecycle), scoped to the role', { requestParams: { query: queryOf(TicketListQuery) } })
op('get', '/api/tickets/export.csv', tickets, 'Tickets as CSV', { requestParams: { query: queryOf(TicketListQuery) } })
op('get', '/api/tickets/:id', tickets, 'One ticket with its history', { requestParams: { path: TicketIdParam } })
op('post', '/api/tickets/:id/transition', tickets, 'Move a ticket to another state', { requestParams: { path: TicketIdParam }, requestBody: jsonBody(queryOf(TransitionBody)) })
op('post', '/api/tickets/:id/route', tickets, 'Re-route a ticket to another agency, with a reason', { requestParams: { path: TicketIdParam }, requestBody: jsonBody(RouteBody) })
op('post', '/api/tickets/:id/category', tickets, 'Change a ticket\'s category (re-routes it and works out its priority, emergency flag and SLA again)', { requestParams: { path: TicketIdParam }, requestBody: jsonBody(CategoryBody) })
op('post', '/api/tickets/:id/agencies', tickets, 'Add another agency\'s ticket to the incident (command room; Idempotency-Key; 409 agency_exists)', { requestParams: { path: TicketIdParam }, requestBody: jsonBody(AddAgencyBody) })
op('post', '/api/tickets/:id/agencies/:agency/transition', tickets, 'Move an added agency\'s ticket on the incident', { requestParams: { path: AgencyTicketParam }, requestBody: jsonBody(queryOf(TransitionBody)) })
op('get', '/api/tickets/:id/rating-links', tickets, "Rating links for a resolved ticket's reporters", { requestParams: { path: TicketIdParam } })
op('post', '/api/tickets/:id/ratings', tickets, 'Record a rating given through another channel', { requestParams: { path: TicketIdParam }, requestBody: jsonBody(ApiRatingInput) })

const ratings = ['ratings']
op('get', '/api/ratings/:token', ratings, 'What a rating link is for', { requestParams: { path: TokenParam } })
op('post', '/api/ratings/:token', ratings, 'Rate a resolved ticket (1-5, with a comment)', { requestParams: { path: TokenParam }, requestBody: jsonBody(RatingInput) })
op('get', '/api/skm/elements', ratings, 'The 10 elements of the satisfaction survey (SKM)')
op('post', '/api/skm/responses', ratings, 'A satisfaction survey response: 10 scores of 1-4')
op('get', '/api/skm', ratings, 'Satisfaction index (IKM) per agency and period, with grades A-D')
op('post', '/api/skm/recommendations', ratings, "An official's recommendation on an agency's period result")

const stats = ['stats']
op('get', '/api/stats/response', stats, 'Response times per agency / region / period: median, p90, share within SLA, backlog')
op('get', '/api/stats/response.csv', stats, 'Response statistics as CSV')
op('get', '/api/stats/heatmap', stats, 'Agency response performance by area, for the wall')
op('get', '/api/stats/ratings', stats, 'Ratings rolled up per agency')
