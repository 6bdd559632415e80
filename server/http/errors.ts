import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import type { FieldIssue } from './field-issue.js'
import { textIssues } from './text.js'

export type { FieldIssue }

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
  refuseBadText(input, what)
  return parseChecked(schema, input, what)
}

/**
 * parseOr422 without the text check, for input built from text already refused where it came
 * in (Open311 builds a report from the request it checked): each text is checked once.
 */
export function parseChecked<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.infer<S> {
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    const issues = zodIssues(parsed.error)
    throw new AppError(422, 'validation_failed', `Invalid ${what}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues)
  }
  return parsed.data
}

/**
 * Refuses (400, naming each field) input holding text PostgreSQL cannot store: a NUL or an
 * unpaired surrogate (text.ts). Every route parses its body, query and parameters through
 * parseOr422, so every route refuses it the same way.
 */
export function refuseBadText(input: unknown, what = 'request'): void {
  const bad = textIssues(input)
  if (bad.length) throw new AppError(400, 'invalid_text', `Invalid ${what}: ${bad.map((i) => i.message).join('; ')}`, bad)
}

// PostgreSQL's data exceptions that only input can cause: a byte or character it cannot
// store (22021, 22P05), text that is not of its type (22P02, 22007, 22008), a number out of
// range (22003), text too long (22001).
const INPUT_SQLSTATES = new Set(['22021', '22P05', '22P02', '22007', '22008', '22003', '22001'])

/**
 * The last safety net: a database error that bad input caused, as a 400 rather than a 500,
 * for input that slipped past the schemas. Null for anything else.
 */
export function inputErrorOf(err: Error): AppError | null {
  const code = (err as { code?: unknown }).code
  if (typeof code !== 'string' || !INPUT_SQLSTATES.has(code)) return null
  return new AppError(400, 'invalid_input', 'The request holds a value the database cannot store (invalid text, date or number); nothing was stored')
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

/**
 * Reads a form body (multipart or URL-encoded); one that cannot be read as such (multipart
 * without its boundary, a cut-off part) is the client's mistake: 400, not a parser's 500.
 */
export async function readFormBody(c: Context, opts: { all?: boolean } = {}): Promise<Record<string, string | File | (string | File)[]>> {
  try {
    return await c.req.parseBody({ all: opts.all ?? false })
  } catch (err) {
    throw new AppError(400, 'malformed_form', `Request body is not a readable form (multipart needs its boundary in Content-Type): ${(err as Error).message}`)
  }
}

export function errorResponse(err: Error, c: Context, log: (msg: string) => void) {
  if (err instanceof AppError) {
    return c.json({ error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } }, err.status, err.headers)
  }
  const input = inputErrorOf(err)
  if (input) {
    log(`bad input reached the database on ${c.req.method} ${c.req.path}: SQLSTATE ${(err as { code?: string }).code}`)
    return errorResponse(input, c, log)
  }
  // Only the message and route: request bodies may hold reporter names and phone numbers.
  log(`unhandled error on ${c.req.method} ${c.req.path}: ${err.message}`)
  return c.json({ error: { code: 'internal', message: 'Internal server error' } }, 500)
}
