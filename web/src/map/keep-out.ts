export type KeepOutBox = [number, number, number, number]

/**
 * The boxes of panels laid over a map, in the map's pixels and grown by `margin`, for the label
 * board to keep names out of (RegionsLayer's labelKeepOut). `set` is called at once and whenever
 * the map or a panel changes size; the returned function stops watching.
 */
export function watchKeepOut(map: HTMLElement, panels: HTMLElement[], margin: number, set: (boxes: KeepOutBox[]) => void): () => void {
  const measure = () => {
    const o = map.getBoundingClientRect()
    set(panels.map((e) => {
      const r = e.getBoundingClientRect()
      return [r.left - o.left - margin, r.top - o.top - margin, r.right - o.left + margin, r.bottom - o.top + margin]
    }))
  }
  const seen = new ResizeObserver(measure)
  for (const e of [map, ...panels]) seen.observe(e)
  return () => seen.disconnect()
}
