// Times on the field screen: WIB, like every screen (web/src/lib/time.ts), with the day when it is not today.
import { formatHM, wibDay } from '../lib/time'

const dayMonth = (lang: string) =>
  new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { timeZone: 'Asia/Jakarta', day: 'numeric', month: 'short' })

export function whenWib(iso: string, lang: string, now = new Date()): string {
  const d = new Date(iso)
  const hm = `${formatHM(d)} WIB`
  return wibDay(d) === wibDay(now) ? hm : `${dayMonth(lang).format(d)} ${hm}`
}
