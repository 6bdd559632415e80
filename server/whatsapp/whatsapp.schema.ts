import { z } from 'zod'

/** The parts of a WhatsApp Cloud API message we use; other fields and types pass through unread. */
export const WaMessage = z.looseObject({
  from: z.string().regex(/^\d{4,20}$/, 'from must be a WhatsApp id (digits)'),
  id: z.string().min(1).max(200),
  timestamp: z.coerce.number().int().positive(),
  type: z.string(),
  text: z.object({ body: z.string().max(5000) }).optional(),
  location: z
    .object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      name: z.string().max(500).optional(),
      address: z.string().max(500).optional(),
    })
    .optional(),
  image: z.object({ id: z.string().min(1).max(200), mime_type: z.string().optional(), caption: z.string().max(5000).optional() }).optional(),
})
export type WaMessage = z.infer<typeof WaMessage>

const Value = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z.looseObject({ phone_number_id: z.string().optional() }).optional(),
  contacts: z.array(z.looseObject({ wa_id: z.string(), profile: z.looseObject({ name: z.string().max(200).optional() }).optional() })).optional(),
  // Each message is checked on its own (safeParse) so that one odd message cannot drop the rest.
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
})

/** POST body of the webhook: `{ object, entry: [{ id, changes: [{ field, value }] }] }`. */
export const WaWebhook = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.looseObject({ id: z.string().optional(), changes: z.array(z.looseObject({ field: z.string(), value: Value })) })),
})
export type WaWebhook = z.infer<typeof WaWebhook>

/** GET handshake: `hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`. */
export const WaHandshake = z.object({
  'hub.mode': z.literal('subscribe'),
  'hub.verify_token': z.string().min(1),
  'hub.challenge': z.string().min(1).max(500),
})
