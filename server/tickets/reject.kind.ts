import { sql, type RawBuilder } from 'kysely'

/** Words operators use in a free-text reason for a false report and for a prank call. */
const HOAX_WORDS = '(hoax|hoaks|palsu|bohong|fitnah)'
const PRANK_WORDS = '(prank|iseng|main-main|usil|ngerjain)'

/**
 * The one reading of why a ticket over incidents aliased `a` was rejected, for every count of
 * hoaxes and pranks (response statistics, the review, its CSV and PDF): its kind
 * (`reject_code`, one of REJECT_CODES, chosen on /desk); for a rejection without one (before
 * kinds existed, or through the API without one) hoax or prank by the words of its reason.
 * NULL when the ticket is not rejected.
 */
export function rejectKindSql(a: string): RawBuilder<string | null> {
  const reason = sql.ref(`${a}.reject_reason`)
  return sql<string | null>`CASE WHEN ${sql.ref(`${a}.status`)} <> 'rejected' THEN NULL
    WHEN ${sql.ref(`${a}.reject_code`)} IS NOT NULL THEN ${sql.ref(`${a}.reject_code`)}
    WHEN ${reason} ~* ${HOAX_WORDS} THEN 'hoax'
    WHEN ${reason} ~* ${PRANK_WORDS} THEN 'prank' END`
}
