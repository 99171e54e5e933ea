import type { Report } from './types.js'

export const REDACTED = '***'

/**
 * Returns a function that replaces each secret, raw, URL-encoded or JSON-escaped, wherever it appears.
 * Applied to everything we write: outputs, files, the summary, the comment and log lines, since a
 * misbehaving server may echo a key back.
 */
export function redactor(...secrets: string[]): (text: string) => string {
  const forms = [...new Set(secrets.flatMap(secret => [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]))]
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

/** The report with every text in it redacted: what the outputs, the summary and the comment may show. */
export function redactReport(report: Report, redact: (text: string) => string): Report {
  const { outcome } = report
  return {
    ...report,
    outcome: {
      ...outcome,
      progressId: redact(outcome.progressId),
      instructions: redact(outcome.instructions),
      expectedOutcome: redact(outcome.expectedOutcome),
      error: redact(outcome.error),
      lastResponse: redactJson(outcome.lastResponse, redact)
    },
    ...(report.extraInstructions !== undefined ? { extraInstructions: redact(report.extraInstructions) } : {}),
    ...(report.currentInstructions !== undefined ? { currentInstructions: redact(report.currentInstructions) } : {})
  }
}
