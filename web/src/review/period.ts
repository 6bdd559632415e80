import { wibDay } from '../lib/time'

/** What the period picker chose; `query()` makes the API's query string for it (summary, PDF, CSV alike). */
export type Choice = { kind: 'week' } | { kind: 'month' } | { kind: 'thisMonth' } | { kind: 'range'; from: string; to: string }

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

export function query(c: Choice, now = new Date()): string {
  if (c.kind === 'week') return 'period=week'
  if (c.kind === 'month') return 'period=month'
  if (c.kind === 'thisMonth') {
    const from = `${wibDay(now).slice(0, 7)}-01T00:00:00+07:00`
    return `from=${encodeURIComponent(from)}&to=${encodeURIComponent(now.toISOString())}`
  }
  // Whole WIB days, the last one included.
  return `from=${encodeURIComponent(`${c.from}T00:00:00+07:00`)}&to=${encodeURIComponent(`${nextDay(c.to)}T00:00:00+07:00`)}`
}

/** The choice in the address bar (?p=week|month|this-month or ?from=YYYY-MM-DD&to=YYYY-MM-DD), so a view can be shared. */
export function fromUrl(search: string): Choice {
  const p = new URLSearchParams(search)
  const day = /^\d{4}-\d\d-\d\d$/
  const from = p.get('from') ?? ''
  const to = p.get('to') ?? ''
  if (day.test(from) && day.test(to) && from <= to) return { kind: 'range', from, to }
  if (p.get('p') === 'month') return { kind: 'month' }
  if (p.get('p') === 'this-month') return { kind: 'thisMonth' }
  return { kind: 'week' }
}

export function toUrl(c: Choice): string {
  const p = new URLSearchParams(location.search)
  for (const k of ['p', 'from', 'to']) p.delete(k)
  if (c.kind === 'range') {
    p.set('from', c.from)
    p.set('to', c.to)
  } else if (c.kind !== 'week') p.set('p', c.kind === 'month' ? 'month' : 'this-month')
  const s = p.toString()
  return `${location.pathname}${s ? `?${s}` : ''}`
}
