// Every time on screen is WIB (Asia/Jakarta, UTC+7), whatever the machine's zone.
const TZ = 'Asia/Jakarta'

const clock = new Intl.DateTimeFormat('id-ID', { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
const short = new Intl.DateTimeFormat('id-ID', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false })
const dateFmt = (lang: string) => new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { timeZone: TZ, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
const dayKeyFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' })

export const formatClock = (d: Date) => clock.format(d).replace(/\./g, ':')
export const formatHM = (d: Date) => short.format(d).replace(/\./g, ':')
export const formatDate = (d: Date, lang: string) => dateFmt(lang).format(d)
/** YYYY-MM-DD of the WIB calendar day. */
export const wibDay = (d: Date) => dayKeyFmt.format(d)
