import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi'
import type { z } from 'zod'

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

export interface ApiOperation extends Omit<ZodOpenApiOperationObject, 'responses'> {
  responses?: ZodOpenApiOperationObject['responses']
  /**
   * The Hono pattern serving it when it is not the documented path with `{x}` as `:x` (e.g.
   * Open311's `/requests/:file` serves `/requests/{id}.json`); the coverage test uses it.
   */
  route?: string
}

interface Entry {
  method: HttpMethod
  path: string
  op: ApiOperation
}

const entries = new Map<string, Entry>()

/** `/api/reports/:id` → `/api/reports/{id}` (a Hono regex part `:id{[0-9]+}` too). */
export function toOpenApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')
}

/**
 * Adds one operation to /api/openapi.json. Routes declare themselves with defineRoute
 * (http/route.ts), which calls this with the zod schemas the route validates with.
 * Registering the same method and path again replaces the entry (module reloads, tests).
 */
function add(method: HttpMethod, path: string, op: ApiOperation): void {
  const docPath = toOpenApiPath(path)
  entries.set(`${method} ${docPath}`, { method, path: docPath, op })
  cached = null
}

let cached: ReturnType<typeof createDocument> | null = null

function document(): ReturnType<typeof createDocument> {
  if (cached) return cached
  const paths: ZodOpenApiPathsObject = {}
  for (const { method, path, op } of [...entries.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    const { route: _route, responses, ...rest } = op
    const item = (paths[path] ??= {})
    item[method] = {
      ...rest,
      ...(rest.requestParams?.path || !path.includes('{') ? {} : { parameters: pathParams(path) }),
      responses: responses ?? { '200': { description: 'OK' } },
    }
  }
  cached = createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'sigap API',
        version: '0.1.0',
        description:
          'Real-time GIS command center for citizen complaints. Errors answer `{ error: { code, message, issues? } }` ' +
          '(Open311 endpoints answer the GeoReport v2 error list instead). Times are ISO 8601 with a zone.',
      },
      paths,
    },
    { allowEmptySchema: {} },
  )
  return cached
}

/** Undeclared path parameters as plain strings, so that every `{x}` in a path is described. */
function pathParams(path: string) {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1]!, in: 'path' as const, required: true, schema: { type: 'string' as const } }))
}

/** Every registered route as the coverage test compares it with the app's routes. */
function routes(): { method: HttpMethod; path: string }[] {
  return [...entries.values()].map((e) => ({ method: e.method, path: e.op.route ? toOpenApiPath(e.op.route) : e.path }))
}

export const openapi = { add, document, routes }

/** A JSON request body from the zod schema that validates it. */
export function jsonBody(schema: z.ZodType, description?: string) {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema } } }
}

/** A response with a JSON body described by a zod schema. */
export function jsonResponse(description: string, schema?: z.ZodType) {
  return { description, ...(schema ? { content: { 'application/json': { schema } } } : {}) }
}

/** The error body every /api route answers with on 4xx/5xx. */
export const errorResponses = {
  '422': { description: 'Invalid input: `{ error: { code: "validation_failed", message, issues: [{ field, message }] } }`' },
}
