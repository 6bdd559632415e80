import { describe, expect, it } from 'vitest'
import { fnv1a64, matchLockKeys } from '../server/incidents/incident.locks.js'
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

// Lock keys must stay the same from one version to the next: during a rolling restart two
// versions of the server take match locks side by side, and must take the same ones.
describe('fnv1a64 (match lock keys)', () => {
  // FNV-1a as its authors define it, one BigInt step a byte.
  const reference = (text: string) => {
    let h = 0xcbf29ce484222325n
    for (const byte of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn
    return BigInt.asIntN(64, h)
  }

  it('gives the published FNV-1a 64 values, as signed integers', () => {
    expect(fnv1a64('')).toBe(BigInt.asIntN(64, 0xcbf29ce484222325n))
    expect(fnv1a64('a')).toBe(BigInt.asIntN(64, 0xaf63dc4c8601ec8cn))
    expect(fnv1a64('foobar')).toBe(BigInt.asIntN(64, 0x85944171f73967e8n))
  })

  it('agrees with the BigInt definition on any text, non-ASCII included', () => {
    let seed = 7
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789|_-.é€漢🙂'
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: Math.floor(rnd() * 40) }, () => [...alphabet][Math.floor(rnd() * [...alphabet].length)]).join('')
      expect(fnv1a64(text), text).toBe(reference(text))
    }
    expect(fnv1a64('incident|jalan_rusak|50|-8123|1234')).toBe(reference('incident|jalan_rusak|50|-8123|1234'))
  })
})
