import type { WallKey } from './messages'

export const SCENES = ['hotspots', 'tickets', 'heatmap', 'disputes'] as const
export type Scene = (typeof SCENES)[number]
export type HotspotWindow = '24h' | '7d' | '30d'

export const SCENE_TITLE: Record<Scene, WallKey> = {
  hotspots: 'scene.hotspots',
  tickets: 'scene.tickets',
  heatmap: 'scene.heatmap',
  disputes: 'scene.disputes',
}

export interface WallOptions {
  /** The scenes in rotation, in order. */
  scenes: Scene[]
  /** A scene pinned by URL: no rotation. */
  pinned: Scene | null
  /** Seconds each scene stays up. */
  rotateSeconds: number
  hotspotWindow: HotspotWindow
}

const isScene = (s: string): s is Scene => (SCENES as readonly string[]).includes(s)

/**
 * /wall?scene=tickets pins one scene; ?rotate=60 sets the period in seconds (5 to 3600,
 * default 30); ?scenes=hotspots,tickets chooses the rotation; ?window=7d the hotspot window.
 * Anything unknown is ignored: a wall screen must come up whatever its URL says.
 */
export function wallOptions(search: string): WallOptions {
  const q = new URLSearchParams(search)
  const listed = (q.get('scenes') ?? '').split(',').map((s) => s.trim()).filter(isScene)
  const scene = q.get('scene') ?? ''
  const rotate = Number(q.get('rotate'))
  const win = q.get('window')
  return {
    scenes: listed.length ? listed : [...SCENES],
    pinned: isScene(scene) ? scene : null,
    rotateSeconds: Number.isFinite(rotate) && rotate >= 5 ? Math.min(rotate, 3600) : 30,
    hotspotWindow: win === '7d' || win === '30d' ? win : '24h',
  }
}
