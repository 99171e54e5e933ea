// Types for leaks.mjs (plain JavaScript so that the soak script runs it without a build).

export function base64Forms(secret: string): string[]
/** The form of the secret found in `text` ('raw', 'HTML-escaped', 'JSON-escaped', 'URL-encoded', 'base64'), or undefined. */
export function secretFormIn(text: string, secret: string): string | undefined
export function findLeaks(
  result: { stdout: string; stderr: string; outputs: Record<string, string>; summary: string; files: string[] },
  secret: string
): string[]
