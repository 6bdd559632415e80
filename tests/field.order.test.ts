import { describe, expect, it } from 'vitest'
import { byUrgencyThenDistance, sameTeam } from '../web/src/field/geo.js'
import type { Ticket } from '../web/src/field/types.js'

// The field tablet's list order: the officer's own team's tickets first, those the command room
// has not dispatched yet last (they cannot be worked on), whatever their priority.

let n = 0
const ticket = (over: Partial<Ticket>): Ticket => ({
  id: `t${++n}`,
  category: 'jalan_rusak',
  status: 'dispatched',
  open: true,
  agency: { code: 'pupr', name: 'PUPR' },
  field_team: null,
  priority: 3,
  is_emergency: false,
  location: { lat: -6.2, lon: 106.84 },
  region: null,
  report_count: 1,
  created_at: `2026-12-0${n % 9}T00:00:00Z`,
  status_changed_at: null,
  merged_into: null,
  sla: { response_due_at: null, resolve_due_at: null, first_response_at: null, resolved_at: null, response_breached: false, resolve_breached: false },
  ...over,
})

describe('field list order by the officer\'s team', () => {
  it('puts tickets dispatched to my team (trimmed, any case) first, other workable ones next, new ones last', () => {
    const fresh = ticket({ status: 'new', priority: 1, is_emergency: true })
    const other = ticket({ field_team: 'Tim B', priority: 1 })
    const mine = ticket({ field_team: '  tim a ', priority: 4 })
    const mineWorking = ticket({ status: 'in_progress', field_team: 'TIM A', priority: 5 })
    const unassigned = ticket({ priority: 2 })
    const sorted = [fresh, other, mine, mineWorking, unassigned].sort(byUrgencyThenDistance(null, 'Tim A'))
    expect(sorted.map((t) => t.id)).toEqual([mine.id, mineWorking.id, other.id, unassigned.id, fresh.id])
  })

  it('without a team set, keeps the agency order (awaiting dispatch last) and matches no team', () => {
    const fresh = ticket({ status: 'verified', priority: 1 })
    const a = ticket({ field_team: 'Tim A', priority: 3 })
    const b = ticket({ field_team: null, priority: 2 })
    expect([fresh, a, b].sort(byUrgencyThenDistance(null, '')).map((t) => t.id)).toEqual([b.id, a.id, fresh.id])
    expect(sameTeam('Tim A', '')).toBe(false)
    expect(sameTeam('', '')).toBe(false)
    expect(sameTeam('Tim A', 'Tim A2')).toBe(false)
    expect(sameTeam(' Tim  A', 'tim a')).toBe(false) // inner spaces are part of the name: exact
  })
})
