/**
 * Advisory-lock keys that serialise incident matching between reports that could match each
 * other, and only those. The plane is cut into square cells at least twice the match
 * radius wide; a report locks the 2x2 block of cells around the grid corner nearest to it.
 * Its whole match disc lies inside that block, so any two reports within one radius of
 * each other share at least one cell (the cell of either one lies in the other's block),
 * and the second one waits until the first has committed its incident.
 */

const M_PER_DEG = 111_320
/** Cells are sized for longitude degrees at 60° latitude: at least 2r wide anywhere nearer the equator. */
const COS_LAT_LIMIT = 0.5

export function lockCellDeg(radiusM: number): number {
  return (2 * radiusM) / (M_PER_DEG * COS_LAT_LIMIT)
}

/** The four lock keys (sorted, so every transaction takes them in one order: no deadlock). */
export function matchLockKeys(group: string, radiusM: number, lon: number, lat: number): string[] {
  const cell = lockCellDeg(radiusM)
  const cx = Math.round(lon / cell)
  const cy = Math.round(lat / cell)
  const keys: bigint[] = []
  for (const x of [cx - 1, cx]) for (const y of [cy - 1, cy]) keys.push(fnv1a64(`incident|${group}|${radiusM}|${x}|${y}`))
  return sortLockKeys(keys.map(String))
}

/** Distinct keys in ascending numeric order: every transaction takes its locks in this order. */
export function sortLockKeys(keys: string[]): string[] {
  return [...new Set(keys)].map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String)
}

const FNV_OFFSET = 0xcbf29ce484222325n
const FNV_PRIME = 0x100000001b3n
const MASK = (1n << 64n) - 1n

/** FNV-1a, as a signed 64-bit integer (what pg_advisory_xact_lock(bigint) takes). */
function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= BigInt(byte)
    h = (h * FNV_PRIME) & MASK
  }
  return BigInt.asIntN(64, h)
}
