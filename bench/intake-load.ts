// The reports the intake benchmarks and tools post (bench/intake.bench.ts, intake-profile.ts,
// intake-ab.ts), on the demo area (seedDemoArea).

/**
 * Report i's point: spread evenly over a 10 x 10 km box (the R2 low-discrepancy sequence), so that the 16 reports in
 * flight at any moment are far apart, as a city's are (consecutive points of a grid walk were
 * 150 m apart and queued on each other's incident-matching locks).
 */
export const scattered = (i: number) => {
  const u = (0.5 + i * 0.754_877_666_2) % 1
  const v = (0.5 + i * 0.569_840_291) % 1
  return { lat: -6.56 + (u - 0.5) * 0.097, lon: 107.44 + (v - 0.5) * 0.089 }
}

/** Report i as a citizen's app sends it, claiming a kecamatan it is mostly not in (a dispute each). */
export const intakeBody = (i: number) => ({
  channel: 'app',
  category: 'jalan_rusak',
  description: `Jalan berlubang ${i}`,
  location: scattered(i),
  claimed_region: 'Sukamaju',
})
