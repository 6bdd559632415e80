import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'

export interface FieldIssue {
  field: string
  message: string
}

/** The one error type the API throws; `onError` turns it into `{ error: { code, message, issues? } }`. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: FieldIssue[],
    /** Sent with the error (Retry-After on a 503). */
    readonly headers?: Record<string, string>,
  ) {
    super(message)
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`)

export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }))
}

/** Parses untrusted input, or throws a 422 that names every bad field. */
export function parseOr422<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.infer<S> {
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    const issues = zodIssues(parsed.error)
    throw new AppError(422, 'validation_failed', `Invalid ${what}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues)
  }
  return parsed.data
}

/** Reads a JSON body; malformed JSON is the client's mistake (400), not ours. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') throw new AppError(400, 'empty_body', 'Request body is empty; expected JSON')
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new AppError(400, 'malformed_json', `Request body is not valid JSON: ${(err as Error).message}`)
  }
}

export function errorResponse(err: Error, c: Context, log: (msg: string) => void) {
  if (err instanceof AppError) {
    return c.json({ error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } }, err.status, err.headers)
  }
  // Only the message and route: request bodies may hold reporter names and phone numbers.
  log(`unhandled error on ${c.req.method} ${c.req.path}: ${err.message}`)
  return c.json({ error: { code: 'internal', message: 'Internal server error' } }, 500)
}
