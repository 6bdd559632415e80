/**
 * A Svelte action for the wall's lists: show as many items as fit whole in the list's box and
 * hide the rest, so a list fills the room the screen has (more rows at 1920x1080 than at
 * 1280x800) and never ends on a half-cut row. The list must be a box whose height the layout
 * sets (a flex item with min-height 0 and overflow hidden). `data-shown` says how many show.
 */
export function fitItems(list: HTMLElement) {
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
    destroy() {
      resized.disconnect()
      changed.disconnect()
      if (frame) cancelAnimationFrame(frame)
    },
  }
}
