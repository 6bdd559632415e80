// "Open reports nearby", the one loader behind the citizens' form (/lapor) and the operator's
// intake (/intake): whenever the chosen point or category changes (or refresh() is called after a
// save), the previous look-up is cancelled and a new one made. Each screen passes its own
// look-up: citizens ask /api/lapor/nearby, operators read incidents with their first words.

export type NearbyState = 'idle' | 'loading' | 'done' | 'failed'
type Point = { lat: number; lon: number }

export class NearbySearch<T extends { id: string }> {
  list = $state<T[]>([])
  state = $state<NearbyState>('idle')
  #again = $state(0)

  /** Call while a component initialises: the look-up lives and dies with it. */
  constructor(
    input: () => { at: Point | null; category: string | null | undefined },
    find: (at: Point, category: string, signal: AbortSignal) => Promise<T[]>,
    /** After each look-up ends (not when it is cancelled): the screen keeps its choice valid. */
    settled?: (list: T[], ok: boolean) => void,
  ) {
    $effect(() => {
      void this.#again
      const { at, category } = input()
      if (!at || !category) {
        this.list = []
        this.state = 'idle'
        return
      }
      const ctl = new AbortController()
      this.state = 'loading'
      find(at, category, ctl.signal)
        .then((list) => {
          if (ctl.signal.aborted) return
          this.list = list
          this.state = 'done'
          settled?.(list, true)
        })
        .catch(() => {
          if (ctl.signal.aborted) return
          this.list = []
          this.state = 'failed'
          settled?.([], false)
        })
      return () => ctl.abort()
    })
  }

  /** Looks again: after a save, the new report's incident is among them. */
  refresh() {
    this.#again++
  }
}
