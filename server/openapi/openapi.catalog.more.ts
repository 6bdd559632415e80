import { errorResponses, openapi, type ApiOperation, type HttpMethod } from './openapi.registry.js'

/**
 * The statistics routes, described apart from them: their query is an intersection (a range and
 * the filters), which the document cannot list as parameters. The other route modules declare
 * their contract with defineRoute (http/route.ts).
 */

const op = (method: HttpMethod, path: string, tags: string[], summary: string, extra: Omit<ApiOperation, 'summary' | 'tags'> = {}) =>
  openapi.add(method, path, { tags, summary, responses: { '200': { description: 'OK' }, ...errorResponses }, ...extra })

const stats = ['stats']
op('get', '/api/stats/response', stats, 'Response times per agency / region / period: median, p90, share within SLA, backlog')
op('get', '/api/stats/response.csv', stats, 'Response statistics as CSV')
op('get', '/api/stats/heatmap', stats, 'Agency response performance by area, for the wall')
op('get', '/api/stats/ratings', stats, 'Ratings rolled up per agency')
