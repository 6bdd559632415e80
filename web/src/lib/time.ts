import { serverNow } from './server-clock'

// Every time on screen is WIB (Asia/Jakarta, UTC+7), whatever the machine's zone.
const TZ = 'Asia/Jakarta'

const clock = new Intl.DateTimeFormat('id-ID', { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
const short = new Intl.DateTimeFormat('id-ID', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false })
const dateFmt = (lang: string) => new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { timeZone: TZ, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
const dayKeyFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' })
const dayMonth = (lang: string) => new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { timeZone: TZ, day: 'numeric', month: 'short' })

export const formatClock = (d: Date) => clock.format(d).replace(/\./g, ':')
export const formatHM = (d: Date) => short.format(d).replace(/\./g, ':')
export const formatDate = (d: Date, lang: string) => dateFmt(lang).format(d)
/** YYYY-MM-DD of the WIB calendar day. */
export const wibDay = (d: Date) => dayKeyFmt.format(d)

/** "14:05" today (by the server's clock), "30 Nov 14:05" on another day (WIB). */
export function whenWib(iso: string, lang: string, now = new Date(serverNow())): string {
  const d = new Date(iso)
  return wibDay(d) === wibDay(now) ? formatHM(d) : `${dayMonth(lang).format(d)} ${formatHM(d)}`
}
