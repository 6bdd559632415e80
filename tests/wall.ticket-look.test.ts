import { describe, expect, it } from 'vitest'
import { flagsOf } from '../server/wall/wall.codec'
import { wallTicketLook } from '../web/src/wall/ticket-look'

// The wall's colour rule for its ticket pins (web/src/wall/ticket-look.ts): what a command room
// reads from across the room. No browser: the rule is plain code over the store's columns.

function store() {
  return { flags: new Uint8Array(4), cats: new Uint8Array(4), counts: new Uint16Array(4), categories: [] as string[] }
}

describe('the wall ticket pins', () => {
  it('colour a pin by its category, also for a category the store learns after the rule was made', () => {
    const s = store()
    const colors = { kebakaran: '#ff3b30', jalan_rusak: '#ff9500' }
    const look = wallTicketLook(s, colors)
    // The first load arrives after the screen made its rule (as on the wall).
    s.categories.push('kebakaran', 'jalan_rusak')
    s.cats.set([0, 1])
    s.counts.set([1, 1])
    s.flags.set([flagsOf(3, false, false), flagsOf(3, false, false)])
    expect(look(0).fill).toEqual([255, 59, 48, 235])
    expect(look(1).fill).toEqual([255, 149, 0, 235])
  })

  it('size by report count, ring priority 1 in white, and pulse only emergencies', () => {
    const s = store()
    s.categories.push('kebakaran')
    s.counts.set([1, 40])
    s.flags.set([flagsOf(1, true, false), flagsOf(3, false, true)])
    const look = wallTicketLook(s, { kebakaran: '#ff3b30' })
    expect(look(1).radius).toBeGreaterThan(look(0).radius)
    expect(look(0).line).toEqual([255, 255, 255, 255])
    expect(look(0).lineWidth).toBe(3)
    expect(look(1).lineWidth).toBe(1)
    expect(look(0).pulse).toBe(true)
    expect(look(1).pulse).toBe(false)
  })

  it('rings a ticket six days without a response in red, whatever its priority', () => {
    const s = store()
    s.categories.push('kebakaran')
    s.counts.set([1, 1])
    s.flags.set([flagsOf(1, false, false, true), flagsOf(1, false, false, false)])
    const look = wallTicketLook(s, { kebakaran: '#ff3b30' })
    expect(look(0).line).toEqual([255, 45, 60, 255])
    expect(look(1).line).toEqual([255, 255, 255, 255])
  })
})
