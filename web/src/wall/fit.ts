/**
 * A Svelte action for the wall's lists: show as many items as fit whole in the list's box and
 * hide the rest, so a list never ends on a half-cut row and never shrinks its text to squeeze
 * more in. The list must be a box whose height the layout sets (a flex item with min-height 0
 * and overflow hidden). `data-shown` says how many show; `onFit` hears it too (for "+3 lainnya").
 */
export function fitItems(list: HTMLElement, onFit?: (shown: number) => void) {
  let report = onFit
  // Inline, not a stylesheet's [hidden] rule: a component's own `li { display: grid }` would win.
  const show = (li: HTMLElement, on: boolean) => {
    li.hidden = !on
    li.style.display = on ? '' : 'none'
  }
  let frame = 0
  const fit = () => {
    frame = 0
    const items = [...list.children] as HTMLElement[]
    for (const li of items) show(li, true)
    const room = list.clientHeight
    const top = list.getBoundingClientRect().top
    // The first that does not fit whole, and every one after it, are hidden: lists read top down.
    let shown = 0
    while (shown < items.length && items[shown]!.getBoundingClientRect().bottom - top <= room + 0.5) shown++
    items.forEach((li, i) => show(li, i < shown))
    list.dataset.shown = String(shown)
    report?.(shown)
  }
  // Measured in the next frame: hiding rows inside a resize callback would resize it again.
  const later = () => {
    if (!frame) frame = requestAnimationFrame(fit)
  }
  const resized = new ResizeObserver(later)
  resized.observe(list)
  if (list.parentElement) resized.observe(list.parentElement)
  const changed = new MutationObserver(later)
  changed.observe(list, { childList: true, subtree: true, characterData: true })
  later()
  return {
    update(next?: (shown: number) => void) {
      report = next
    },
    destroy() {
      resized.disconnect()
      changed.disconnect()
      if (frame) cancelAnimationFrame(frame)
    },
  }
}

/** "+3 lainnya" for a list of `total` of which `shown` show; nothing when all do. */
export const moreText = (total: number, shown: number, template: string) => (total > shown && shown > 0 ? template.replace('{n}', String(total - shown)) : '')
