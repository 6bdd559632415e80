// Its own file so that errors.ts (which checks text with text.ts) and text.ts share it without
// importing each other.

/** One field of a request and what is wrong with it: an entry of a 400/422 answer's `issues`. */
export interface FieldIssue {
  field: string
  message: string
}
