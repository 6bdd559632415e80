import { z } from 'zod'
import { HolidayCalendar } from '../holidays/holiday.schema.js'
import { AgencyCode, AgencyPatch, CategoryCode, CategoryPatch, Holiday, NewAgency, NewCategory, RoutingRule, RoutingRuleKey } from '../agencies/agency.schema.js'
import { DisputeIdParam, DisputeListQuery, DisputeStep } from '../disputes/dispute.schema.js'
import { ApiRatingInput, RatingInput, TokenParam } from '../ratings/rating.schema.js'
import { AddAgencyBody, AgencyTicketParam, CategoryBody, RouteBody, TicketIdParam, TicketListQuery, TransitionBody } from '../tickets/ticket.schema.js'
import { LoginInput, NewUserInput, UserIdParam, UserPatch } from '../users/user.schema.js'
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

const disputes = ['disputes']
op('get', '/api/disputes', disputes, 'Location disputes, filtered by region and state', { requestParams: { query: queryOf(DisputeListQuery) } })
op('get', '/api/disputes/:id', disputes, 'One location dispute with its history', { requestParams: { path: DisputeIdParam } })
op('post', '/api/disputes/:id/propose', disputes, 'Propose how to settle a dispute', { requestParams: { path: DisputeIdParam }, requestBody: jsonBody(queryOf(DisputeStep)) })
op('post', '/api/disputes/:id/decide', disputes, 'Decide a dispute: move, keep or return', { requestParams: { path: DisputeIdParam }, requestBody: jsonBody(queryOf(DisputeStep)) })

const auth = ['auth']
op('post', '/api/auth/login', auth, 'Sign in; sets the session cookie', { requestBody: jsonBody(LoginInput) })
op('post', '/api/auth/logout', auth, 'Sign out')
op('get', '/api/auth/me', auth, 'Who is signed in')
op('get', '/api/users', auth, 'Users (admin)')
op('post', '/api/users', auth, 'Create a user (admin)', { requestBody: jsonBody(queryOf(NewUserInput)) })
op('patch', '/api/users/:id', auth, 'Change a user (admin)', { requestParams: { path: UserIdParam }, requestBody: jsonBody(queryOf(UserPatch)) })
const TokenName = z.object({ name: z.string().trim().min(1).max(80) })
op('get', '/api/display-tokens', auth, 'Read-only display tokens for wall screens (admin)')
op('post', '/api/display-tokens', auth, 'Create a display token (admin)', { requestBody: jsonBody(TokenName) })
op('delete', '/api/display-tokens/:name', auth, 'Revoke a display token (admin)', { requestParams: { path: TokenName } })

const agencies = ['agencies']
op('get', '/api/agencies', agencies, 'Agencies (OPD)')
op('post', '/api/agencies', agencies, 'Create an agency (admin)', { requestBody: jsonBody(NewAgency) })
op('patch', '/api/agencies/:code', agencies, 'Change an agency (admin)', { requestParams: { path: z.object({ code: AgencyCode }) }, requestBody: jsonBody(AgencyPatch) })
op('get', '/api/catalogue', agencies, 'Categories with agency, priority and SLA; routing rules; holidays')
op('post', '/api/catalogue/categories', agencies, 'Create a category (admin)', { requestBody: jsonBody(NewCategory) })
op('patch', '/api/catalogue/categories/:code', agencies, 'Change a category (admin)', {
  requestParams: { path: z.object({ code: CategoryCode }) },
  requestBody: jsonBody(queryOf(CategoryPatch)),
})
op('put', '/api/catalogue/routing-rules', agencies, 'Route a category in a region to an agency (admin)', { requestBody: jsonBody(RoutingRule) })
op('delete', '/api/catalogue/routing-rules', agencies, 'Remove a routing rule (admin)', { requestParams: { query: RoutingRuleKey } })
op('put', '/api/catalogue/holidays', agencies, 'Add a public holiday (working-day SLA clocks skip it)', { requestBody: jsonBody(Holiday) })
op('post', '/api/catalogue/holidays/import', agencies, 'Load whole years of holidays (SKB calendar); each year replaces that year\'s days', { requestBody: jsonBody(HolidayCalendar) })
op('delete', '/api/catalogue/holidays/:day', agencies, 'Remove a public holiday', { requestParams: { path: z.object({ day: z.iso.date() }) } })

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
