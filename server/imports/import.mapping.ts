import { z } from 'zod'

/** The fields an imported row can fill, and the column names tried for each when no mapping names one. */
export const FIELD_CANDIDATES = {
  id: ['tracking_id', 'id_laporan', 'no_tiket', 'nomor_tiket', 'nomor_laporan', 'id'],
  title: ['judul', 'judul_laporan', 'title'],
  description: ['isi_laporan', 'isi', 'laporan', 'uraian', 'deskripsi', 'description'],
  category: ['kategori', 'kategori_laporan', 'category'],
  lat: ['latitude', 'lat', 'lintang'],
  lon: ['longitude', 'lon', 'lng', 'long', 'bujur'],
  /** "lat,lon" in one column. */
  coordinates: ['koordinat', 'coordinates', 'lokasi_koordinat'],
  /** A kelurahan/desa (or kecamatan) name or code, when the row has no coordinates. */
  region: ['kelurahan', 'desa', 'kelurahan_desa', 'lokasi', 'region'],
  /** A kecamatan name, to tell apart villages of the same name. */
  district: ['kecamatan', 'district'],
  reported_at: ['tanggal_laporan', 'tanggal', 'waktu', 'created_at', 'reported_at'],
  reporter_name: ['nama_pelapor', 'nama', 'pelapor', 'reporter_name'],
  reporter_phone: ['telepon', 'no_hp', 'nomor_hp', 'hp', 'phone', 'reporter_phone'],
  private: ['rahasia', 'anonim', 'privasi', 'private'],
} as const
export type Field = keyof typeof FIELD_CANDIDATES

/**
 * `--mapping mapping.json`:
 *   {
 *     "columns": { "id": "No Tiket", "description": "Isi Laporan", "region": "Desa/Kelurahan" },
 *     "categories": { "INFRASTRUKTUR JALAN": "jalan_rusak" },
 *     "default_category": "lainnya",
 *     "private_values": ["ya", "rahasia"]
 *   }
 * Column names match case-insensitively, ignoring spaces and punctuation.
 */
export const Mapping = z.object({
  columns: z.partialRecord(z.enum(Object.keys(FIELD_CANDIDATES) as [Field, ...Field[]]), z.string().min(1)).default({}),
  categories: z.record(z.string(), z.string().min(1)).default({}),
  /** Where a category that nothing maps goes; null rejects such rows instead. */
  default_category: z.string().min(1).nullable().default('lainnya'),
  private_values: z.array(z.string()).default(['ya', 'y', 'yes', '1', 'true', 'rahasia', 'anonim', 'private']),
  /** Time zone offset assumed for dates without one (SP4N-LAPOR! shows WIB). */
  utc_offset: z.string().regex(/^[+-]\d\d:\d\d$/).default('+07:00'),
})
export type Mapping = z.infer<typeof Mapping>

export const normalizeHeader = (h: string) => h.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')

/** For each field, the header of the file that fills it (null when the file has none). */
export function resolveColumns(headers: string[], mapping: Mapping): { columns: Record<Field, string | null>; missing: string[] } {
  const byNorm = new Map(headers.map((h) => [normalizeHeader(h), h]))
  const columns = {} as Record<Field, string | null>
  const missing: string[] = []
  for (const field of Object.keys(FIELD_CANDIDATES) as Field[]) {
    const named = mapping.columns[field]
    if (named !== undefined) {
      const h = byNorm.get(normalizeHeader(named))
      if (!h) missing.push(`${field} → "${named}"`)
      columns[field] = h ?? null
      continue
    }
    columns[field] = FIELD_CANDIDATES[field].map((c) => byNorm.get(c)).find((h) => h !== undefined) ?? null
  }
  return { columns, missing }
}
