export const REDACTED = '***'

/**
 * Returns a function that replaces each secret, raw, URL-encoded or JSON-escaped, wherever it appears.
 * Applied to everything we write: outputs, files, the summary, the comment and log lines, since a
 * misbehaving server may echo a key back.
 */
export function redactor(...secrets: string[]): (text: string) => string {
  const forms = [
    ...new Set(secrets.flatMap(secret => [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]))
  ]
    .filter(form => form.length > 0)
    .sort((a, b) => b.length - a.length)
  return text => forms.reduce((result, form) => result.split(form).join(REDACTED), text)
}

/** Redacts every string inside a JSON value. */
export function redactJson(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value)
  if (Array.isArray(value)) return value.map(item => redactJson(item, redact))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key), redactJson(item, redact)]))
  }
  return value
}
