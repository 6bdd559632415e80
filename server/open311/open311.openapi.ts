import { z } from 'zod'
import { defineRoute } from '../http/route.js'
import { jsonResponse } from '../openapi/openapi.registry.js'
import { Open311Created, Open311Errors, Open311ListQuery, Open311Request, Open311RequestInput, Open311Service, RequestIdParam, ServiceCodeParam } from './open311.schema.js'

// Declared with defineRoute, parsed by open311.routes.ts with these same schemas: its 400s are
// GeoReport's error list rather than the API's 422, and an empty parameter counts as absent.
const tags = ['open311']
const errors = { '400': jsonResponse('Invalid input: `[{ code, description }]`', Open311Errors), '404': jsonResponse('Not found', Open311Errors) }
const FORMATS = { json: 'JSON', xml: 'XML (same fields, GeoReport v2 elements)' } as const

for (const [f, what] of Object.entries(FORMATS)) {
  defineRoute({ method: 'get', path: `/open311/v2/discovery.${f}`, tags, summary: `Open311 discovery (${what})` })
  defineRoute({
    method: 'get',
    path: `/open311/v2/services.${f}`,
    tags,
    summary: `Open311 services: our categories (${what})`,
    responses: { '200': jsonResponse('Services', z.array(Open311Service)) },
  })
  defineRoute({
    method: 'get',
    path: `/open311/v2/services/:service_code.${f}`,
    tags,
    summary: `Open311 service definition (${what})`,
    route: '/open311/v2/services/:file',
    params: ServiceCodeParam,
    responses: { '200': { description: 'Service definition: the `private` attribute' }, ...errors },
  })
  defineRoute({
    method: 'get',
    path: `/open311/v2/requests.${f}`,
    tags,
    summary: `Open311 service requests with filters (${what}); the last 90 days unless dates are given, at most 1000`,
    query: Open311ListQuery,
    responses: { '200': jsonResponse('Service requests', z.array(Open311Request)), ...errors },
  })
  defineRoute({
    method: 'get',
    path: `/open311/v2/requests/:service_request_id.${f}`,
    tags,
    summary: `One Open311 service request (${what})`,
    route: '/open311/v2/requests/:file',
    params: RequestIdParam,
    responses: { '200': jsonResponse('A list of one service request', z.array(Open311Request)), ...errors },
  })
  defineRoute({
    method: 'post',
    path: `/open311/v2/requests.${f}`,
    tags,
    summary: `Open311 new service request (${what}); api_key required; form-encoded, multipart or JSON`,
    requestBody: {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: Open311RequestInput }, 'application/json': { schema: Open311RequestInput } },
    },
    responses: {
      '201': jsonResponse('Stored', Open311Created),
      '200': jsonResponse('A retry of a request already stored', Open311Created),
      '403': jsonResponse('Invalid api_key', Open311Errors),
      ...errors,
    },
  })
}
