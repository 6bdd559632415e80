import type { Lang } from '../lib/i18n.svelte'

const TZ = 'Asia/Jakarta'
const dt = {
  id: new Intl.DateTimeFormat('id-ID', { timeZone: TZ, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: TZ, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }),
}
const rel = { id: new Intl.RelativeTimeFormat('id', { numeric: 'auto' }), en: new Intl.RelativeTimeFormat('en', { numeric: 'auto' }) }

/** "1 Des 2026 05.19 WIB": every time on screen is WIB, whatever the machine's zone. */
export const wibDateTime = (iso: string, lang: Lang) => `${dt[lang].format(new Date(iso)).replace(',', '')} WIB`

/** "3 jam yang lalu" / "3 hours ago", coarse on purpose: a queue is read in minutes and days. */
export function ago(iso: string, now: number, lang: Lang): string {
  const s = (Date.parse(iso) - now) / 1000
  const a = Math.abs(s)
  if (a < 60) return lang === 'en' ? 'just now' : 'baru saja'
  if (a < 3600) return rel[lang].format(Math.round(s / 60), 'minute')
  if (a < 86_400 * 2) return rel[lang].format(Math.round(s / 3600), 'hour')
  return rel[lang].format(Math.round(s / 86_400), 'day')
}

export function metres(m: number | null | undefined, lang: Lang): string {
  if (m === null || m === undefined) return '—'
  if (m < 1000) return `${Math.round(m)} m`
  return `${(m / 1000).toLocaleString(lang === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: 1 })} km`
}
