/** Small text helpers every layer uses. */

/** The message of anything thrown, Error or not; never throws itself (an object without a prototype has no toString). */
export function errorMessage(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error)
  } catch {
    return Object.prototype.toString.call(error)
  }
}

/** Folds line breaks (and the space around them) into single spaces: for outputs and messages that must be one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]\s*/g, ' ')
}

/** `1 poll`, `2 polls`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`
}
