import { z } from 'zod'

export const RatingInput = z.object({
  score: z.number().int().min(1, 'score is 1 to 5').max(5, 'score is 1 to 5'),
  comment: z.string().trim().max(2000).optional(),
})
export const ApiRatingInput = RatingInput.extend({ report_id: z.uuid('report_id must be a report id (UUID)') })
export const TokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a rating link') })
