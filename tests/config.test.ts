import { describe, expect, it } from 'vitest'
import { loadConfig } from '../server/config.js'
import { hotspotIntervalMs } from '../server/hotspots/hotspot.scheduler.js'
import { intakeWorkers } from '../server/reports/intake.service.js'

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

  it('takes the intake workers on PostgreSQL, one per two cores when unset, and always one on the embedded database', () => {
    // Only the database's kind is read: a stand-in for the connection.
    const on = (kind: 'postgres' | 'pglite', env: Record<string, string>, cores: number) => intakeWorkers({ db: { kind } as never, config: loadConfig(env) }, cores)
    expect(on('postgres', {}, 2)).toBe(1)
    expect(on('postgres', {}, 1)).toBe(1)
    expect(on('postgres', {}, 8)).toBe(4)
    expect(on('postgres', {}, 64)).toBe(8)
    expect(on('postgres', { SIGAP_INTAKE_WORKERS: '' }, 8)).toBe(4)
    expect(on('postgres', { SIGAP_INTAKE_WORKERS: '3' }, 2)).toBe(3)
    expect(on('pglite', { SIGAP_INTAKE_WORKERS: '3' }, 8)).toBe(1)
    for (const bad of ['0', '17', 'two', '1.5', '1e999']) expect(() => loadConfig({ SIGAP_INTAKE_WORKERS: bad }), bad).toThrow(/SIGAP_INTAKE_WORKERS/)
  })
})
