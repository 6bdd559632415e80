import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { cleanText } from '../http/text.js'
import { ReportInput } from '../reports/report.schema.js'
import { LAPOR_MAIN_CATEGORIES, guessCategory } from './category.guess.js'
import type { Field, Mapping } from './import.mapping.js'

export type RawRow = Record<string, unknown>
export type RowResult = { ok: true; id: string; input: ReportInput } | { ok: false; id: string | null; reason: string }

interface Place {
  code: string
  name: string
  lat: number
  lon: number
  accuracy_m: number
}

/**
 * Turns one exported row into an intake body, or says why it cannot be one. Region names are
 * looked up once per import (the cache), since an export repeats the same villages.
 */
export class RowConverter {
  private places = new Map<string, Promise<Place | 'ambiguous' | null>>()
  private readonly explicit: Map<string, string>
  private readonly lapor: Map<string, string[]>

  constructor(
    private readonly db: Kysely<Database>,
    private readonly columns: Record<Field, string | null>,
    private readonly mapping: Mapping,
    private readonly knownCategories: Set<string>,
    private readonly channel = 'lapor',
  ) {
    const upper = <T>(o: Record<string, T>) => new Map(Object.entries(o).map(([k, v]) => [k.trim().toUpperCase(), v]))
    this.explicit = upper(mapping.categories)
    this.lapor = upper(LAPOR_MAIN_CATEGORIES)
  }

  private get(row: RawRow, field: Field): string | undefined {
    const col = this.columns[field]
    if (col === null) return undefined
    const v = row[col]
    if (v === undefined || v === null) return undefined
    // Cleaned (http/text.ts): a NUL or a broken character costs that character, not the row.
    const s = cleanText(String(v)).trim()
    return s === '' ? undefined : s
  }

  async convert(row: RawRow): Promise<RowResult> {
    const id = this.get(row, 'id') ?? null
    if (id === null) return { ok: false, id, reason: 'no source id' }
    const title = this.get(row, 'title')
    const body = this.get(row, 'description')
    const description = [title, body].filter(Boolean).join('\n')
    if (!description) return { ok: false, id, reason: 'no description' }

    const category = this.category(this.get(row, 'category'), description)
    if (!category) return { ok: false, id, reason: `category "${this.get(row, 'category') ?? ''}" is not mapped` }

    const location = await this.location(row)
    if (typeof location === 'string') return { ok: false, id, reason: location }

    let reportedAt: string | undefined
    const when = this.get(row, 'reported_at')
    if (when !== undefined) {
      reportedAt = parseDate(when, this.mapping.utc_offset) ?? undefined
      if (!reportedAt) return { ok: false, id, reason: `date "${when}" is not a date` }
    }
    const name = this.get(row, 'reporter_name')
    const phoneRaw = this.get(row, 'reporter_phone')
    // A malformed phone number is dropped, not the complaint.
    const phone = phoneRaw && /^\+?[0-9 ()-]{4,30}$/.test(phoneRaw) ? phoneRaw : undefined
    const privateRaw = this.get(row, 'private')
    const isPrivate = privateRaw !== undefined && this.mapping.private_values.map((v) => v.toLowerCase()).includes(privateRaw.toLowerCase())

    const parsed = ReportInput.safeParse({
      channel: this.channel,
      external_id: id,
      category,
      description: description.slice(0, 5000),
      location: location.point,
      ...(location.claimed ? { claimed_region: location.claimed.slice(0, 200) } : {}),
      ...(reportedAt ? { reported_at: reportedAt } : {}),
      ...(name || phone || isPrivate
        ? { reporter: { ...(name ? { name: name.slice(0, 200) } : {}), ...(phone ? { phone } : {}), private: isPrivate } }
        : {}),
    })
    if (!parsed.success) return { ok: false, id, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }
    return { ok: true, id, input: parsed.data }
  }

  /** Mapping file first, then the SP4N-LAPOR! main category, then our own code, then the default. */
  private category(value: string | undefined, description: string): string | null {
    const guess = guessCategory(description)
    if (value === undefined) return this.knownCategories.has(guess) ? guess : this.mapping.default_category
    const explicit = this.explicit.get(value.toUpperCase())
    if (explicit) return explicit
    const candidates = this.lapor.get(value.toUpperCase())?.filter((c) => this.knownCategories.has(c))
    if (candidates?.length) return candidates.includes(guess) ? guess : candidates[0]!
    if (this.knownCategories.has(value.toLowerCase())) return value.toLowerCase()
    if (value.toUpperCase() === 'TOPIK LAINNYA' && this.knownCategories.has(guess)) return guess
    return this.mapping.default_category
  }

  private async location(row: RawRow): Promise<{ point: ReportInput['location']; claimed?: string } | string> {
    let lat = num(this.get(row, 'lat'))
    let lon = num(this.get(row, 'lon'))
    const pair = this.get(row, 'coordinates')
    if ((lat === undefined || lon === undefined) && pair) {
      const m = /^\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(pair)
      if (m) [lat, lon] = [Number(m[1]), Number(m[2])]
    }
    const region = this.get(row, 'region')
    if (lat !== undefined && lon !== undefined) {
      if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return `coordinates ${lat},${lon} are out of range`
      return { point: { lat, lon }, ...(region ? { claimed: region } : {}) }
    }
    if (!region) return 'no location: neither coordinates nor a region'
    const district = this.get(row, 'district')
    const key = `${region}|${district ?? ''}`
    let hit = this.places.get(key)
    if (!hit) this.places.set(key, (hit = findPlace(this.db, region, district)))
    const place = await hit
    if (place === null) return `region "${region}" not found`
    if (place === 'ambiguous') return `region "${region}" is ambiguous; add a kecamatan column`
    return { point: { lat: place.lat, lon: place.lon, accuracy_m: place.accuracy_m }, claimed: region }
  }
}

/** "-6,2" (Indonesian decimal comma) and "-6.2" alike. */
function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined
  const n = Number(s.replace(',', '.'))
  return Number.isFinite(n) ? n : undefined
}

const LEVEL_RANK = sql<number>`CASE r.level WHEN 'kelurahan' THEN 0 WHEN 'kecamatan' THEN 1 WHEN 'kabupaten' THEN 2 ELSE 3 END`

async function findPlace(db: Kysely<Database>, region: string, district: string | undefined): Promise<Place | 'ambiguous' | null> {
  const name = region.replace(/^(kelurahan|kel\.?|desa|ds\.?)\s+/i, '').trim()
  const rows = await db
    .selectFrom('regions as r')
    .leftJoin('regions as p', 'p.code', 'r.parent_code')
    .select([
      'r.code',
      'r.name',
      sql<number>`ST_Y(r.label_point)`.as('lat'),
      sql<number>`ST_X(r.label_point)`.as('lon'),
      sql<number>`least(100000, greatest(50, sqrt(r.area_km2) * 500))`.as('accuracy_m'),
      LEVEL_RANK.as('rank'),
    ])
    .where((eb) => eb.or([eb('r.code', '=', region), eb(sql`lower(r.name)`, '=', name.toLowerCase())]))
    .$if(district !== undefined, (q) =>
      q.where((eb) => eb.or([eb('r.code', '=', region), eb(sql`lower(p.name)`, '=', district!.replace(/^(kecamatan|kec\.?)\s+/i, '').toLowerCase())])),
    )
    .orderBy('rank')
    .limit(5)
    .execute()
  if (rows.length === 0) return null
  const best = rows.filter((r) => r.rank === rows[0]!.rank)
  if (best.length > 1 && best[0]!.code !== region) return 'ambiguous'
  const { rank: _rank, ...place } = best[0]!
  return place
}

/**
 * An export's date as ISO 8601 with a zone: ISO already, `YYYY-MM-DD HH:mm[:ss]`, or
 * `DD/MM/YYYY [HH:mm[:ss]]` (also with dashes); a date without a zone is taken in `offset`.
 */
export function parseDate(s: string, offset: string): string | null {
  const t = s.trim()
  if (/^\d{4}-\d\d-\d\dT.*(Z|[+-]\d\d:?\d\d)$/.test(t)) return Number.isNaN(Date.parse(t)) ? null : new Date(t).toISOString()
  let m = /^(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d?):(\d\d)(?::(\d\d))?)?$/.exec(t)
  let parts: [string, string, string, string?, string?, string?] | null = m ? [m[1]!, m[2]!, m[3]!, m[4], m[5], m[6]] : null
  if (!parts) {
    m = /^(\d\d?)[/-](\d\d?)[/-](\d{4})(?:[ T](\d\d?)[:.](\d\d)(?:[:.](\d\d))?)?$/.exec(t)
    if (m) parts = [m[3]!, m[2]!.padStart(2, '0'), m[1]!.padStart(2, '0'), m[4], m[5], m[6]]
  }
  if (!parts) return null
  const [y, mo, d, h = '0', mi = '0', se = '0'] = parts
  const iso = `${y}-${mo}-${d}T${h.padStart(2, '0')}:${mi.padStart(2, '0')}:${se.padStart(2, '0')}${offset}`
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return null
  // Date.parse rolls 31/02 over into March: a date that does not round-trip is not a date.
  const back = new Date(ms + offsetMs(offset))
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() + 1 !== Number(mo)) return null
  return new Date(ms).toISOString()
}

const offsetMs = (o: string) => (o[0] === '-' ? -1 : 1) * (Number(o.slice(1, 3)) * 60 + Number(o.slice(4, 6))) * 60_000
