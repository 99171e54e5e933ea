/** Small text helpers every layer uses. */

/** The message of anything thrown, Error or not. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Folds line breaks (and the space around them) into single spaces: for outputs and messages that must be one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ')
}

/** `1 poll`, `2 polls`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`
}
