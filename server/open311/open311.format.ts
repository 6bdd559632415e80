import { XMLBuilder } from 'fast-xml-parser'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Format } from './open311.schema.js'

const xml = new XMLBuilder({ format: false, suppressEmptyNode: true, processEntities: true })

/**
 * The XML shapes GeoReport v2 defines: a root element holding one child per item
 * (`<services><service>…`, `<service_requests><request>…`, `<errors><error>…`).
 */
export const XML_SHAPES = {
  services: ['services', 'service'],
  requests: ['service_requests', 'request'],
  errors: ['errors', 'error'],
} as const

export function respond(
  c: Context,
  format: Format,
  status: ContentfulStatusCode,
  body: unknown,
  shape: keyof typeof XML_SHAPES | 'service_definition' | 'discovery',
) {
  if (format === 'json') return c.json(body, status)
  let tree: unknown
  if (shape === 'service_definition') tree = { service_definition: definitionForXml(body as ServiceDefinitionBody) }
  else if (shape === 'discovery') tree = { discovery: body }
  else {
    const [root, item] = XML_SHAPES[shape]
    tree = { [root]: { [item]: body } }
  }
  return c.body(`<?xml version="1.0" encoding="utf-8"?>\n${xml.build(tree)}`, status, { 'content-type': 'text/xml; charset=utf-8' })
}

interface ServiceDefinitionBody {
  service_code: string
  attributes: { values: { key: string; name: string }[] }[]
}

/** In XML, lists are wrapped: `<attributes><attribute>…<values><value>…`. */
function definitionForXml(d: ServiceDefinitionBody) {
  return {
    service_code: d.service_code,
    attributes: { attribute: d.attributes.map((a) => ({ ...a, values: { value: a.values } })) },
  }
}

/** `requests.json` → ['requests', 'json']; anything but .json / .xml → null. */
export function splitExtension(file: string): [string, Format] | null {
  const m = /^(.+)\.(json|xml)$/.exec(file)
  return m ? [m[1]!, m[2] as Format] : null
}

/** W3C date-time in WIB (+07:00), as Open311 clients show it. */
export function w3c(d: Date | null): string | null {
  if (!d) return null
  const wib = new Date(d.getTime() + 7 * 3_600_000)
  return `${wib.toISOString().slice(0, 19)}+07:00`
}
