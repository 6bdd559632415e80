// Numbers as the review shows them: Indonesian or English separators, durations in words people use.
const locale = (lang: string) => (lang === 'en' ? 'en-GB' : 'id-ID')

export const num = (v: number, lang: string, digits = 0) =>
  new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v)

/** 45 mnt, 5,2 jam, 3,1 hari (minutes up to two hours), as in the PDF report. */
export function duration(min: number | null, lang: string): string {
  if (min === null) return '–'
  const en = lang === 'en'
  if (min < 120) return `${num(min, lang)} ${en ? 'min' : 'mnt'}`
  if (min < 1440) return `${num(min / 60, lang, 1)} ${en ? 'h' : 'jam'}`
  return `${num(min / 1440, lang, 1)} ${en ? 'd' : 'hari'}`
}

export const percent = (share: number | null, lang: string) => (share === null ? '–' : `${num(share * 100, lang, 1)}%`)

export function signed(n: number, lang: string): string {
  return n > 0 ? `+${num(n, lang)}` : n < 0 ? `−${num(-n, lang)}` : '±0'
}

const dayFmt = (lang: string) => new Intl.DateTimeFormat(locale(lang), { timeZone: 'UTC', day: 'numeric', month: 'short' })
/** A YYYY-MM-DD calendar day (already WIB) as "7 Des". */
export const shortDay = (day: string, lang: string) => dayFmt(lang).format(new Date(`${day}T00:00:00Z`))

const dateTime = (lang: string) =>
  new Intl.DateTimeFormat(locale(lang), { timeZone: 'Asia/Jakarta', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })
export const wibDateTime = (iso: string, lang: string) => `${dateTime(lang).format(new Date(iso))} WIB`
