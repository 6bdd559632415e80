/**
 * A category from free text (a WhatsApp message, an imported complaint without a usable
 * category): the first keyword found wins, emergencies first. Operators re-categorise
 * what it gets wrong; 'lainnya' when nothing matches.
 */
const KEYWORDS: [string, RegExp][] = [
  ['kebakaran', /\b(kebakaran|terbakar|api|asap tebal|damkar)\b/i],
  ['kecelakaan', /\b(kecelakaan|tabrakan|laka|tertabrak)\b/i],
  ['darurat_medis', /\b(pingsan|ambulans|ambulance|kejang|sesak napas|darurat medis)\b/i],
  ['banjir', /\b(banjir|genangan|tergenang|rob)\b/i],
  ['longsor', /\b(longsor|tanah amblas|amblas)\b/i],
  ['pohon_tumbang', /\b(pohon (tumbang|roboh|patah)|tumbang)\b/i],
  ['listrik_padam', /\b(listrik|mati lampu|padam|pln|kabel putus)\b/i],
  ['air_bersih', /\b(air (mati|keruh|bersih)|pdam|pipa bocor)\b/i],
  ['penerangan_jalan', /\b(pju|lampu jalan|penerangan jalan)\b/i],
  ['jalan_rusak', /\b(jalan (rusak|berlubang|retak)|lubang|aspal|jembatan rusak)\b/i],
  ['drainase', /\b(saluran|selokan|got|gorong|drainase|mampet)\b/i],
  ['sampah', /\b(sampah|tps|limbah|bau busuk)\b/i],
  ['kemacetan', /\b(macet|kemacetan|lalu lintas|parkir liar)\b/i],
  ['keamanan', /\b(pencurian|maling|begal|rampok|tawuran|kriminal)\b/i],
  ['ketertiban', /\b(pkl|pedagang kaki lima|bising|gaduh|pengamen|ketertiban)\b/i],
  ['kesehatan', /\b(puskesmas|rumah sakit|bpjs|obat|dbd|demam berdarah)\b/i],
  ['sosial', /\b(bansos|bantuan sosial|gelandangan|odgj|lansia terlantar)\b/i],
  ['tata_ruang', /\b(imb|pbg|bangunan liar|tata ruang)\b/i],
  ['pelayanan_publik', /\b(ktp|kk|akta|pelayanan|pungli|dukcapil)\b/i],
]

export function guessCategory(text: string): string {
  for (const [code, re] of KEYWORDS) if (re.test(text)) return code
  return 'lainnya'
}

/**
 * SP4N-LAPOR! main categories (../shared/data/id/lapor_categories.json) → our categories that
 * fall under each, broadest first. An import takes the keyword guess when it is one of them
 * (a "LINGKUNGAN HIDUP" complaint about rubbish is `sampah`), else the first that exists in
 * the catalogue.
 */
export const LAPOR_MAIN_CATEGORIES: Record<string, string[]> = {
  'PEKERJAAN UMUM DAN PENATAAN RUANG': ['jalan_rusak', 'drainase', 'air_bersih', 'penerangan_jalan', 'tata_ruang'],
  'LINGKUNGAN HIDUP DAN KEHUTANAN': ['lingkungan_hidup', 'sampah', 'banjir', 'pohon_tumbang', 'longsor'],
  'KETENTERAMAN, KETERTIBAN UMUM, DAN PELINDUNGAN MASYARAKAT': ['ketertiban', 'keamanan', 'kebakaran'],
  PERHUBUNGAN: ['perhubungan', 'kemacetan', 'penerangan_jalan', 'kecelakaan'],
  KESEHATAN: ['kesehatan', 'darurat_medis', 'rumah_sakit'],
  'CORONA VIRUS': ['kesehatan'],
  'SOSIAL DAN KESEJAHTERAAN': ['sosial'],
  'ENERGI DAN SUMBER DAYA ALAM': ['energi_sda', 'listrik_padam'],
  KEPENDUDUKAN: ['kependudukan', 'pelayanan_publik'],
  'TEKNOLOGI INFORMASI DAN KOMUNIKASI': ['teknologi_informasi', 'pelayanan_publik'],
  'PENDIDIKAN DAN KEBUDAYAAN': ['pendidikan', 'pelayanan_publik'],
  'EKONOMI DAN KEUANGAN': ['ekonomi_keuangan', 'pelayanan_publik'],
  'PEMULIHAN EKONOMI NASIONAL': ['ekonomi_keuangan', 'pelayanan_publik'],
  KETENAGAKERJAAN: ['ketenagakerjaan', 'pelayanan_publik'],
  'PERLINDUNGAN KONSUMEN': ['perlindungan_konsumen', 'pelayanan_publik'],
  'POLITIK DAN HUKUM': ['politik_hukum', 'pelayanan_publik'],
  'PEMBANGUNAN DESA, DAERAH TERTINGGAL, DAN TRANSMIGRASI': ['pembangunan_desa', 'pelayanan_publik'],
  'PERTANIAN DAN PETERNAKAN': ['pertanian', 'lainnya'],
  AGAMA: ['agama', 'lainnya'],
  'KESETARAAN GENDER DAN SOSIAL INKLUSIF': ['gender_inklusi', 'sosial'],
  'NETRALITAS ASN': ['netralitas_asn', 'pelayanan_publik'],
  'POLITISASI ASN': ['netralitas_asn', 'pelayanan_publik'],
  'PENCEGAHAN DAN PEMBERANTASAN PENYALAHGUNAAN DAN PEREDARAN GELAP NARKOTIKA DAN PREKURSOR NARKOTIKA (P4GN)': ['narkotika', 'keamanan'],
  'PROGRAM MAKAN BERGIZI GRATIS (MBG)': ['makan_bergizi', 'pelayanan_publik'],
  'EVAKUASI HEWAN LIAR': ['hewan_liar', 'lainnya'],
  'SP4N-LAPOR!': ['pelayanan_publik'],
}
