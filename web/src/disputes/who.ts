import { m, type DisputeMessageKey } from './messages'

/** Who took a step: a role and the side they spoke for, never a name; "(you)" for oneself. */
export function whoLabel(by: { user_id?: string | null; role: string | null } | undefined, side: string | null | undefined, regions: { claimed: string; detected: string }, me: string | null): string {
  if (!by?.role) return '—'
  const parts = [m(`role.${by.role}` as DisputeMessageKey) || by.role]
  if (side === 'claimed' || side === 'detected' || side === 'both') parts.push(m(`side.${side}`, regions))
  let s = parts.join(' · ')
  if (me && by.user_id === me) s += ` (${m('you')})`
  return s
}
