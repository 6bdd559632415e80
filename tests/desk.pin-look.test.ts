import { describe, expect, it } from 'vitest'
import { deskPinLook, deskPins } from '../web/src/desk/pin-look'
import type { DeskTicket } from '../web/src/desk/queue.svelte'
import type { DeskDetail, Nearby } from '../web/src/desk/types'

// The desk map's pins (web/src/desk/pin-look.ts): with no ticket chosen, where the queue's work
// is; with one chosen, that ticket and what is around it. No browser: plain code over the queue.

const colors = { kebakaran: '#ff3b30', jalan_rusak: '#ff9500' }

function ticket(id: string, category: string, lon: number, lat: number, is_emergency = false): DeskTicket {
  return { id, category, is_emergency, location: { lon, lat }, report_count: 1 } as DeskTicket // only what the pins read
}

describe('the desk map pins', () => {
  const queue = [ticket('a', 'kebakaran', 107.1, -6.5, true), ticket('b', 'jalan_rusak', 107.2, -6.6), ticket('c', 'unknown_cat', 107.3, -6.7)]

  it('show every ticket of the queue as filtered when none is chosen, in its category colour, emergencies larger', () => {
    const pins = deskPins(false, null, [], queue, colors)
    expect(pins.map((p) => [p.id, p.kind, p.lon, p.lat])).toEqual([
      ['a', 'queue', 107.1, -6.5],
      ['b', 'queue', 107.2, -6.6],
      ['c', 'queue', 107.3, -6.7],
    ])
    const look = deskPinLook(pins, '#4cc3ff', null)
    expect(look(0).fill).toEqual([255, 59, 48, 235])
    expect(look(1).fill).toEqual([255, 149, 0, 235])
    expect(look(2).fill).toEqual([100, 116, 139, 235]) // a category the screen has no colour for: slate, still drawn
    expect(look(0).radius).toBeGreaterThan(look(1).radius)
    expect(look(0).line).toEqual([255, 255, 255, 255])
    expect(deskPins(false, null, [], queue.slice(1), colors)).toHaveLength(2) // a filter narrows the map too
  })

  it('show nothing while a chosen ticket loads: not the queue again for a moment between two tickets', () => {
    expect(deskPins(true, null, [], queue, colors)).toEqual([])
  })

  it('show the chosen ticket, its reports and the numbered incidents near it instead of the queue', () => {
    const detail = { ...ticket('b', 'jalan_rusak', 107.2, -6.6), report_count: 2, reports: [{ id: 'r1', location: { lon: 107.2001, lat: -6.6001, accuracy_m: null } }, { id: 'r2', location: { lon: 107.1999, lat: -6.5999, accuracy_m: null } }] } as unknown as DeskDetail
    const nearby = [{ id: 'n1', lon: 107.201, lat: -6.601 }] as Nearby[]
    const pins = deskPins(true, detail, nearby, queue, colors)
    expect(pins.map((p) => [p.id, p.kind, p.label])).toEqual([
      ['n1', 'nearby', '1'],
      ['r1', 'report', undefined],
      ['r2', 'report', undefined],
      ['b', 'ticket', '2'],
    ])
    const look = deskPinLook(pins, colors.jalan_rusak, 'n1')
    expect(look(3).fill).toEqual([255, 149, 0, 235])
    expect(look(3).mark).toBe('2')
    expect(look(0).line).toEqual([255, 255, 255, 255]) // the nearby incident picked to merge is ringed
  })
})
