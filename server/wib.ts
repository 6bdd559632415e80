/** WIB (Asia/Jakarta, UTC+7, no daylight saving): the calendar the command room's days follow. */
const dayKey = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta', year: 'numeric', month: '2-digit', day: '2-digit' })

/** The WIB calendar day `d` falls in, as YYYY-MM-DD. */
export const wibDay = (d: Date) => dayKey.format(d)

/** 00:00 WIB of the WIB day `d` falls in. */
export const wibMidnight = (d: Date) => new Date(`${wibDay(d)}T00:00:00+07:00`)
