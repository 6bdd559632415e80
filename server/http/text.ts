import type { FieldIssue } from './field-issue.js'

// Text that PostgreSQL cannot store: the NUL character (text columns and jsonb refuse it) and
// UTF-16 halves without their other half (no UTF-8 encoding exists for them). Anything that
// comes from outside is either refused with the field named (a client that can correct it:
// the API, Open311, query parameters) or cleaned (a channel that cannot be asked again:
// WhatsApp deliveries, imported rows), so that one bad field never costs the other reports.

/** Cheap first look: only strings that hold a NUL or any surrogate need the precise check. */
const SUSPECT = /[\u0000\uD800-\uDFFF]/
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Why this text cannot be stored, or null when it can. */
export function textProblem(s: string): string | null {
  if (!SUSPECT.test(s)) return null
  if (s.includes('\u0000')) return 'must not contain the NUL character (\\u0000)'
  if (LONE_SURROGATE.test(s)) return 'must be valid Unicode (it holds an unpaired UTF-16 surrogate)'
  return null
}

/** The text without NUL characters, each unpaired surrogate replaced by U+FFFD. */
export function cleanText(s: string): string {
  if (!SUSPECT.test(s)) return s
  return s.replaceAll('\u0000', '').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD')
}

/** Every string (and object key) in a parsed JSON value or query that cannot be stored, by path. */
export function textIssues(value: unknown): FieldIssue[] {
  const issues: FieldIssue[] = []
  const walk = (v: unknown, path: string, depth: number) => {
    if (typeof v === 'string') {
      const why = textProblem(v)
      if (why) issues.push({ field: path || '(body)', message: `${path || 'body'} ${why}` })
    } else if (v !== null && typeof v === 'object' && depth < 64) {
      for (const [k, x] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k
        if (textProblem(k)) issues.push({ field: cleanText(p), message: `the field name ${JSON.stringify(cleanText(k))} ${textProblem(k)}` })
        else walk(x, p, depth + 1)
      }
    }
  }
  walk(value, '', 0)
  return issues
}

/** A parsed JSON value with every string (and key) cleaned (cleanText). */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T
  if (Array.isArray(value)) return value.map(cleanDeep) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanText(k), cleanDeep(v)])) as T
  }
  return value
}
