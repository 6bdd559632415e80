/**
 * The community satisfaction index (SKM / IKM) of Permenpan-RB 14/2017: ten service elements
 * each scored 1-4 by a respondent; each element's mean (NRR) is weighted equally (1/10); the
 * index is the weighted sum x 25, from 25 to 100, graded A-D.
 */
export const SKM_ELEMENTS = [
  { code: 'U1', name: 'Persyaratan', name_en: 'Requirements' },
  { code: 'U2', name: 'Sistem, mekanisme dan prosedur', name_en: 'Procedure' },
  { code: 'U3', name: 'Waktu penyelesaian', name_en: 'Speed' },
  { code: 'U4', name: 'Biaya/tarif', name_en: 'Cost' },
  { code: 'U5', name: 'Produk spesifikasi jenis pelayanan', name_en: 'Service product' },
  { code: 'U6', name: 'Kompetensi pelaksana', name_en: 'Staff competence' },
  { code: 'U7', name: 'Perilaku pelaksana', name_en: 'Staff behaviour' },
  { code: 'U8', name: 'Maklumat pelayanan', name_en: 'Service notice' },
  { code: 'U9', name: 'Penanganan pengaduan, saran dan masukan', name_en: 'Complaint handling' },
  { code: 'U10', name: 'Sarana dan prasarana', name_en: 'Facilities' },
] as const

export type SkmGrade = 'A' | 'B' | 'C' | 'D'
export const GRADE_LABEL: Record<SkmGrade, { id: string; en: string }> = {
  A: { id: 'Sangat Baik', en: 'Very good' },
  B: { id: 'Baik', en: 'Good' },
  C: { id: 'Kurang Baik', en: 'Poor' },
  D: { id: 'Tidak Baik', en: 'Very poor' },
}

/** Official bounds on the index (on its value rounded to two decimals). */
export function skmGrade(index: number): SkmGrade {
  if (index >= 88.31) return 'A'
  if (index >= 76.61) return 'B'
  if (index >= 65) return 'C'
  return 'D'
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d

export interface SkmResult {
  respondents: number
  /** NRR per element (mean score, 1-4), U1..U10. */
  element_means: number[]
  index: number | null
  grade: SkmGrade | null
  label: { id: string; en: string } | null
}

/** From per-element score sums over `respondents` complete responses. */
export function skmFromSums(sums: readonly number[], respondents: number): SkmResult {
  if (respondents === 0) return { respondents, element_means: sums.map(() => 0), index: null, grade: null, label: null }
  const means = sums.map((s) => s / respondents)
  const weighted = means.reduce((a, m) => a + m / means.length, 0)
  const index = round(weighted * 25, 2)
  const grade = skmGrade(index)
  return { respondents, element_means: means.map((m) => round(m, 3)), index, grade, label: GRADE_LABEL[grade] }
}

export function skmIndex(responses: readonly (readonly number[])[]): SkmResult {
  const sums = Array.from({ length: SKM_ELEMENTS.length }, (_, i) => responses.reduce((a, r) => a + (r[i] ?? 0), 0))
  return skmFromSums(sums, responses.length)
}
