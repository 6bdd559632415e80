import { describe, expect, it } from 'vitest'
import { matchLockKeys } from '../server/incidents/incident.locks.js'
import { MatchRules, parseRuleOverrides } from '../server/incidents/incident.rules.js'

describe('incident match rules', () => {
  it('uses tens of metres for a pothole and hundreds for a flood or a power cut', () => {
    const r = new MatchRules()
    expect(r.rule('jalan_rusak').radius_m).toBeLessThan(100)
    expect(r.rule('banjir').radius_m).toBeGreaterThanOrEqual(300)
    expect(r.rule('listrik_padam').radius_m).toBeGreaterThanOrEqual(300)
    expect(r.rule('a_new_category')).toEqual({ radius_m: 50, window_h: 72 })
  })

  it('takes overrides and groups from SIGAP_INCIDENT_RULES', () => {
    const r = new MatchRules(parseRuleOverrides('{"banjir":{"radius_m":800,"group":"air"},"drainase":{"group":"air"}}'))
    expect(r.rule('banjir')).toMatchObject({ radius_m: 800, window_h: 48 })
    expect(r.groupMembers('drainase')).toEqual(['banjir', 'drainase'])
    expect(r.groupRadius('drainase')).toBe(800)
    expect(r.groupMembers('sampah')).toEqual(['sampah'])
  })

  it('refuses a malformed SIGAP_INCIDENT_RULES with the reason', () => {
    expect(() => parseRuleOverrides('{banjir')).toThrow(/not valid JSON/)
    expect(() => parseRuleOverrides('{"banjir":{"radius_m":-1}}')).toThrow(/banjir\.radius_m/)
    expect(parseRuleOverrides('')).toEqual({})
  })
})

describe('match lock keys', () => {
  // Deterministic pseudo-random numbers, so a failure can be replayed.
  let seed = 42
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)

  it('give any two reports within the match radius a lock in common', () => {
    for (let i = 0; i < 5000; i++) {
      const radius = [30, 50, 300, 700][i % 4]!
      const lat = -11 + rnd() * 17
      const lon = 95 + rnd() * 46
      const dist = rnd() * radius
      const angle = rnd() * 2 * Math.PI
      const lat2 = lat + (dist * Math.sin(angle)) / 110_574
      const lon2 = lon + (dist * Math.cos(angle)) / (111_320 * Math.cos((lat * Math.PI) / 180))
      const a = new Set(matchLockKeys('jalan_rusak', radius, lon, lat))
      const b = matchLockKeys('jalan_rusak', radius, lon2, lat2)
      expect(b.some((k) => a.has(k)), `${lat},${lon} vs ${lat2},${lon2} at ${radius} m`).toBe(true)
    }
  })

  it('do not make reports of different groups wait for each other', () => {
    const a = new Set(matchLockKeys('jalan_rusak', 50, 106.8, -6.2))
    expect(matchLockKeys('sampah', 50, 106.8, -6.2).some((k) => a.has(k))).toBe(false)
  })
})
