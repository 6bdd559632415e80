import { describe, expect, it } from 'vitest'
import { loadConfig } from '../server/config.js'
import { hotspotIntervalMs } from '../server/hotspots/hotspot.scheduler.js'

// Every environment variable is read and checked in server/config.ts, at start-up.
describe('configuration from the environment', () => {
  it('takes the hotspot interval in seconds, empty meaning the default and 0 none', () => {
    expect(hotspotIntervalMs(loadConfig({}))).toBe(30_000)
    expect(hotspotIntervalMs(loadConfig({ SIGAP_HOTSPOT_INTERVAL_S: '' }))).toBe(30_000)
    expect(hotspotIntervalMs(loadConfig({ SIGAP_HOTSPOT_INTERVAL_S: '0' }))).toBe(0)
    expect(hotspotIntervalMs(loadConfig({ SIGAP_HOTSPOT_INTERVAL_S: '5' }))).toBe(5_000)
  })

  it('refuses a bad value, naming the variable', () => {
    expect(() => loadConfig({ SIGAP_HOTSPOT_INTERVAL_S: 'soon' })).toThrow(/SIGAP_HOTSPOT_INTERVAL_S/)
    expect(() => loadConfig({ SIGAP_HOTSPOT_INTERVAL_S: '-1' })).toThrow(/SIGAP_HOTSPOT_INTERVAL_S/)
  })

  it('passes the incident rules and the screens folder on, empty meaning unset', () => {
    const c = loadConfig({ SIGAP_INCIDENT_RULES: '{"banjir":{"radius_m":800}}', SIGAP_WEB_DIST: '' })
    expect(c.SIGAP_INCIDENT_RULES).toBe('{"banjir":{"radius_m":800}}')
    expect(c.SIGAP_WEB_DIST).toBeUndefined()
  })
})
