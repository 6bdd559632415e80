import { z } from 'zod'
import { envConfig } from '../config.js'

/**
 * When a new report joins an open incident instead of opening one: same match group
 * (by default the category itself), within `radius_m` of the incident's location, and
 * within `window_h` hours of the incident's reports. Sizes follow the problem: a pothole
 * is one spot, a flood or a power cut covers a neighbourhood; an emergency is reported
 * within hours, a broken street light for weeks.
 */
export interface MatchRule {
  radius_m: number
  window_h: number
  /** Categories with the same group match each other's incidents (default: the category code). */
  group?: string
}

const FALLBACK: MatchRule = { radius_m: 50, window_h: 72 }

export const DEFAULT_RULES: Record<string, MatchRule> = {
  kebakaran: { radius_m: 300, window_h: 12 },
  kecelakaan: { radius_m: 150, window_h: 6 },
  darurat_medis: { radius_m: 50, window_h: 3 },
  banjir: { radius_m: 500, window_h: 48 },
  pohon_tumbang: { radius_m: 100, window_h: 48 },
  longsor: { radius_m: 300, window_h: 72 },
  listrik_padam: { radius_m: 700, window_h: 24 },
  air_bersih: { radius_m: 500, window_h: 72 },
  jalan_rusak: { radius_m: 50, window_h: 24 * 14 },
  drainase: { radius_m: 100, window_h: 24 * 7 },
  penerangan_jalan: { radius_m: 50, window_h: 24 * 14 },
  sampah: { radius_m: 50, window_h: 24 * 7 },
  kemacetan: { radius_m: 300, window_h: 6 },
  ketertiban: { radius_m: 100, window_h: 24 },
  keamanan: { radius_m: 150, window_h: 24 },
  sosial: { radius_m: 50, window_h: 24 * 7 },
  kesehatan: { radius_m: 100, window_h: 24 * 7 },
  pelayanan_publik: { radius_m: 50, window_h: 24 * 7 },
  tata_ruang: { radius_m: 50, window_h: 24 * 30 },
  lainnya: { radius_m: 30, window_h: 72 },
}

const RuleOverride = z.object({
  radius_m: z.number().positive().max(10_000).optional(),
  window_h: z.number().positive().max(24 * 365).optional(),
  group: z.string().min(1).max(64).optional(),
})
const Overrides = z.record(z.string().min(1), RuleOverride)

/** Reads SIGAP_INCIDENT_RULES (JSON, per category code), e.g. `{"banjir":{"radius_m":800,"group":"air"}}`. */
export function parseRuleOverrides(text: string | undefined): Record<string, Partial<MatchRule>> {
  if (text === undefined || text.trim() === '') return {}
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw new Error(`SIGAP_INCIDENT_RULES is not valid JSON: ${(err as Error).message}`)
  }
  const parsed = Overrides.safeParse(doc)
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`SIGAP_INCIDENT_RULES is invalid: ${why}`)
  }
  return parsed.data as Record<string, Partial<MatchRule>>
}

export class MatchRules {
  private readonly rules: Record<string, MatchRule>

  constructor(overrides: Record<string, Partial<MatchRule>> = {}) {
    this.rules = { ...DEFAULT_RULES }
    for (const [code, o] of Object.entries(overrides)) this.rules[code] = { ...(this.rules[code] ?? FALLBACK), ...o }
  }

  rule(category: string): MatchRule {
    return this.rules[category] ?? FALLBACK
  }

  group(category: string): string {
    return this.rule(category).group ?? category
  }

  /** Every category (known to the rules) whose incidents a report of `category` may join. */
  groupMembers(category: string): string[] {
    const g = this.group(category)
    const members = Object.keys(this.rules).filter((c) => this.group(c) === g)
    return members.includes(category) ? members.sort() : [...members, category].sort()
  }

  /** The widest radius in the group: the lock grid must be at least that coarse. */
  groupRadius(category: string): number {
    return Math.max(...this.groupMembers(category).map((c) => this.rule(c).radius_m))
  }
}

let current: MatchRules | undefined

/** The rules in force: defaults with the environment's overrides, read once (a bad value fails at start). */
export function matchRules(): MatchRules {
  current ??= new MatchRules(parseRuleOverrides(envConfig().SIGAP_INCIDENT_RULES))
  return current
}
