import type { LineString, MultiPolygon, Point, Polygon } from 'geojson'
import type { DisputeView } from '../../../server/disputes/dispute.view'

/** A dispute as the list, the single answer and every `dispute.*` event carry it. */
export type Dispute = DisputeView
export type DisputeState = Dispute['state']
export type Decision = 'move' | 'keep' | 'return'
export const ACTIVE: readonly DisputeState[] = ['open', 'proposed']

export interface HistoryEntry {
  id: number
  action: 'opened' | 'proposed' | 'decided' | 'overdue' | 'cleared'
  decision: Decision | null
  by: { user_id: string | null; role: string }
  reason: string | null
  data: { side?: 'claimed' | 'detected' | 'both' | null; corrected_location?: { lat: number; lon: number } | null } | null
  at: string
}

export interface DisputeGeometry {
  point: Point
  claimed_region: MultiPolygon | Polygon | null
  detected_region: MultiPolygon | Polygon | null
  line_to_point: LineString | null
}

/** GET /api/disputes/:id */
export interface DisputeDetail extends Dispute {
  report: { id: string; channel: string; category: string; description: string; reported_at: string; location: { lat: number; lon: number; accuracy_m: number | null } } | null
  geometry: DisputeGeometry
  evidence: {
    claim_text: string | null
    distance_m: number | null
    accuracy_m: number | null
    tolerance_m: number
    photos: { id: string; taken_at: string | null; exif_location: { lat: number; lon: number } | null; exif_region: { code: string; name: string } | null }[]
  }
  history: HistoryEntry[]
  can: { propose: boolean; decide: boolean }
}

export interface Proposal {
  decision: Decision
  reason: string
  corrected_location?: { lat: number; lon: number }
  by?: { user_id: string | null; role: string }
  side?: 'claimed' | 'detected' | 'both' | null
  at?: string
}

/** Colours by state: one meaning everywhere on this screen (badges, outlines, the pin). */
export const STATE_COLOR: Record<DisputeState, string> = {
  open: '#ffb020',
  proposed: '#4cc3ff',
  moved: '#34c759',
  kept: '#c48cff',
  returned: '#a0aec0',
  cleared: '#a0aec0',
}
export const OVERDUE_COLOR = '#ff453a'

export const stateColor = (d: Pick<Dispute, 'state'>, overdue: boolean) => (overdue ? OVERDUE_COLOR : STATE_COLOR[d.state])
