import type { Context } from 'hono'
import { z } from 'zod'
import { errorResponses, jsonBody, openapi, type ApiOperation, type HttpMethod } from '../openapi/openapi.registry.js'
import { parseOr422, readJson } from './errors.js'

/**
 * One route's contract, written once: the zod schemas that validate its path parameters,
 * query and JSON body are the ones /api/openapi.json describes, and the handler's input types
 * are inferred from them. `defineRoute` registers the OpenAPI entry at module load and returns
 * the parsers the handler calls:
 *
 *   const getDispute = defineRoute({ method: 'get', path: '/api/disputes/:id', tags, summary, params: DisputeIdParam })
 *   .get('/:id', async (c) => { const { id } = getDispute.params(c); ... })
 *
 * Every route is declared with it. Some read their input themselves, with the schemas declared
 * here: Open311 (GeoReport's 400 error list, not the 422; its POST is a form), POST
 * /webhooks/whatsapp (the signature covers the raw bytes; a delivery is cleaned, not refused),
 * the photo uploads (multipart), and the HTML pages /status and /nilai (a bad number or token is
 * the page's own answer, in Bahasa Indonesia).
 */
export interface RouteSpec<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined, H extends z.ZodObject | undefined>
  extends Omit<ApiOperation, 'requestParams'> {
  method: HttpMethod
  /** The full path as served, Hono style (`/api/disputes/:id`). */
  path: string
  params?: P
  query?: Q
  /** A JSON body; a body the handler reads itself (multipart, a form) is documented as `requestBody` instead. */
  body?: B
  /** Request headers the route reads (lower-case names), documented and parsed like the rest. */
  headers?: H
  /** What the 422 message calls each part ("dispute id", "sign-in"): defaults "path", "query", "body". */
  names?: { params?: string; query?: string; body?: string; headers?: string }
}

type Parsed<S> = S extends z.ZodType ? z.infer<S> : never

export interface Route<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined, H extends z.ZodObject | undefined> {
  params: (c: Context) => Parsed<P>
  query: (c: Context) => Parsed<Q>
  /** Reads the body as JSON (400 when it is not) and parses it (422 naming the fields). */
  body: (c: Context) => Promise<Parsed<B>>
  /** The declared headers (absent ones undefined), parsed. */
  headers: (c: Context) => Parsed<H>
}

/** The object schema under a transform: OpenAPI describes what the client sends. */
const inputOf = (s: z.ZodType): z.ZodType => (s instanceof z.ZodPipe ? (s.in as z.ZodType) : s)

export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  H extends z.ZodObject | undefined = undefined,
>(spec: RouteSpec<P, Q, B, H>): Route<P, Q, B, H> {
  const { method, path, params, query, body, headers, names, responses, ...doc } = spec
  const requestParams = {
    ...(params ? { path: inputOf(params) as z.ZodObject } : {}),
    ...(query ? { query: inputOf(query) as z.ZodObject } : {}),
    ...(headers ? { header: headers } : {}),
  }
  openapi.add(method, path, {
    ...doc,
    ...(params || query || headers ? { requestParams } : {}),
    ...(body ? { requestBody: jsonBody(inputOf(body)) } : {}),
    responses: responses ?? { '200': { description: 'OK' }, ...errorResponses },
  })
  const need = <S extends z.ZodType | undefined>(s: S, part: string): z.ZodType => {
    if (!s) throw new Error(`${method.toUpperCase()} ${path} declares no ${part} schema`)
    return s
  }
  return {
    params: (c) => parseOr422(need(params, 'params'), c.req.param(), names?.params ?? 'path') as Parsed<P>,
    query: (c) => parseOr422(need(query, 'query'), c.req.query(), names?.query ?? 'query') as Parsed<Q>,
    body: async (c) => parseOr422(need(body, 'body'), await readJson(c), names?.body ?? 'body') as Parsed<B>,
    headers: (c) => {
      const schema = need(headers, 'headers') as z.ZodObject
      const given = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, c.req.header(k)]))
      return parseOr422(schema, given, names?.headers ?? 'headers') as Parsed<H>
    },
  }
}
