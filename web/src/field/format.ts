// Times on the field screen: WIB, like every screen (web/src/lib/time.ts), with the day when it is not today.
import { whenWib as dayAndTime } from '../lib/time'

export const whenWib = (iso: string, lang: string): string => `${dayAndTime(iso, lang)} WIB`
